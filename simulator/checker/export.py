"""Counterexamples as scenario files that ``twofa-fsm simulate`` replays.

The checker's path is replayed once more in the checker to note the state after
each step; the scenario expects those states, so a replay that diverged from
the checker would say so.  An attacker gaining access fails the replayed
scenario (the simulator's security rule), which is the point.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from twofa_fsm import Spec
from twofa_fsm_tools.checker.actions import Applied, apply
from twofa_fsm_tools.checker.derive import Facts
from twofa_fsm_tools.checker.moves import Action
from twofa_fsm_tools.checker.pair import PAIR, absolute
from twofa_fsm_tools.checker.pair_export import pair_scenario, replayed
from twofa_fsm_tools.checker.people import FRESH, LOCKED, LOGGED_OUT, SELF, STALE, VENDOR, Colleague
from twofa_fsm_tools.checker.results import Violation
from twofa_fsm_tools.checker.start import SET_UP, build_people, initial
from twofa_fsm_tools.checker.step_inputs import scenario_inputs
from twofa_fsm_tools.checker.world import EPOCH, ORG, PHISHER, THIEF, TIMERS, USER, Harness

ATTACKER = {PHISHER: "mallory", THIEF: "theo"}


def login_event(facts: Facts) -> str | None:
    """The spec's event by which a holder in an access state passes 2FA again (a code of the bound secret)."""
    for t in facts.spec.transitions:
        if set(t.source) & facts.access and t.guard("bound_code_valid") and t.has_effect("start_session"):
            return t.event
    return None


class _Writer:
    def __init__(self, h: Harness, spec: Spec, start_enrolled: bool) -> None:
        self.h, self.spec = h, spec
        self.target = h.target_id
        self.recent = float(spec.policy.recent_auth_seconds or 0)
        self.now = EPOCH + spec.policy.period
        self.phone_n = 1
        self.verified: dict[str, float] = {}
        self.steps: list[dict[str, Any]] = []
        self.login = login_event(h.facts)
        target: dict[str, Any] = {"id": self.target, "role": h.target_role, "org": ORG}
        if start_enrolled:
            target["enrolled_with"] = self.phone
        else:
            target["invited"] = True
        self.people: list[dict[str, Any]] = [target]
        self.devices: list[dict[str, Any]] = [{"id": self.phone, "holder": self.target}]
        self.devices.append({"id": "mallory_phone", "holder": "mallory"})

    def _person(self, p: Colleague) -> None:
        """Someone the path needs, as the scenario world sets them up (an account of their own, enrolled when
        their own account stands)."""
        if p.id == self.target or any(q["id"] == p.id for q in self.people):
            return
        if not p.backed:
            self.people.append({"id": p.id, "role": p.role})
            return
        person: dict[str, Any] = {"id": p.id, "role": p.role, "org": p.org}
        if p.standing in (FRESH, STALE, LOGGED_OUT, LOCKED):
            person["enrolled_with"] = f"{p.id}_phone"
            self.devices.append({"id": f"{p.id}_phone", "holder": p.id})
            self.verified[p.id] = EPOCH
        self.people.append(person)

    @property
    def phone(self) -> str:
        return f"{self.target}_phone" if self.phone_n == 1 else f"{self.target}_phone{self.phone_n}"

    def add(self, act: Action, state: str | None, note: str = "") -> None:
        if self._world_step(act):
            return
        step: dict[str, Any]
        if act.actor == TIMERS:
            step = {"actor": "system", "action": "tick"} if act.event == "tick" else self._system_step(act)
        elif act.actor in (USER, PHISHER, THIEF):
            step = self._party_step(act)
        else:
            step = self._staff_step(act)
        self._finish(step, act, state, note)

    def _world_step(self, act: Action) -> bool:
        """The clock and the phone's fate are world actions, not spec events; True when ``act`` was one."""
        t = self.target
        if act.actor == "clock":
            self.steps.append({"action": "wait", "seconds": act.seconds})
            self.now += act.seconds
            return True
        if act.event == "lose_phone":
            old = self.phone
            self.phone_n += 1
            self.devices.append({"id": self.phone})
            self.steps += [
                {"actor": t, "action": "lose_device", "device": old},
                {"actor": "theo", "action": "steal_device", "device": old},
                {"actor": t, "action": "new_phone", "device": self.phone},
            ]
            return True
        if act.event == "delete_app":
            self.steps += [
                {"actor": t, "action": "delete_app", "device": self.phone},
                {"actor": t, "action": "install_app", "device": self.phone},
            ]
            return True
        return False

    def _system_step(self, act: Action) -> dict[str, Any]:
        return {"actor": "system", "action": "fire", "event": act.event, "account": self.target}

    def _party_step(self, act: Action) -> dict[str, Any]:
        """A step of the target user or of an attacker, on the target's account, with the inputs it gave."""
        actor = self.target if act.actor == USER else ATTACKER[act.actor]
        step: dict[str, Any] = {"actor": actor, "action": "fire", "event": act.event, "account": self.target}
        return step | scenario_inputs(self.h.facts, act)

    def _staff_step(self, act: Action) -> dict[str, Any]:
        """A step of someone acting on the target (after passing 2FA when their standing is fresh)."""
        t = self.target
        person = next(p for p in self.h.people if p.key == act.actor)
        pid = person.id
        self._person(person)
        if person.standing == VENDOR:
            self.steps.append({"actor": pid, "action": "authenticate"})
        elif (
            person.standing == FRESH and self.login and self.recent and self.now - self.verified[pid] > self.recent - 60
        ):
            note = "passes 2FA before acting on someone else's account"
            self.steps.append({"actor": pid, "action": "fire", "event": self.login, "note": note, "expect": {}})
            self.verified[pid] = self.now
        step: dict[str, Any] = {"actor": pid, "action": "fire", "event": act.event, "account": t}
        if person.standing not in (FRESH, VENDOR, SELF):
            step["note"] = f"{pid}'s own account: {person.standing}"
        return step

    def _finish(self, step: dict[str, Any], act: Action, state: str | None, note: str) -> None:
        if act.repeat > 1:
            pause = self.spec.policy.backoff_max_seconds + self.spec.policy.period
            step["repeat"] = act.repeat
            step["wait_before"] = pause
            self.now += pause * act.repeat
        expect: dict[str, Any] = {}
        if state is not None:
            expect["state"] = state
        if note:
            step["note"] = note
        step["expect"] = expect  # {} when the step's state is not known: it checks nothing on purpose
        self.steps.append(step)


