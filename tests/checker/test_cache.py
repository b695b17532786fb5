"""Remembered check results: reused for the same spec, options and code; never for a changed spec."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from twofa_fsm import load_spec
from twofa_fsm_tools.checker import check_spec_file
from twofa_fsm_tools.checker.cache import cache_dir, prune, remembered_explore, result_key
from twofa_fsm_tools.cli import main

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "spec" / "article.yaml"
QUICK = {"worlds": (("member", True),), "pairs": False, "limit": 400}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TWOFA_FSM_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_second_run_is_remembered_and_equal(cache: Path) -> None:
    first = check_spec_file(ARTICLE, remember=True, jobs=1, **QUICK)
    second = check_spec_file(ARTICLE, remember=True, jobs=2, **QUICK)  # jobs do not change a result
    assert not first.remembered and second.remembered
    assert (second.states, second.transitions, second.per_target) == (first.states, first.transitions, first.per_target)
    assert [(v.prop, v.path) for v in second.violations] == [(v.prop, v.path) for v in first.violations]
    assert len(list(cache.glob("check-*.pickle"))) == 1
    assert (cache.stat().st_mode & 0o777) == 0o700


def test_a_changed_spec_or_option_is_explored_again(cache: Path, tmp_path: Path) -> None:
    spec = load_spec(ARTICLE)
    remembered_explore(spec, **QUICK)
    changed = tmp_path / "article.yaml"
    changed.write_text(ARTICLE.read_text().replace("max_failures: 10", "max_failures: 6"), encoding="utf-8")
    assert load_spec(changed).policy.max_failures == 6
    assert not check_spec_file(changed, remember=True, **QUICK).remembered
    assert not remembered_explore(spec, **{**QUICK, "limit": 300}).remembered
    assert result_key(spec, {"limit": 200_000}) == result_key(spec, {}), "a spelled-out default is the same key"


def test_off_and_a_broken_file(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec(ARTICLE)
    remembered_explore(spec, **QUICK)
    for path in cache.glob("check-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert not remembered_explore(spec, **QUICK).remembered, "a file that does not load is explored again"
    assert remembered_explore(spec, **QUICK).remembered
    monkeypatch.setenv("TWOFA_FSM_CACHE", "off")
    assert cache_dir() is None
    assert not remembered_explore(spec, **QUICK).remembered


def test_check_says_when_it_remembered_and_fresh_explores_again(cache: Path, tmp_path: Path) -> None:
    args = ["check", str(ARTICLE), "--quick", "--limit", "300", "--out", str(tmp_path / "ce")]
    first = CliRunner().invoke(main, args)
    again = CliRunner().invoke(main, args)
    fresh = CliRunner().invoke(main, [*args, "--fresh"])
    assert first.exit_code == again.exit_code == fresh.exit_code == 1
    assert "remembered from an earlier run" not in first.output
    assert "remembered from an earlier run" in again.output
    assert "remembered from an earlier run" not in fresh.output
    assert again.output.count("counterexample ") == first.output.count("counterexample ") > 0


def test_only_the_newest_results_are_kept(cache: Path) -> None:
    import os

    cache.mkdir(parents=True)
    for i in range(6):
        path = cache / f"check-{i}.pickle"
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    (cache / "notes.txt").write_text("not a result", encoding="utf-8")
    assert prune(cache, keep=4) == 2
    assert sorted(p.name for p in cache.iterdir()) == [f"check-{i}.pickle" for i in range(2, 6)] + ["notes.txt"]
    assert prune(cache, keep=4) == 0
