"""Loading scenario files: safe YAML, the models, then the checks pydantic cannot make, each a one-line error.

Bad files raise ``SpecError`` (file, line, place, value, fix), exactly like bad specs,
so the CLI prints one line and exits 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from twofa_fsm.errors import SpecError
from twofa_fsm.spec.catalog import EFFECTS, NOTICES
from twofa_fsm.spec.diagnostics import Format, Issue, error_at, from_validation, suggest
from twofa_fsm.spec.yamlsafe import Lines, Place, load_yaml, parse_yaml
from twofa_fsm_tools.scenario.model import (
    ARGS,
    EFFECT_ALIASES,
    REQUIRED,
    STEP_ARGS,
    WORLD_ACTIONS,
    Expect,
    Scenario,
    Step,
)

# -- loading with one-line errors ---------------------------------------------------------


def _fix(issue: Issue) -> str | None:
    """The scenario format's own fixes (unknown and missing keys get the common ones)."""
    if issue.kind in ("literal_error", "enum"):
        return f"use one of {issue.ctx.get('expected', 'the listed values')}"
    if issue.kind == "string_pattern_mismatch":
        return "use lower-case letters, digits and '_', starting with a letter"
    return None


SCENARIO_FORMAT = Format(
    Scenario,
    generic_fix="correct the value (see spec/scenario.schema.json)",
    missing_hint=" (see spec/scenario.schema.json)",
    fix=_fix,
)


