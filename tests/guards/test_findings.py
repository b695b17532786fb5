"""z3's verdicts on specs: none on the shipped specs; overlaps, vacuous transitions and gaps on mutants.

Mutants are copies of the shipped YAML text, changed in a temporary folder (the shipped specs stay as they are).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from twofa_fsm import load_spec
from twofa_fsm.spec.model import Spec
from twofa_fsm.spec.yamlsafe import load_yaml
from twofa_fsm_tools.guards import Finding, findings_for_file, guard_findings
from twofa_fsm_tools.guards.solver import decide

ROOT = Path(__file__).resolve().parents[2]
TWOFA = ROOT / "spec" / "twofa.yaml"
CANCEL_LOCKED = "    guards: [{came_from: locked_out}, same_organisation, {actor_role_in: [owner, admin, support]}"


def mutant(tmp_path: Path, old: str, new: str, source: Path = TWOFA) -> Path:
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the mutation's anchor is not unique in {source}: {old!r}"
    path = tmp_path / source.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def raw_spec(path: Path) -> Spec:
    """The spec model without the library's checks (which already refuse some mutants syntactically)."""
    return Spec.model_validate(load_yaml(path)[0])


@pytest.mark.parametrize("name", ["twofa", "article"])
def test_shipped_specs_have_no_findings(name: str) -> None:
    path = ROOT / "spec" / f"{name}.yaml"
    assert guard_findings(load_spec(path), str(path)) == []
    decision = decide(load_spec(path))
    assert (decision.overlaps, decision.vacuities, decision.gaps) == ([], [], [])
    assert decision.seconds < 5


def test_dropping_a_came_from_is_an_overlap_with_a_witness(tmp_path: Path) -> None:
    path = mutant(tmp_path, CANCEL_LOCKED, "    guards: [same_organisation, {actor_role_in: [owner, admin, support]}")
    found = guard_findings(raw_spec(path), str(path))  # the line map is read from the file
    overlaps = [f for f in found if f.kind == "overlap"]
    pairs = [re.match(r"(transitions\[\d+\]) .*? and (transitions\[\d+\]) ", f.error.problem) for f in overlaps]
    assert {m.groups() for m in pairs if m} == {
        ("transitions[9]", "transitions[10]"),
        ("transitions[10]", "transitions[11]"),
        ("transitions[10]", "transitions[12]"),
    }  # fmt: skip
    first = next(str(f.error) for f in overlaps if "transitions[9] " in str(f))
    assert "\n" not in first
    assert first.startswith(f"{path}:144: transitions[10]: transitions[9] (cancel_reset -> enrolled, line 139) and ")
    assert "both fire 'cancel_reset' from 'reset_pending'" in first
    assert "came_from=enrolled" in first  # transitions[9] passes only there: the witness must say so
    assert re.search(r"actor=\w+\(tier \d", first) and "target=" in first and "; fix: " in first
    assert all(f.severity == "error" for f in overlaps)
    assert not [f for f in found if f.kind != "overlap"]


@pytest.mark.parametrize(
    ("old", "new", "guards"),
    [
        (  # contradictory time bounds
            "guards: [actor_is_system, setup_timed_out]",
            "guards: [actor_is_system, setup_timed_out, setup_not_timed_out]",
            "its guards setup_timed_out, setup_not_timed_out cannot all pass",
        ),
        (  # a role the system guard excludes
            "guards: [actor_is_system, failures_at_limit]",
            "guards: [actor_is_system, {actor_role_in: [owner]}, failures_at_limit]",
            "its guards actor_is_system, {actor_role_in: [owner]} cannot all pass",
        ),
        (  # the system actor is in no organisation
            "guards: [{came_from: enrolled}, actor_is_system, reset_timed_out]",
            "guards: [{came_from: enrolled}, {actor_role_in: [system]}, same_organisation, reset_timed_out]",
            "its guards {actor_role_in: [system]}, same_organisation cannot all pass",
        ),
    ],
)
def test_a_transition_that_can_never_fire_is_found(tmp_path: Path, old: str, new: str, guards: str) -> None:
    path = mutant(tmp_path, old, new)
    vacuous = [f for f in findings_for_file(path) if f.kind == "vacuity"]
    assert len(vacuous) == 1, vacuous
    assert guards in str(vacuous[0].error) and "can never fire from" in str(vacuous[0].error)
    assert vacuous[0].severity == "error" and vacuous[0].error.line is not None


def test_a_came_from_no_one_enters_with_is_vacuous(tmp_path: Path) -> None:
    old = "guards: [is_self, not_backed_off, password_valid, bound_code_valid]"
    path = mutant(
        tmp_path, old, "guards: [{came_from: locked_out}, is_self, not_backed_off, password_valid, bound_code_valid]"
    )
    (v,) = [f for f in guard_findings(raw_spec(path), str(path)) if f.kind == "vacuity"]
    assert "its guard {came_from: locked_out} never passes there" in str(v.error)  # a minimal core: that guard alone


def test_a_missing_expiry_branch_is_a_completeness_warning(tmp_path: Path) -> None:
    text = TWOFA.read_text(encoding="utf-8")
    last = text[text.index("  - event: expire_reset\n    from: reset_pending\n    to: setup_in_progress") :]
    path = mutant(tmp_path, last, "")
    (gap,) = findings_for_file(path)
    assert gap.kind == "completeness" and gap.severity == "warning"
    message = str(gap.error)
    assert "'expire_reset' from 'reset_pending' goes unanswered" in message
    assert "came_from=setup_in_progress" in message and "actor=system" in message
    assert "fix: add a branch with {came_from: setup_in_progress}" in message


def test_a_state_that_counts_failures_without_a_lock_is_a_gap(tmp_path: Path) -> None:
    path = mutant(
        tmp_path,
        "    from: [enrolled, setup_in_progress]\n    to: locked_out",
        "    from: [enrolled]\n    to: locked_out",
    )
    (gap,) = findings_for_file(path)
    assert gap.severity == "warning" and gap.error.place == "states.setup_in_progress"
    assert "never locks at 10 failures" in str(gap.error)


def test_findings_come_errors_first_then_in_file_order(tmp_path: Path) -> None:
    path = mutant(
        tmp_path,
        "guards: [actor_is_system, failures_at_limit]",
        "guards: [actor_is_system, {actor_role_in: [owner]}, failures_at_limit]",
    )
    found: list[Finding] = findings_for_file(path)
    assert [f.severity for f in found] == ["error", "warning", "warning"]  # the vacuous lock, then a gap per state
    assert str(found[0]).startswith("error: ") and str(found[1]).startswith("warning: ")


def test_a_file_that_is_no_spec_gets_no_solver_findings(tmp_path: Path) -> None:
    bad = ROOT / "tests" / "specs" / "bad" / "unknown_dest_state.yaml"
    assert findings_for_file(bad) == []
    (tmp_path / "x.yaml").write_text("just: text\n", encoding="utf-8")
    assert findings_for_file(tmp_path / "x.yaml") == []
    assert findings_for_file(tmp_path / "missing.yaml") == []
