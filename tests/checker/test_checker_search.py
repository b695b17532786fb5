"""The exhaustive checker: every property holds on the hardened spec; the article's reset window is found."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from twofa_fsm import load_spec
from twofa_fsm_tools.checker import explore
from twofa_fsm_tools.checker.cache import remembered_explore
from twofa_fsm_tools.checker.export import scenario_for, write_counterexample
from twofa_fsm_tools.checker.properties import PROPERTIES
from twofa_fsm_tools.cli import main
from twofa_fsm_tools.scenario.runner import run_scenario_file

ROOT = Path(__file__).resolve().parents[2]
HARDENED = ROOT / "spec" / "twofa.yaml"
ARTICLE = ROOT / "spec" / "article.yaml"


@pytest.fixture(scope="module")
def hardened_result():  # type: ignore[no-untyped-def]
    return remembered_explore(load_spec(HARDENED), jobs=2)  # shared with the report and diff tests of this run


@pytest.fixture(scope="module")
def article_result():  # type: ignore[no-untyped-def]
    return explore(load_spec(ARTICLE), worlds=(("member", True), ("owner", True)))


def test_every_property_holds_on_the_hardened_spec(hardened_result) -> None:  # type: ignore[no-untyped-def]
    assert hardened_result.violations == []
    assert hardened_result.states > 5000 and hardened_result.transitions > hardened_result.states
    worlds = {"member/set-up", "member/new", "admin/set-up", "owner/set-up", "owner+owner/pair", "admin+admin/pair"}
    assert set(hardened_result.per_target) == worlds
    assert not any("sole owner" in n for n in hardened_result.notes), "vendor support must rescue a sole owner"


def test_article_reset_window_is_found(article_result) -> None:  # type: ignore[no-untyped-def]
    attack = next(v for v in article_result.shortest() if v.prop == "attacker_never_gains_access")
    labels = [a.label() for a in attack.path]
    assert labels == [
        "owner_fresh.request_reset",
        "owner_fresh.confirm_reset",
        "phisher.start_setup(password=right)",
        "phisher.verify_setup(code=current)",
    ]
    assert {"reset_deletes_and_notifies", "reset_only_by_authorised_actor"} <= article_result.violated()
    assert any("sole owner" in n for n in article_result.notes)


def test_counterexample_replays_as_a_failing_scenario(article_result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    attack = next(v for v in article_result.shortest() if v.prop == "attacker_never_gains_access")
    path = write_counterexample(attack, article_result.spec, "spec/article.yaml", tmp_path)
    result = run_scenario_file(path)
    assert not result.passed
    assert result.breaches and "mallory gained access to member_t's account" in result.breaches[0]
    # every other expectation (the state after each step, as the checker saw it) held in the replay
    assert [f.what for f in result.failures] == ["security"]


def test_counterexample_expects_the_checker_states(article_result) -> None:  # type: ignore[no-untyped-def]
    attack = next(v for v in article_result.shortest() if v.prop == "attacker_never_gains_access")
    data = scenario_for(attack, article_result.spec, "spec/article.yaml")
    states = [s["expect"]["state"] for s in data["steps"] if "expect" in s]
    assert states == ["reset_pending", "unenrolled", "setup_in_progress", "enrolled"]
    assert "VIOLATES attacker_never_gains_access" in data["steps"][-1]["note"]


def test_properties_are_documented() -> None:
    assert len(PROPERTIES) >= 12 and all(text for text in PROPERTIES.values())


def test_cli_check_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["check", str(ROOT / "tests/specs/bad/unknown_dest_state.yaml")])
    assert bad.exit_code == 2 and "unknown state 'enroled'" in bad.output
    out = tmp_path / "cx"
    found = runner.invoke(
        main, ["check", str(ARTICLE), "--quick", "--out", str(out), "--json", str(tmp_path / "r.json")]
    )
    assert found.exit_code == 1, found.output
    assert "attacker_never_gains_access" in found.output and "VIOLATED" in found.output
    assert (out / "counterexample-article-attacker-never-gains-access.yaml").exists()
    assert '"attacker_never_gains_access": false' in (tmp_path / "r.json").read_text()


def test_counterexample_path_is_drawn(article_result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from twofa_fsm_tools.checker.export import trace_of, write_counterexample_diagram
    from twofa_fsm_tools.diagrams import overlay_dot

    attack = next(v for v in article_result.shortest() if v.prop == "attacker_never_gains_access")
    steps = trace_of(attack, article_result.spec)
    assert [(s.event, s.source, s.dest) for s in steps] == [
        ("request_reset", "enrolled", "reset_pending"),
        ("confirm_reset", "reset_pending", "unenrolled"),
        ("start_setup", "unenrolled", "setup_in_progress"),
        ("verify_setup", "setup_in_progress", "enrolled"),
    ]
    assert all(s.allowed for s in steps) and steps[-1].actor == "phisher"
    dot = overlay_dot(article_result.spec, steps)
    assert all(f"step_{n}" in dot for n in (1, 2, 3, 4)) and "4 phisher" in dot
    drawn = write_counterexample_diagram(attack, article_result.spec, tmp_path / "cx.yaml")
    assert drawn.exists() and drawn.suffix in (".svg", ".dot")


def test_check_prints_the_moves_it_explored(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(ROOT / "spec" / "twofa.yaml"), "--quick", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "moves explored (every event of the spec, by every party)" in result.output
    moves = result.output.split("moves explored", 1)[1]
    for event in load_spec(ROOT / "spec" / "twofa.yaml").events:
        assert event in moves
    parties = result.output.split("parties (derived from the spec's roles)", 1)[1].split("moves explored", 1)[0]
    for party in ("phisher", "thief", "admin_fresh", "admin_stale", "admin_out", "admin_locked", "admin_reset"):
        assert party in parties
    assert "code=replay" in moves and "token=old" in moves and "handle=wrong" in moves