@dataclass(frozen=True)
class TraceRecord:
    """One engine step of a counterexample, as the diagram overlays read it."""

    event: str
    source: str
    dest: str
    allowed: bool
    actor: str


def trace_of(v: Violation, spec: Spec, seed: int = 1) -> list[TraceRecord]:
    """Replay the counterexample in the checker: the engine steps it took (for path diagrams)."""
    if v.start == PAIR:
        return [_record(step, absolute(pw, move).actor) for pw, move, step in replayed(v, spec, seed) if _engine(step)]
    h = Harness(spec, v.target, seed)
    build_people(h, seed)
    world = initial(h, v.start == SET_UP)
    out: list[TraceRecord] = []
    for act in v.path:
        step = apply(h, world, act)
        if step.outcome is not None:
            o = step.outcome
            out.append(TraceRecord(o.event, o.source, o.dest, True, act.actor))
        elif step.error is not None:
            out.append(TraceRecord(step.error.event, step.error.state, step.error.state, False, act.actor))
        if step.error is not None and step.error.followed_by is not None:
            f = step.error.followed_by
            out.append(TraceRecord(f.event, f.source, f.dest, True, "system"))
        world = step.after
    return out


def write_counterexample_diagram(v: Violation, spec: Spec, path: Path) -> Path:
    """The counterexample's path on the spec diagram: ``path`` with .svg (or .dot without Graphviz)."""
    from twofa_fsm_tools.diagrams import have_dot, overlay_dot, render_svg

    dot = overlay_dot(spec, trace_of(v, spec), title=f"counterexample: {v.prop} ({v.target}, starting {v.start})")
    if have_dot():
        out = path.with_suffix(".svg")
        out.write_text(render_svg(dot), encoding="utf-8")
    else:
        out = path.with_suffix(".dot")
        out.write_text(dot, encoding="utf-8")
    return out


def _engine(step: Applied) -> bool:
    return step.outcome is not None or step.error is not None


def _record(step: Applied, actor: str) -> TraceRecord:
    if step.outcome is not None:
        o = step.outcome
        return TraceRecord(o.event, o.source, o.dest, True, actor)
    assert step.error is not None
    return TraceRecord(step.error.event, step.error.state, step.error.state, False, actor)


def scenario_for(v: Violation, spec: Spec, spec_path: str, seed: int = 1) -> dict[str, Any]:
    if v.start == PAIR:
        return pair_scenario(v, spec, spec_path, seed)
    h = Harness(spec, v.target, seed)
    build_people(h, seed)
    world = initial(h, v.start == SET_UP)
    writer = _Writer(h, spec, v.start == SET_UP)
    for i, act in enumerate(v.path):
        step = apply(h, world, act)
        world = step.after
        last = i == len(v.path) - 1
        note = f"VIOLATES {v.prop}: {v.message}" if last else ""
        engine_step = act.actor not in ("clock",) and act.event not in ("lose_phone", "delete_app")
        writer.add(act, world.account.state if engine_step else None, note)
    attackers = [
        {"id": "mallory", "phished_password_of": [h.target_id], "description": "phished the password"},
        {"id": "theo", "description": "picks up phones that are lost; does not know the password"},
    ]
    return {
        "name": f"counterexample-{spec.name}-{v.prop.replace('_', '-')}",
        "description": f"Found by `twofa-fsm check` on {spec_path}: the shortest path ({len(v.path)} steps) "
        f"that breaks '{v.prop}' ({v.description}). {v.message}.",
        "spec": spec_path,
        "seed": seed,
        "people": writer.people,
        "attackers": attackers,
        "devices": writer.devices,
        "steps": writer.steps,
    }


def write_counterexample(v: Violation, spec: Spec, spec_path: str, out_dir: str | Path) -> Path:
    return write_scenario(scenario_for(v, spec, spec_path), out_dir, "twofa-fsm check")


def write_scenario(data: dict[str, Any], out_dir: str | Path, by: str) -> Path:
    """Write a scenario the checkers built as ``out_dir/NAME.yaml``, saying which command wrote it."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{data['name']}.yaml"
    text = (
        "# yaml-language-server: $schema=../../spec/scenario.schema.json\n"
        f"# Written by `{by}`: replay it with `twofa-fsm simulate {path}`\n"
    )
    path.write_text(text + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    return path
