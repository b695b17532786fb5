"""The coverage report: every transition of spec/twofa.yaml is exercised by the scenario library."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from twofa_fsm import load_spec
from twofa_fsm_tools.cli import main
from twofa_fsm_tools.mutation.run import scenarios_for
from twofa_fsm_tools.scenario.coverage import measure
from twofa_fsm_tools.scenario.runner import run_scenario_file

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "twofa.yaml"


def test_every_transition_and_each_reset_refusal_is_exercised() -> None:
    files = scenarios_for(SPEC, ROOT / "simulator" / "scenarios")
    cov = measure(SPEC, [run_scenario_file(f) for f in files])
    assert len(cov.scenarios) >= 18
    assert cov.missing() == []
    denied = {
        (role, what) for (event, role, what) in cov.outcomes if event == "request_reset" and what.startswith("denied")
    }
    assert ("member", "denied: actor_role_in") in denied
    assert ("admin", "denied: same_organisation") in denied
    assert ("admin", "denied: target_tier_not_above_actor") in denied
    assert ("admin", "denied: actor_recently_verified") in denied
    assert ("user (self)", "denied: not_self") in denied
    assert ("support", "denied: support_only_for_sole_owner") in denied
    assert cov.outcomes[("request_reset", "owner", "allowed")] > 0


def test_coverage_cli(tmp_path: Path) -> None:
    out = tmp_path / "cov.json"
    result = CliRunner().invoke(main, ["coverage", "--spec", str(SPEC), "--json", str(out)])
    assert result.exit_code == 0, result.output
    edges = len(list(load_spec(SPEC).edges()))
    assert f"{edges}/{edges} transitions exercised" in result.output
    assert '"times": 0' not in out.read_text()


def test_only_scenario_steps_count_not_the_pre_enrolments() -> None:
    """lost_phone enrols alice and bob before step 1 (two setups); only alice's setup after the reset counts."""
    path = ROOT / "simulator" / "scenarios" / "lost_phone.yaml"
    result = run_scenario_file(path)
    assert result.setup, "the scenario's people are enrolled before step 1"
    cov = measure(SPEC, [result])
    started = sum(n for (event, _, what), n in cov.outcomes.items() if event == "start_setup" and what == "allowed")
    steps = [r for r in result.trace if r.event == "start_setup" and r.allowed]
    assert started == len(steps) == 1
