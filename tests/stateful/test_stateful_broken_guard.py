"""The stateful tests have teeth: a deliberately broken guard (test-only) makes them fail, with a history.

Each case breaks the hardened lifecycle on purpose - a guard dropped from a mutated copy of
spec/twofa.yaml, or a guard implementation replaced for the duration of the test - runs the
``OrganisationMachine`` of ``test_stateful_org.py`` on it, and requires that Hypothesis finds
the break and reports it as a readable, replayable history::

    state = BrokenMachine()
    Draw 1 (member starts): 'enrolled'
    ...
    state.open_organisation(data=data(...))
    Draw 4 (target): 'member'
    Draw 5 (party): 'phisher'
    ...
    state.play_on(data=data(...))
    state.teardown()

(interleaved with the ``state.recoverable()`` / ``state.worlds_are_sound()`` invariant checks).
The settings are derandomized, so each case finds its counterexample the same way every time;
``.venv/bin/pytest tests/stateful/test_stateful_broken_guard.py -s`` prints the histories.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from test_stateful_org import ROOT, OrganisationMachine

from twofa_fsm import Spec, load_spec
from twofa_fsm._runtime import effects as effects_module
from twofa_fsm._runtime import guards as guards_module

FAST = settings(
    max_examples=300,
    stateful_step_count=10,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    phases=(Phase.generate, Phase.target, Phase.shrink),
    suppress_health_check=[HealthCheck.too_slow],
)


def mutant(tmp_path: Path, events: tuple[str, ...], *, guard: str | None = None, effect: str | None = None) -> Spec:
    """spec/twofa.yaml with ``guard`` (or ``effect``) removed from every transition of ``events``,
    loaded from a tmp file."""
    data = yaml.safe_load((ROOT / "spec" / "twofa.yaml").read_text(encoding="utf-8"))
    dropped = 0
    for t in data["transitions"]:
        if t["event"] in events:
            for key, name in (("guards", guard), ("effects", effect)):
                if name is not None and name in t.get(key, []):
                    t[key] = [x for x in t[key] if x != name]
                    dropped += 1
    assert dropped, f"nothing to drop from {events}"
    if guard == "setup_token_valid":  # the loader refuses an input that no guard checks
        for event in events:
            data["events"][event]["inputs"] = [i for i in data["events"][event]["inputs"] if i != "token"]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_spec(path)


def run_broken(spec: Spec, *, oracle: bool) -> str:
    """Run the machine on ``spec``; it must fail.  Returns the failure message and the history Hypothesis printed."""

    class BrokenMachine(OrganisationMachine):
        pass

    BrokenMachine.spec = spec
    BrokenMachine.recovered = {}
    BrokenMachine.use_oracle = oracle
    with pytest.raises(AssertionError) as info:
        run_state_machine_as_test(BrokenMachine, settings=FAST)
    notes = getattr(info.value, "__notes__", [])
    report = "\n".join([str(info.value), *notes])
    history = [line for line in notes if line.startswith("state")]
    assert history[0] == "state = BrokenMachine()", report
    assert any(line.startswith("state.open_organisation(") for line in history), report
    assert history[-1] == "state.teardown()", report
    print(report)  # shown with pytest -s: the history to replay
    return report


def test_reset_window_reopened_by_dropping_the_setup_token(tmp_path: Path) -> None:
    """Without setup_token_valid, the phisher enrols their own authenticator after a reset (the article's attack)."""
    report = run_broken(mutant(tmp_path, ("start_setup", "verify_setup"), guard="setup_token_valid"), oracle=False)
    assert "property attacker_never_gains_access" in report
    assert "the phisher gained access" in report
    assert "'phisher'" in report or "<phisher." in report, report
    assert "after phisher.verify_setup(" in report, report


def test_admin_resetting_own_2fa_when_not_self_always_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken not_self implementation (always passes): an admin resets their own 2FA."""

    def always(ctx: object, arg: object) -> None:
        return None

    monkeypatch.setitem(guards_module.IMPLEMENTATIONS, "not_self", always)
    report = run_broken(load_spec(ROOT / "spec" / "twofa.yaml"), oracle=False)
    assert "property reset_only_by_authorised_actor" in report
    assert "request_reset" in report, report
    assert "(target): 'admin'" in report or "(target): 'owner'" in report, report  # a member may not reset anyone


def test_oracle_catches_a_success_that_does_not_clear_failures(tmp_path: Path) -> None:
    """Dropping clear_failures from login breaks no security property, but the reference model notices."""
    report = run_broken(mutant(tmp_path, ("login",), effect="clear_failures"), oracle=True)
    assert "oracle disagrees on the account" in report
    assert "failures: oracle 0" in report
    assert "user.login(password=right, code=current" in report, report


def test_effects_untouched() -> None:
    """The monkeypatches above are scoped to their test."""
    assert "clear_failures" in effects_module.IMPLEMENTATIONS
    assert guards_module.IMPLEMENTATIONS["not_self"] is guards_module.not_self
