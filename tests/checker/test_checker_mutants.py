"""Spec mutation testing, the fast fixed subset (``make mutate`` runs all of them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from twofa_fsm import load_spec
from twofa_fsm_tools.mutation.equivalent import EQUIVALENT
from twofa_fsm_tools.mutation.mutants import generate
from twofa_fsm_tools.mutation.run import judge, scenarios_for

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "twofa.yaml"

# mutant id -> the check expected (at least) to kill it
SUBSET = {
    "skip-token/all": "checker",
    "policy/drift_window=2": "validate",  # a static rule since the drift lint: decided before any search
    "policy/max_failures=150": "validate",
    "no-replay-protection/all": "validate",
    "no-confirmation/reset_pending": "validate",
    "drop-guard/t7:request_reset@enrolled+locked_out+unenrolled+setup_in_progress/not_self": "checker",
    "drop-guard/t7:request_reset@enrolled+locked_out+unenrolled+setup_in_progress/actor_recently_verified": "checker",
    "drop-role/t7:request_reset@enrolled+locked_out+unenrolled+setup_in_progress/admin": "scenarios",
    "drop-effect/t8:confirm_reset@reset_pending/notify": "checker",
    "add-into-enrolled/login@locked_out": "checker",
}


@pytest.fixture(scope="module")
def mutants():  # type: ignore[no-untyped-def]
    return {m.id: m for m in generate(load_spec(SPEC))}


def test_at_least_forty_mutants(mutants) -> None:  # type: ignore[no-untyped-def]
    assert len(mutants) >= 40
    kinds = {m.kind for m in mutants.values()}
    assert {
        "drop-guard",
        "drop-role",
        "retarget",
        "add-into-enrolled",
        "no-confirmation",
        "skip-token",
        "no-replay-protection",
        "policy",
        "drop-effect",
    } <= kinds


@pytest.mark.parametrize("mutant_id", sorted(SUBSET))
def test_fast_subset_is_killed(mutants, mutant_id: str) -> None:  # type: ignore[no-untyped-def]
    files = scenarios_for(SPEC, ROOT / "simulator" / "scenarios")
    verdict = judge(mutants[mutant_id], files, quick=True)
    assert verdict.status == "killed", verdict.detail
    assert SUBSET[mutant_id] in verdict.killed_by, verdict


def test_equivalent_mutants_exist_and_are_explained(mutants) -> None:  # type: ignore[no-untyped-def]
    for mutant_id, reason in EQUIVALENT.items():
        assert mutant_id in mutants and len(reason) > 40


def test_unmutated_spec_passes_every_check() -> None:
    from twofa_fsm_tools.mutation.kinds import Mutant

    spec = load_spec(SPEC)
    files = scenarios_for(SPEC, ROOT / "simulator" / "scenarios")
    verdict = judge(Mutant("none/original", "none", "the spec itself", spec.to_data()), files, quick=True)
    assert verdict.status == "survived" and verdict.killed_by == ()
