"""The README's embedding quick-start runs as written."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_has_a_quick_start() -> None:
    blocks = _python_blocks()
    assert blocks and "Engine.from_file" in blocks[0]


def test_readme_api_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _python_blocks()
    assert len(blocks) >= 2
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(blocks[1], "README.md (API example)", "exec"), {"__name__": "__readme__"})
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert "inline.yaml:1:" in out and "password_valid False" in out and "not allowed in state 'unenrolled'" in out


def test_readme_names_every_public_name() -> None:
    import twofa_fsm

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in twofa_fsm.__all__ if f"`{name}`" not in text and name not in _python_blocks()[1]]
    assert missing == []


def test_readme_quick_start_runs(capsys: pytest.CaptureFixture[str]) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        namespace: dict[str, object] = {"__name__": "__readme__"}
        exec(compile(_python_blocks()[0], "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert "refused: 'login' refused by guard 'bound_code_valid': replayed code" in out
    assert "enrolled" in out