class _RefCheck:
    """The checks pydantic cannot make: ids unique, references known, each step's arguments fit its action.

    ``run`` raises the first problem found, as a ``SpecError`` pointing at its place.
    """

    def __init__(self, sc: Scenario, file: str, lines: Lines) -> None:
        self.sc, self.file, self.lines = sc, file, lines
        self.people = {p.id: p for p in sc.people}
        self.attackers = {a.id for a in sc.attackers}
        self.devices = {d.id: d for d in sc.devices}
        self.actors = set(self.people) | self.attackers
        self.holders = {p for p, v in self.people.items() if v.org is not None}  # people with an account

    def fail(self, place: Place, problem: str, value: object, fix: str) -> NoReturn:
        raise error_at(self.file, self.lines, place, problem, value, fix)

    def run(self) -> None:
        self._ids()
        self._people()
        self._attackers()
        self._devices()
        step_ids: set[str] = set()
        for i, s in enumerate(self.sc.steps):
            here: Place = ("steps", i)
            self._arguments(here, s)
            self._actor(here, s)
            self._account(here, s)
            self._device_and_expect(here, s, step_ids)
            if s.id is not None:
                if s.id in step_ids:
                    self.fail(here + ("id",), f"step id '{s.id}' is used twice", s.id, "give each step its own id")
                step_ids.add(s.id)

    def _ids(self) -> None:
        seen: set[str] = set()
        for kind, ids in (
            ("people", [p.id for p in self.sc.people]),
            ("attackers", [a.id for a in self.sc.attackers]),
            ("devices", list(self.devices)),
        ):
            for i, ident in enumerate(ids):
                if ident in seen or ident == "system":
                    self.fail(
                        (kind, i, "id"),
                        f"id '{ident}' is used twice or reserved",
                        ident,
                        "give every person, attacker and device its own id",
                    )
                seen.add(ident)

    def _people(self) -> None:
        for i, p in enumerate(self.sc.people):
            if p.enrolled_with is None:
                continue
            d = self.devices.get(p.enrolled_with)
            if d is None:
                self.fail(
                    ("people", i, "enrolled_with"),
                    f"unknown device '{p.enrolled_with}'",
                    p.enrolled_with,
                    suggest(p.enrolled_with, set(self.devices) or {"(declare it under devices:)"}),
                )
            if d.holder != p.id or not d.app:
                self.fail(
                    ("people", i, "enrolled_with"),
                    f"device '{d.id}' is not in {p.id}'s hands with an authenticator app",
                    d.id,
                    f"set holder: {p.id} and app: true on that device",
                )

    def _attackers(self) -> None:
        for i, a in enumerate(self.sc.attackers):
            for j, who in enumerate(a.phished_password_of + a.reads_email_of):
                if who not in self.people:
                    field = "phished_password_of" if j < len(a.phished_password_of) else "reads_email_of"
                    self.fail(("attackers", i, field), f"unknown person '{who}'", who, suggest(who, set(self.people)))

    def _devices(self) -> None:
        for i, d in enumerate(self.sc.devices):
            if d.holder is not None and d.holder not in self.actors:
                self.fail(
                    ("devices", i, "holder"), f"unknown holder '{d.holder}'", d.holder, suggest(d.holder, self.actors)
                )

    def _arguments(self, here: Place, s: Step) -> None:
        """The step gives only the arguments its action takes, and those it needs."""
        allowed = ARGS[s.action]
        for arg in STEP_ARGS:
            if getattr(s, arg) is not None and arg not in allowed:
                self.fail(
                    here + (arg,),
                    f"action '{s.action}' takes no '{arg}'",
                    arg,
                    "remove it; it takes: " + (", ".join(sorted(allowed)) or "no arguments"),
                )
        for arg in REQUIRED.get(s.action, ()):
            if getattr(s, arg) is None and not (arg == "account" and s.view is not None and s.action != "open_profile"):
                self.fail(
                    here + ("action",), f"action '{s.action}' needs '{arg}'", s.action, f"add '{arg}:' to this step"
                )

    def _actor(self, here: Place, s: Step) -> None:
        """A known actor; the system only waits, ticks and fires; vendor support authenticates."""
        if s.actor != "system" and s.actor not in self.actors:
            self.fail(
                here + ("actor",), f"unknown actor '{s.actor}'", s.actor, suggest(s.actor, self.actors | {"system"})
            )
        if s.actor == "system" and s.action not in ("wait", "tick", "fire"):
            self.fail(
                here + ("actor",),
                f"action '{s.action}' needs a person or attacker as actor",
                s.actor,
                "add 'actor: ID' to this step",
            )
        if s.action == "tick" and s.actor != "system":
            self.fail(here + ("actor",), "only the system ticks", s.actor, "write 'actor: system' or leave it out")
        if s.actor == "system" and s.account is None and s.action == "fire":
            self.fail(here + ("account",), "the system needs a target account", None, "add 'account: ID'")
        if s.action == "authenticate" and s.actor in self.people and self.people[s.actor].org is not None:
            self.fail(
                here + ("action",),
                "people with an account authenticate by logging in",
                s.actor,
                "use 'action: login' (authenticate is for vendor support)",
            )

    def _account(self, here: Place, s: Step) -> None:
        """The account acted upon exists; whoever has none of their own names one."""
        if s.account is not None and (s.account not in self.people or self.people[s.account].org is None):
            self.fail(here + ("account",), f"'{s.account}' has no account", s.account, suggest(s.account, self.holders))
        if s.account is not None or "account" not in ARGS[s.action]:
            return
        if s.actor in self.people and self.people[s.actor].org is None and s.action != "fire":
            self.fail(
                here + ("account",),
                f"'{s.actor}' has no account of their own",
                s.actor,
                "add 'account: ID' (the account acted upon)",
            )
        if s.actor in self.attackers:
            self.fail(here + ("account",), "an attacker has no account of their own", s.actor, "add 'account: VICTIM'")

    def _device_and_expect(self, here: Place, s: Step, step_ids: set[str]) -> None:
        """A known device; expectations only on spec events, naming earlier steps and known effects."""
        if s.device is not None and s.device not in self.devices:
            self.fail(
                here + ("device",),
                f"unknown device '{s.device}'",
                s.device,
                suggest(s.device, set(self.devices) or {"(declare it under devices:)"}),
            )
        checks = s.expect is not None or bool(s.expect_on)
        if s.action in WORLD_ACTIONS and (checks or s.repeat != 1):
            self.fail(
                here + ("expect" if checks else "repeat",),
                f"world action '{s.action}' takes no expectations or repeat",
                s.action,
                "move them to a step that fires a spec event",
            )
        if not checks and s.action not in WORLD_ACTIONS and s.known_weakness is None:
            self.fail(
                here + ("expect",),
                f"step '{s.action}' checks nothing",
                s.action,
                "add 'expect:' with what must hold afterwards (e.g. {allowed: true, state: enrolled}), "
                "or 'expect: {}' to check nothing on purpose",
            )
        given = [(("expect",), s.expect)] if s.expect is not None else []
        for place, expect in given + [(("expect_on", name), e) for name, e in s.expect_on.items()]:
            self._expectation(here + place, expect, step_ids)

    def _expectation(self, here: Place, expect: Expect, step_ids: set[str]) -> None:
        if expect.unchanged_since is not None and expect.unchanged_since not in step_ids:
            self.fail(
                here + ("unchanged_since",),
                f"no earlier step has id '{expect.unchanged_since}'",
                expect.unchanged_since,
                "give the earlier step 'id: LABEL'",
            )
        for j, eff in enumerate(expect.effects + expect.no_effects):
            if not effect_name_ok(eff):
                field = "effects" if j < len(expect.effects) else "no_effects"
                self.fail(
                    here + (field,), f"unknown effect '{eff}'", eff, suggest(eff, set(EFFECTS) | set(EFFECT_ALIASES))
                )


def effect_name_ok(name: str) -> bool:
    if name in EFFECT_ALIASES or name in EFFECTS:
        return True
    return name.startswith("notify(") and name.endswith(")") and name[7:-1] in NOTICES


def parse_scenario_data(data: Any, lines: Lines, file: str) -> Scenario:
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as err:
        raise from_validation(err, file, lines, SCENARIO_FORMAT)[0] from None
    _RefCheck(sc, file, lines).run()
    return sc


def load_scenario(path: str | Path) -> tuple[Scenario, Lines]:
    """Read and validate a scenario file (raises ``SpecError``); also returns the line map."""
    data, lines = load_yaml(path)
    return parse_scenario_data(data, lines, str(path)), lines


def parse_scenario(text: str, file: str = "<scenario>") -> tuple[Scenario, Lines]:
    data, lines = parse_yaml(text, file=file)
    return parse_scenario_data(data, lines, file), lines


def scenario_error(file: str, lines: Lines, place: Place, problem: str, value: object, fix: str) -> SpecError:
    """A ``SpecError`` pointing at ``place`` in a scenario file (for checks made at run time)."""
    return error_at(file, lines, place, problem, value, fix)
