"""The reference driver (the engine itself) conforms on both shipped specs, in every suite, and the
generated paths cover every transition; every generated path replays as a passing scenario."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from twofa_fsm_tools.conform import EngineDriver, check_case, conformance_cases
from twofa_fsm_tools.conform.paths import path_cases
from twofa_fsm_tools.conform.run import Verdict, divergence_scenario, predict
from twofa_fsm_tools.scenario.model import Scenario
from twofa_fsm_tools.scenario.runner import run_scenario
from twofa_fsm_tools.scenario.stage import spec_at

ROOT = Path(__file__).resolve().parents[2]
SPECS = ("spec/twofa.yaml", "spec/article.yaml")


def _run_all(spec_path: str) -> list[Verdict]:
    cases = conformance_cases(spec_path, walks=5, seed=3)
    return [check_case(case, spec_path, EngineDriver, f"c{n}_") for n, case in enumerate(cases)]


@pytest.mark.parametrize("spec_path", SPECS)
def test_engine_driver_conforms_in_every_suite(spec_path: str) -> None:
    verdicts = _run_all(spec_path)
    counts = Counter((v.case.suite, v.status) for v in verdicts)
    assert not [v.detail for v in verdicts if v.status == "diverged"]
    assert counts[("paths", "passed")] > 50
    assert counts[("walks", "passed")] == 4  # one per generated world (the checker's starts)
    skipped = {v.case.name: v.detail for v in verdicts if v.status == "skipped"}
    assert all(v.case.suite == "scenarios" for v in verdicts if v.status == "skipped")
    assert all(reason for reason in skipped.values())
    if spec_path == "spec/twofa.yaml":
        assert counts[("scenarios", "passed")] >= 20
        assert "profile page" in skipped["two-admins-confirm"]
    else:
        assert counts[("scenarios", "passed")] == 1  # the library's one scenario written for the article's flow


@pytest.mark.parametrize("spec_path", SPECS)
def test_generated_paths_cover_every_transition_and_guard_outcome(spec_path: str) -> None:
    spec = spec_at(ROOT / spec_path)
    plan = path_cases(spec, spec_path)
    assert plan.missing_edges == []
    reached = set(plan.reached)
    assert {g for g in reached if g.startswith("transition ")} == set(plan.edges)
    events_with_inputs = [e for e, info in spec.events.items() if info.inputs]
    for event in events_with_inputs:  # the holder is both let in and refused on every event with inputs
        assert f"{event} by self: allowed" in reached
        assert any(g.startswith(f"{event} by self: refused") for g in reached)
    org_roles = [r for r, info in spec.roles.items() if info.scope == "organisation"]
    for role in org_roles:  # every organisation role is refused somewhere on a colleague's account
        assert any(f" by {role}: refused" in g for g in reached)
    assert len({c.name for c in plan.cases}) == len(plan.cases)
    assert all(c.covers for c in plan.cases)


@pytest.mark.parametrize("spec_path", SPECS)
def test_every_generated_path_replays_as_a_passing_scenario(spec_path: str) -> None:
    """The harness picks inputs as the scenario runner does: a path, written with the oracle's
    expectations at every step, passes in ``twofa-fsm simulate``'s runner."""
    spec = spec_at(ROOT / spec_path)
    plan = path_cases(spec, spec_path)
    failed = []
    for case in plan.cases:
        expected = predict(case, spec)
        data = divergence_scenario(case, spec, len(case.scenario.steps), [], expected)
        result = run_scenario(Scenario.model_validate(data), file=case.name)
        if not result.passed:
            failed.append((case.name, [f.what for f in result.failures]))
    assert failed == []
