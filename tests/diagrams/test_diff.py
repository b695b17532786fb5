"""``twofa-fsm diff``: two specs compared by structure and by behaviour (article vs hardened)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from twofa_fsm import load_spec
from twofa_fsm_tools.cli import main
from twofa_fsm_tools.compare import structure
from twofa_fsm_tools.scenario import run_scenario_file

ROOT = Path(__file__).resolve().parents[2]
ARTICLE, HARDENED = ROOT / "spec" / "article.yaml", ROOT / "spec" / "twofa.yaml"


def test_structure_lists_what_the_hardened_spec_adds() -> None:
    lines = structure(load_spec(ARTICLE), load_spec(HARDENED))
    assert "+ guard of start_setup -> setup_in_progress: setup_token_valid" in lines
    assert "+ effect of confirm_reset -> unenrolled: issue_setup_token" in lines
    assert any(line.startswith("~ policy token_lifetime_seconds: None -> ") for line in lines)
    assert structure(load_spec(HARDENED), load_spec(HARDENED)) == []


def test_diff_finds_the_reset_window_and_its_scenario_tells_the_specs_apart(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(ARTICLE), str(HARDENED), "--out", str(tmp_path), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "breaks attacker_never_gains_access on" in result.output
    assert "phisher.start_setup(password=right)" in result.output
    story = next(tmp_path.rglob("*attacker-never-gains-access-story.yaml"))
    on_article = run_scenario_file(story)
    on_hardened = run_scenario_file(story, spec_override=HARDENED)
    assert not on_article.passed and on_article.breaches
    assert on_hardened.passed and not on_hardened.breaches


def test_diff_refuses_a_missing_spec_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(ARTICLE), str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
