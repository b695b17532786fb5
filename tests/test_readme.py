"""The README is a short front page: what it is, for whom, two commands, one example, links to docs/.

(Every python block and link of the README and of docs/ is checked by tests/test_docs.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
API = ROOT / "docs" / "api.md"


def _text(path: Path = README) -> str:
    return path.read_text(encoding="utf-8")


def _blocks(lang: str, path: Path = README) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", _text(path), flags=re.DOTALL)


def test_readme_is_short() -> None:
    assert len(README.read_bytes()) < 6_000, "keep the README a front page: move details to docs/"


def test_readme_says_who_it_is_for() -> None:
    text = _text().lower()
    assert all(word in text for word in ("designers", "testers", "developers"))


def test_readme_has_make_demo_and_make_test() -> None:
    shell = "\n".join(_blocks("sh"))
    assert re.search(r"^make demo\b", shell, flags=re.MULTILINE)
    assert re.search(r"^make test\b", shell, flags=re.MULTILINE)
    text = _text()
    assert ".venv" in text and "apt-get" in text


def test_readme_links_every_docs_page() -> None:
    text = _text()
    missing = [page.name for page in sorted((ROOT / "docs").glob("*.md")) if f"](docs/{page.name})" not in text]
    assert missing == []


def test_readme_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _blocks("python")
    assert len(blocks) == 1, "the README has one short embedding example"
    assert "TwoFAService" in blocks[0]
    monkeypatch.chdir(ROOT)
    exec(compile(blocks[0], "README.md (embedding example)", "exec"), {"__name__": "__readme__"})
    out = capsys.readouterr().out
    assert "refused: 'login' refused by guard 'bound_code_valid': replayed code" in out
    assert out.rstrip().endswith("setup_in_progress")


def test_every_public_name_is_documented() -> None:
    import twofa_fsm

    text = _text() + _text(API)
    missing = [name for name in twofa_fsm.__all__ if f"`{name}`" not in text]
    assert missing == [], "describe each public name in docs/api.md"


def test_api_page_lists_only_public_names() -> None:
    import twofa_fsm

    listed = set(re.findall(r"^\| `([A-Za-z_][A-Za-z0-9_]*)` \|", _text(API), flags=re.MULTILINE))
    assert sorted(listed - set(twofa_fsm.__all__)) == [], "docs/api.md lists names that are no longer public"
