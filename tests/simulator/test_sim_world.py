"""The world model: phones learn secrets only by scanning, codes come from phones, nothing leaks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from twofa_fsm import SpecError
from twofa_fsm_tools.scenario.loading import load_scenario
from twofa_fsm_tools.scenario.model import scenario_schema_text
from twofa_fsm_tools.scenario.runner import run_scenario_file
from twofa_fsm_tools.scenario.terminal import failure_trace, replay_yaml, to_json

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_scenario_schema_is_fresh() -> None:
    on_disk = (ROOT / "spec" / "scenario.schema.json").read_text(encoding="utf-8")
    assert on_disk == scenario_schema_text(), "run `twofa-fsm schema` to regenerate spec/scenario.schema.json"
    schema = json.loads(on_disk)
    assert set(schema["required"]) == {"name", "spec", "people", "steps"}


def test_phones_hold_only_what_they_scanned() -> None:
    result = run_scenario_file(ROOT / "simulator/scenarios/lost_phone.yaml", keep_world=True)
    world = result.world
    assert world is not None
    old, new = world.phones["alice_phone"], world.phones["alice_new_phone"]
    assert old.holder is None and new.holder == "alice"
    alice = world.store.load("alice")
    assert [e.account for e in new.entries] == ["alice"] and new.entries[0].issuer == "twofa-fsm"
    assert new.entries[0].same_secret(alice.bound_secret)
    assert not old.entries[0].same_secret(alice.bound_secret)  # the reset deleted the old binding
    assert world.phones["bob_phone"].entries_for("alice") == []


def test_codes_are_described_never_shown() -> None:
    result = run_scenario_file(ROOT / "simulator/scenarios/old_phone_after_reset.yaml")
    habit = next(r for r in result.steps if r.step == 9)
    assert habit.error_kind == "BadCode"
    assert any("a secret no longer in use from alice_phone" in i for i in habit.inputs)
    ok = next(r for r in result.steps if r.step == 10)
    assert any("code of the pending secret from alice_new_phone" in i for i in ok.inputs)


def _leaks(text: str, secrets: list[str], codes: list[str]) -> list[str]:
    found = [s for s in secrets if s in text]
    found += [c for c in codes if re.search(rf"(?<![0-9]){re.escape(c)}(?![0-9])", text)]
    return found


@pytest.mark.parametrize("name", ["lost_phone", "replayed_code", "phished_reset_window_twofa", "two_admins_confirm"])
def test_reports_hold_no_secret_code_or_token(name: str) -> None:
    result = run_scenario_file(ROOT / f"simulator/scenarios/{name}.yaml", keep_world=True)
    world = result.world
    assert world is not None
    values = world.secrets_for_tests()
    assert world.sessions  # session ids (and setup handles, where a step started a setup) are scanned too
    codes = [v for v in values if re.fullmatch(r"[0-9]{6}", v)]
    secrets = [v for v in values if v not in codes]
    for phone in world.phones.values():
        secrets += [e._totp.secret for e in phone.entries]
        now = world.clock.now()
        codes += [e.code_at(now + k * 30) for e in phone.entries for k in range(-2, 3)]
    assert len(secrets) >= 2 and codes
    texts = [
        json.dumps(to_json([result])),
        failure_trace(result),
        replay_yaml(result),
        repr(result),
        repr(world),
        repr(result.trace),
    ]
    texts += [repr(p) for p in world.phones.values()]
    for text in texts:
        assert _leaks(text, secrets, codes) == []


def test_replay_of_a_failed_run_passes(tmp_path: Path) -> None:
    failed = run_scenario_file(FIXTURES / "wrong_expectation.yaml")
    assert not failed.passed
    replay = tmp_path / "replay.yaml"
    replay.write_text(replay_yaml(failed), encoding="utf-8")
    again = run_scenario_file(replay)
    assert again.passed, again.failures
    assert [(r.event, r.source, r.dest, r.allowed) for r in again.steps] == [
        (r.event, r.source, r.dest, r.allowed) for r in failed.steps
    ]


BAD = {
    "misspelt_key": (4, "people[0].enroled_with: Extra inputs are not permitted", "did you mean 'enrolled_with'?"),
    "unknown_actor": (7, "steps[1].actor: unknown actor 'alise'", "did you mean 'alice'?"),
    "broken_yaml": (5, "not valid YAML", "correct the YAML syntax"),
    "wrong_argument": (10, "steps[0].code: action 'request_reset' takes no 'code'", "remove it"),
    "bad_code_class": (8, "steps[0].code: Input should be 'current'", "use one of"),
}
RUNTIME_BAD = {
    "unknown_state": (10, "spec 'twofa' has no state 'setup_in_progres'", "setup_in_progress"),
    "device_not_in_hand": (11, "phone 'alice_phone' is not in bob's hands", "make the story consistent"),
    "unknown_spec": (2, "spec: no such spec file (value 'spec/nope.yaml')", "relative to the repository root"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_scenarios_fail_to_load_with_one_line(name: str) -> None:
    line, problem, fix = BAD[name]
    with pytest.raises(SpecError) as info:
        load_scenario(FIXTURES / "bad" / f"{name}.yaml")
    text = str(info.value)
    assert info.value.line == line and problem in text and fix in info.value.fix and "\n" not in text


@pytest.mark.parametrize("name", sorted(RUNTIME_BAD))
def test_bad_scenarios_fail_to_run_with_one_line(name: str) -> None:
    line, problem, fix = RUNTIME_BAD[name]
    with pytest.raises(SpecError) as info:
        run_scenario_file(FIXTURES / "bad" / f"{name}.yaml")
    assert info.value.line == line and problem in str(info.value) and fix in info.value.fix
