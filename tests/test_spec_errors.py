"""Malformed specs: each gets its own one-line error (file, line, place, value, fix), exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from twofa_fsm import SpecError, load_spec, parse_spec, spec_problems
from twofa_fsm.spec.model import json_schema

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "specs" / "bad"

# file -> (line, a fragment pinned from the first message)
EXPECTED: dict[str, tuple[int | None, str]] = {
    "access_without_code": (103, "transitions[4].effects: 'report_lost_device' grants access without a verified code"),
    "broken_yaml": (19, "not valid YAML: mapping values are not allowed here"),
    "came_from_unknown_state": (
        131,
        "guard 'came_from' needs a known state (value 'lockedout'); fix: write {came_from: STATE}; did you mean "
        "'locked_out'?",
    ),
    "cancel_does_not_restore": (46, "confirmation step 'reset_pending' has no cancel back to 'setup_in_progress'"),
    "conflicting_transitions": (
        99,
        "transitions[3] and transitions[4] both fire 'login' from 'enrolled' and their guards can both pass",
    ),
    "digits_too_few": (18, "policy.digits: Input should be greater than or equal to 6 (value 4)"),
    "duplicate_key": (61, "events: duplicate key 'login' (first on line 57)"),
    "empty_file": (1, "the file is empty"),
    "enrolled_without_code": (81, "'unlock' enters 'enrolled' without a verified code"),
    "guard_with_stray_argument": (
        90,
        "guard 'is_self' takes no argument (value 'is_self(alice)'); fix: write just 'is_self'",
    ),
    "input_not_declared": (
        51,
        "event 'start_setup' lacks the input 'password' its guards read (value 'start_setup'); fix: add password to "
        "its inputs",
    ),
    "issuer_with_colon": (
        16,
        "policy.issuer: String should match pattern '^[^:]+$' (value 'acme:corp'); fix: remove the ':'",
    ),
    "max_failures_too_high": (21, "policy.max_failures: Input should be less than or equal to 100 (value 500)"),
    "missing_cancel": (46, "confirmation step 'reset_pending' has no cancel back to 'locked_out'"),
    "missing_states": (11, "states: Field required; fix: add 'states:' here"),
    "misspelt_key": (38, "states.unenrolled.descripton: Extra inputs are not permitted"),
    "no_actor_guard": (90, "transition 'abandon_setup' says nobody in particular may fire it"),
    "no_initial_state": (35, "states: 0 initial states (none); fix: mark exactly one state with 'initial: true'"),
    "not_utf8": (None, "not UTF-8 text (bad byte at offset"),
    "replay_unprotected": (97, "'login' accepts codes without marking them used (replay)"),
    "reset_keeps_sessions": (121, "reset 'confirm_reset' does not revoke sessions"),
    "reset_without_confirmation": (118, "'confirm_reset' deletes the secret without a confirmation step"),
    "tier_not_a_number": (30, "roles.owner.tier: Input should be a valid integer"),
    "token_guard_without_lifetime": (82, "guard 'setup_token_valid' needs policy.token_lifetime_seconds"),
    "top_level_list": (1, "the top level must be a mapping of keys to values (value 'list')"),
    "trap_state": (46, "trap state 'archived': no path leads from it back to access"),
    "two_initial_states": (35, "2 initial states (unenrolled, enrolled)"),
    "unknown_dest_state": (
        83,
        "transitions[1].to: unknown state 'enroled' (value 'enroled'); fix: did you mean 'enrolled'?",
    ),
    "unknown_effect": (79, "unknown effect 'create_secret'"),
    "unknown_event": (
        93,
        "transitions[3].event: unknown event 'logn' (value 'logn'); fix: declare it under 'events:' or did you mean "
        "'login'?",
    ),
    "unknown_guard": (
        78,
        "transitions[0].guards[2]: unknown guard 'pasword_valid' (value 'pasword_valid'); fix: did you mean "
        "'password_valid'?",
    ),
    "unknown_role": (114, "unknown role 'admn' in actor_role_in (value 'admn'); fix: did you mean 'admin'?"),
    "unknown_source_state": (76, "transitions[0].from: unknown state 'unenroled'"),
    "unreachable_state": (46, "state 'limbo' is unreachable from the initial state 'unenrolled'"),
    "unused_event": (57, "event 'rotate_secret' has no transition"),
    "yaml_alias": (120, "YAML aliases are not allowed (they can expand without bound) (value '*authz')"),
}


def test_every_bad_file_is_pinned() -> None:
    files = {p.stem for p in BAD.glob("*.yaml")}
    assert files == set(EXPECTED)
    assert len(files) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_spec_message(name: str) -> None:
    path = BAD / f"{name}.yaml"
    line, fragment = EXPECTED[name]
    problems = spec_problems(path)
    assert problems, f"{name} should be refused"
    first = str(problems[0])
    assert "\n" not in first
    prefix = f"{path}:{line}: " if line is not None else f"{path}: "
    assert first.startswith(prefix), first
    assert fragment in first, first
    assert "fix: " in first
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert str(info.value) == first


def test_messages_are_distinct() -> None:
    firsts = [str(spec_problems(BAD / f"{n}.yaml")[0]).split(": ", 1)[1] for n in EXPECTED]
    assert len(set(firsts)) == len(firsts)


@pytest.mark.parametrize("name", ["unknown_dest_state", "yaml_alias", "not_utf8", "max_failures_too_high"])
def test_cli_validate_bad_exits_2_one_line(name: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "twofa_fsm_tools.cli", "validate", str(BAD / f"{name}.yaml")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines and all(line.startswith("twofa-fsm: error: ") for line in lines)
    assert proc.stdout == ""


def test_cli_validate_good_specs() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "twofa_fsm_tools.cli",
            "validate",
            str(ROOT / "spec/twofa.yaml"),
            str(ROOT / "spec/article.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": valid") == 2


def test_cli_validate_missing_file() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "twofa_fsm_tools.cli", "validate", "nope.yaml"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "twofa-fsm: error: nope.yaml: no such file; fix: check the path"


def test_alias_bomb_fails_fast() -> None:
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        bomb.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(SpecError, match="YAML aliases are not allowed"):
        parse_spec("\n".join(bomb) + "\n", file="bomb.yaml")


def test_huge_file_fails_fast(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("name: x\n" + "# padding\n" * 200_000)
    problems = spec_problems(path)
    assert len(problems) == 1
    assert "the file is larger than 1000000 bytes" in str(problems[0])


def test_many_nodes_fail_fast() -> None:
    text = "name: x\nstates: [" + ",".join(["1"] * 60_000) + "]\n"
    with pytest.raises(SpecError, match="more than 50000 YAML nodes"):
        parse_spec(text[:999_000] + "]\n" if len(text) > 999_000 else text, file="nodes.yaml")


def test_yaml_tags_are_refused() -> None:
    with pytest.raises(SpecError, match="not valid YAML"):
        parse_spec("name: !!python/object/apply:os.system ['true']\n", file="tag.yaml")


def test_good_specs_load() -> None:
    hard = load_spec(ROOT / "spec/twofa.yaml")
    art = load_spec(ROOT / "spec/article.yaml")
    assert (
        set(hard.states)
        == set(art.states)
        == {"enrolled", "locked_out", "reset_pending", "unenrolled", "setup_in_progress"}
    )
    assert hard.initial == art.initial == "unenrolled"
    assert hard.policy.token_lifetime_seconds is not None and art.policy.token_lifetime_seconds is None
    assert any(t.has_effect("issue_setup_token") for t in hard.transitions)
    assert not any(t.has_effect("issue_setup_token") for t in art.transitions)


def test_spec_round_trips_through_plain_data() -> None:
    spec = load_spec(ROOT / "spec/twofa.yaml")
    again = type(spec).model_validate(spec.to_data())
    assert again == spec


def test_schema_json_is_fresh() -> None:
    committed = json.loads((ROOT / "spec" / "schema.json").read_text())
    assert committed == json_schema(), "spec/schema.json is stale: run `twofa-fsm schema`"


def test_schema_describes_the_yaml_form() -> None:
    schema = json_schema()
    transition = schema["$defs"]["Transition"]["properties"]
    assert "from" in transition and "to" in transition
    assert schema["$defs"]["Policy"]["properties"]["max_failures"]["maximum"] == 100
