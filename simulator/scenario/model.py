"""The scenario file format: frozen pydantic models and the JSON Schema (``loading`` reads the files).

A scenario is a story told step by step against one spec: the people and their
devices, then steps (``actor``, ``action``, arguments) each with optional
expectations.  Bad files raise ``SpecError`` (file, line, place, value, fix),
exactly like bad specs, so the CLI prints one line and exits 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_PATH = Path("spec/scenario.schema.json")
DEFAULT_START = 1_700_000_010.0  # about 1.7e9, at the start of a 30 s TOTP step

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="lower-case id: letters, digits, '_'")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,79}$")]

EngineAction = Literal[
    "login",
    "start_setup",
    "verify_setup",
    "abandon_setup",
    "report_lost_device",
    "request_reset",
    "confirm_reset",
    "cancel_reset",
    "tick",
    "fire",
]
WorldAction = Literal[
    "wait",
    "open_profile",
    "authenticate",
    "lose_device",
    "steal_device",
    "delete_app",
    "install_app",
    "new_phone",
    "restore_backup",
]
ENGINE_ACTIONS: tuple[str, ...] = EngineAction.__args__  # type: ignore[attr-defined]
WORLD_ACTIONS: tuple[str, ...] = WorldAction.__args__  # type: ignore[attr-defined]

CodeClass = Literal[
    "current",
    "none",
    "wrong",
    "replay",
    "drift:-2",
    "drift:-1",
    "drift:+1",
    "drift:+2",
    "malformed:fullwidth",
    "malformed:superscript",
    "malformed:arabic_indic",
    "malformed:spaces",
    "malformed:newline",
    "malformed:short",
    "malformed:underscore",
]
PasswordClass = Literal["known", "wrong", "none"]
TokenClass = Literal["mailbox", "stale", "wrong", "none"]
HandleClass = Literal["own", "wrong", "none"]
ErrorKind = Literal[
    "Forbidden", "InvalidSession", "GuardFailed", "InvalidEvent", "InvalidInput", "BadCode", "ConcurrentUpdate"
]

# Which arguments each action takes (besides the common ones: id, note, actor, action, expect, ...).
ARGS: dict[str, frozenset[str]] = {
    "login": frozenset({"account", "password", "code", "device", "entry", "view"}),
    "start_setup": frozenset({"account", "password", "token", "device", "view"}),
    "verify_setup": frozenset({"account", "code", "token", "device", "entry", "view"}),
    "abandon_setup": frozenset({"account", "view"}),
    "report_lost_device": frozenset({"account", "password", "view"}),
    "request_reset": frozenset({"account", "view"}),
    "confirm_reset": frozenset({"account", "view"}),
    "cancel_reset": frozenset({"account", "view"}),
    "tick": frozenset({"account"}),
    "fire": frozenset({"event", "account", "password", "code", "token", "device", "entry", "view"}),
    "wait": frozenset({"seconds"}),
    "open_profile": frozenset({"account", "view"}),
    "authenticate": frozenset(),
    "lose_device": frozenset({"device"}),
    "steal_device": frozenset({"device"}),
    "delete_app": frozenset({"device"}),
    "install_app": frozenset({"device"}),
    "new_phone": frozenset({"device"}),
    "restore_backup": frozenset({"device"}),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "request_reset": ("account",),
    "confirm_reset": ("account",),
    "cancel_reset": ("account",),
    "tick": ("account",),
    "fire": ("event",),
    "wait": ("seconds",),
    "open_profile": ("account", "view"),
    "lose_device": ("device",),
    "steal_device": ("device",),
    "delete_app": ("device",),
    "install_app": ("device",),
    "new_phone": ("device",),
    "restore_backup": ("device",),
}
STEP_ARGS = ("account", "password", "code", "token", "device", "entry", "event", "seconds", "view")

# Friendly effect names a scenario may expect, and what they match in an outcome's effects.
EFFECT_ALIASES: dict[str, str] = {
    "notification sent": "notify(",
    "sessions revoked": "revoke_sessions",
    "token issued": "issue_setup_token",
    "token consumed": "consume_setup_token",
    "secret revoked": "revoke_secret",
    "session started": "start_session",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Person(_Frozen):
    """Someone in the world.  People with an organisation role hold an account."""

    id: Id
    role: Id = Field(description="a role of the spec: owner, admin, member, or support (vendor scope, no account)")
    org: Id | None = Field(None, description="organisation; omit for vendor support")
    knows_password: bool = Field(True, description="whether they know their own password")
    reads_email: bool = Field(True, description="whether they read the mail (setup tokens) sent to them")
    enrolled_with: Id | None = Field(
        None, description="a device they hold: the world enrols them with it before step 1"
    )
    invited: bool = Field(
        False,
        description="the account is created with an invitation (setup token by mail) where the spec issues tokens",
    )
    description: str = ""


class Attacker(_Frozen):
    id: Id
    phished_password_of: tuple[Id, ...] = Field((), description="people whose password the attacker phished")
    reads_email_of: tuple[Id, ...] = Field((), description="people whose mailbox the attacker controls")
    description: str = ""


class Device(_Frozen):
    """A phone.  Its authenticator app is filled only by scanning otpauth URIs from setup."""

    id: Id
    holder: Id | None = Field(None, description="who has it in hand (a person or attacker id); none = not yet acquired")
    app: bool = Field(True, description="authenticator app installed")
    backup: bool = Field(False, description="the app backs its entries up to the holder's cloud account")
    clock_skew_seconds: Annotated[int, Field(ge=-600, le=600)] = 0


class Expect(_Frozen):
    """What must be true after the step (each field optional; all given must hold)."""

    state: Id | None = Field(None, description="the target account's state afterwards")
    allowed: bool | None = Field(None, description="the event completed (true) or was refused (false)")
    access: Literal["granted", "denied"] | None = None
    error: ErrorKind | None = Field(None, description="the refusal's kind, exactly (BadCode is not GuardFailed here)")
    reason: str | None = Field(None, description="a fragment of the refusal's message")
    effects: tuple[str, ...] = Field(
        (), description="effects seen: catalog names, 'notify(reset)' or: " + ", ".join(EFFECT_ALIASES)
    )
    no_effects: tuple[str, ...] = Field((), description="effects that must not be seen")
    notices: tuple[Literal["enrolled", "locked", "reset", "token_issued"], ...] = ()
    failures: Annotated[int, Field(ge=0)] | None = Field(
        None, description="consecutive failures on the account afterwards"
    )
    locked: bool | None = Field(None, description="this attempt triggered the lock at the failure limit")
    has_secret: bool | None = Field(None, description="a secret is bound to the account afterwards")
    sessions: Annotated[int, Field(ge=0)] | None = Field(None, description="number of open sessions afterwards")
    token_outstanding: bool | None = None
    tokens_delivered: Annotated[int, Field(ge=0)] | None = Field(
        None, description="setup tokens delivered to the holder's mailbox so far"
    )
    unchanged_since: Id | None = Field(
        None, description="id of an earlier step: the account equals what it was after it (version aside)"
    )


class Step(_Frozen):
    id: Id | None = Field(None, description="a label other steps may refer to (unchanged_since)")
    note: str = ""
    actor: Id = Field("system", description="a person or attacker id; 'system' for wait and tick")
    action: EngineAction | WorldAction
    account: Id | None = Field(None, description="whose account (default: the actor's own)")
    password: PasswordClass | None = Field(
        None, description="known (default: what the actor knows, else a guess), wrong, none"
    )
    code: CodeClass | None = Field(None, description="which code the actor's device shows (default: current)")
    token: TokenClass | None = Field(
        None, description="setup token: mailbox (default: newest readable), stale, wrong, none"
    )
    handle: HandleClass | None = Field(
        None, description="setup handle: own (default: the one start_setup gave the actor, if any), wrong, none"
    )
    device: Id | None = Field(None, description="device used (to scan, to read a code) or acted upon")
    entry: Literal["newest", "oldest"] | None = Field(None, description="which authenticator entry for the account")
    event: Id | None = Field(None, description="for 'fire': the spec event")
    seconds: Annotated[float, Field(ge=0, le=86400 * 30)] | None = None
    view: Id | None = Field(
        None, description="a snapshot label: open_profile takes it; other actions fire on it (concurrency)"
    )
    wait_before: Annotated[float, Field(ge=0, le=86400 * 30)] = Field(
        0, description="seconds to let pass before acting"
    )
    repeat: Annotated[int, Field(ge=1, le=200)] = Field(
        1, description="do it this many times (expectations check the last)"
    )
    known_weakness: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")] | None = Field(
        None, description="name of the spec whose known weakness this step shows"
    )
    expect: Expect | None = None
    expect_on: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")], Expect] = Field(
        default_factory=dict,
        description="expectations per spec name: on that spec they replace 'expect' (simulate --spec A --spec B)",
    )

    def expect_for(self, spec_name: str) -> Expect | None:
        """What this step must show when the scenario runs on the spec named ``spec_name``."""
        return self.expect_on.get(spec_name, self.expect)


class Scenario(_Frozen):
    name: Slug
    description: str = ""
    spec: str = Field(description="spec path relative to the repository root, e.g. spec/twofa.yaml")
    seed: Annotated[int, Field(ge=0)] = 0
    tags: tuple[Id, ...] = Field((), description="labels to select scenarios: simulate --tag, pytest -m")
    start_time: Annotated[float, Field(ge=1e9, le=4e9)] = Field(
        DEFAULT_START, description="the simulated clock's start (Unix seconds)"
    )
    people: tuple[Person, ...] = Field(min_length=1)
    attackers: tuple[Attacker, ...] = ()
    devices: tuple[Device, ...] = ()
    steps: tuple[Step, ...] = Field(min_length=1)


def json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "twofa-fsm scenario"
    return schema


def scenario_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # pragma: no cover
    SCHEMA_PATH.write_text(scenario_schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
