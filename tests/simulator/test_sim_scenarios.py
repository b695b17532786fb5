"""Every scenario in simulator/scenarios passes, and together they exercise every edge of spec/twofa.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from twofa_fsm import load_spec
from twofa_fsm_tools.scenario.runner import run_scenario_file

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "simulator" / "scenarios").glob("*.yaml"))
HARDENED = ROOT / "spec" / "twofa.yaml"


def test_library_is_large_enough() -> None:
    assert len(SCENARIOS) >= 18


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_passes(path: Path) -> None:
    result = run_scenario_file(path)
    assert result.passed, "\n".join(str(f) for f in result.failures)
    assert result.steps, "a scenario must fire at least one spec event"


def test_every_transition_of_the_hardened_spec_is_exercised() -> None:
    spec = load_spec(HARDENED)
    wanted = {(src, t.event, t.dest) for _, src, t in spec.edges()}
    seen: set[tuple[str, str, str]] = set()
    for path in SCENARIOS:
        result = run_scenario_file(path)
        if Path(result.spec_path).resolve() == HARDENED.resolve():
            seen |= {(r.source, r.event, r.dest) for r in result.steps if r.allowed}
    assert wanted - seen == set(), f"edges no scenario exercises: {sorted(wanted - seen)}"
    assert len(wanted) == sum(len(t.source) for t in spec.transitions)


def test_step_records_expose_what_the_overlay_reads() -> None:
    result = run_scenario_file(ROOT / "simulator/scenarios/brute_force_lockout.yaml")
    for rec in result.steps:
        assert isinstance(rec.event, str) and isinstance(rec.source, str) and isinstance(rec.dest, str)
        assert isinstance(rec.allowed, bool) and isinstance(rec.actor, str) and isinstance(rec.access_granted, bool)
        assert rec.error_kind is None or rec.error_kind in {
            "Forbidden",
            "GuardFailed",
            "InvalidEvent",
            "BadCode",
            "ConcurrentUpdate",
        }
        if not rec.allowed:
            assert rec.dest == rec.source
    locks = [r for r in result.steps if r.event == "too_many_failures"]
    assert [(r.source, r.dest, r.actor, r.kind) for r in locks] == [
        ("enrolled", "locked_out", "system", "auto"),
        ("setup_in_progress", "locked_out", "system", "auto"),
    ]
    with pytest.raises(AttributeError):
        result.steps[0].allowed = False  # type: ignore[misc]


def test_article_weakness_is_shown_and_marked() -> None:
    result = run_scenario_file(ROOT / "simulator/scenarios/phished_reset_window_article.yaml")
    assert result.passed and result.spec_name == "article"
    assert [r.step for r in result.known_weaknesses] == [6, 7, 11]
    enrol = next(r for r in result.steps if r.step == 7)
    assert (enrol.actor, enrol.event, enrol.dest, enrol.access_granted) == ("mallory", "verify_setup", "enrolled", True)
    assert len(result.breaches) == 2


def test_spec_override_runs_the_same_story_on_another_spec() -> None:
    """The article's attack re-run on the hardened spec: the attacker is refused, so the expectations fail."""
    path = ROOT / "simulator/scenarios/phished_reset_window_article.yaml"
    result = run_scenario_file(path, spec_override=HARDENED)
    assert result.spec_name == "twofa" and not result.passed
    assert result.breaches == ()
    seen = {(f.step, f.what, f.expected, f.actual) for f in result.failures}
    assert (5, "tokens_delivered", "0", "1") in seen  # the hardened reset mails a token
    assert (6, "state", "setup_in_progress", "unenrolled") in seen  # and the attacker cannot start setup
    mallory = next(r for r in result.steps if r.step == 6)
    assert mallory.error_kind == "GuardFailed" and "setup token" in mallory.reason
    # a Spec object works too (mutation testing passes mutants without files)
    again = run_scenario_file(path, spec_override=load_spec(HARDENED))
    assert again.steps == result.steps


def test_unmarked_attacker_access_fails_the_scenario(tmp_path: Path) -> None:
    text = (ROOT / "simulator/scenarios/phished_reset_window_article.yaml").read_text(encoding="utf-8")
    unmarked = tmp_path / "unmarked.yaml"
    unmarked.write_text(text.replace("    known_weakness: article\n", ""), encoding="utf-8")
    result = run_scenario_file(unmarked)
    assert not result.passed
    assert {f.what for f in result.failures} == {"security"} and {f.step for f in result.failures} == {7, 11}


def test_same_file_same_result() -> None:
    path = ROOT / "simulator/scenarios/two_admins_confirm.yaml"
    a, b = run_scenario_file(path, keep_world=True), run_scenario_file(path, keep_world=True)
    assert a.trace == b.trace and a.setup == b.setup
    assert a.world is not None and b.world is not None
    assert a.world.mail.tokens == b.world.mail.tokens


def test_concurrent_confirms_make_exactly_one_transition() -> None:
    result = run_scenario_file(ROOT / "simulator/scenarios/two_admins_confirm.yaml", keep_world=True)
    confirms = [r for r in result.steps if r.event == "confirm_reset"]
    assert [(r.actor, r.allowed, r.error_kind) for r in confirms] == [
        ("bob", True, None),
        ("carla", False, "ConcurrentUpdate"),
        ("carla", False, "InvalidEvent"),
    ]
    assert result.world is not None
    assert len(result.world.mail.tokens["alice"]) == 1
    audited = [
        (r.actor, r.event, r.outcome)
        for r in (e.record for e in result.world.store.audit_log())
        if r.event == "confirm_reset"
    ]
    assert audited == [
        ("bob", "confirm_reset", "allowed"),
        ("carla", "confirm_reset", "ConcurrentUpdate"),
        ("carla", "confirm_reset", "InvalidEvent"),
    ]
