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

from simulator.checker.actions import Action, apply
from simulator.checker.search import Violation
from simulator.checker.world import EPOCH, ORG, OTHER_ORG, PHISHER, THIEF, USER, Harness
from twofa_fsm import Spec

CODES = {
    "current": "current",
    "prev": "drift:-1",
    "next": "drift:+1",
    "prev2": "drift:-2",
    "next2": "drift:+2",
    "wrong": "wrong",
    "lookalike": "malformed:fullwidth",
    "replay": "replay",
    "dead": "current",
}
PEOPLE = {
    "owner": ("olivia", "owner", ORG),
    "admin": ("adam", "admin", ORG),
    "member": ("max", "member", ORG),
    "foreign_admin": ("eve", "admin", OTHER_ORG),
}
ATTACKER = {PHISHER: "mallory", THIEF: "theo"}


class _Writer:
    def __init__(self, h: Harness, spec: Spec, start_enrolled: bool) -> None:
        self.h, self.spec = h, spec
        self.target = h.target_id
        self.recent = float(spec.policy.recent_auth_seconds or 0)
        self.now = EPOCH + spec.policy.period
        self.phone_n = 1
        self.verified: dict[str, float] = {}
        self.steps: list[dict[str, Any]] = []
        people: dict[str, dict[str, Any]] = {}
        devices: list[dict[str, Any]] = []
        target: dict[str, Any] = {"id": self.target, "role": h.target_role, "org": ORG}
        if start_enrolled:
            target["enrolled_with"] = self.phone
        else:
            target["invited"] = True
        people[self.target] = target
        devices.append({"id": self.phone, "holder": self.target})
        for pid, role, org in PEOPLE.values():
            if pid not in people:
                people[pid] = {"id": pid, "role": role, "org": org, "enrolled_with": f"{pid}_phone"}
                devices.append({"id": f"{pid}_phone", "holder": pid})
                self.verified[pid] = EPOCH
        if "support" in spec.roles:
            people["desk"] = {"id": "desk", "role": "support"}
        devices.append({"id": "mallory_phone", "holder": "mallory"})
        self.people, self.devices = list(people.values()), devices

    @property
    def phone(self) -> str:
        return f"{self.target}_phone" if self.phone_n == 1 else f"{self.target}_phone{self.phone_n}"

    def add(self, act: Action, state: str | None, note: str = "") -> None:
        if self._world_step(act):
            return
        step: dict[str, Any]
        if act.actor == "system":
            step = {"actor": "system", "action": "tick"}
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

    def _party_step(self, act: Action) -> dict[str, Any]:
        """A step of the target user or of an attacker, on the target's account."""
        t = self.target
        step: dict[str, Any] = {"actor": t if act.actor == USER else ATTACKER[act.actor], "action": act.event}
        if act.actor != USER:
            step["account"] = t
        if act.code is not None:
            step["code"] = CODES[act.code]
            if act.code == "dead":
                step["entry"] = "oldest"
        if act.token is not None:
            step["token"] = "mailbox" if act.actor == USER else "wrong"
        return step

    def _staff_step(self, act: Action) -> dict[str, Any]:
        """A step of an owner, admin or support acting on the target (after passing 2FA when they must)."""
        t = self.target
        person = next(p for p in self.h.people if p.key == act.actor)
        pid = person.id
        if person.role == "support":
            self.steps.append({"actor": "desk", "action": "authenticate"})
        elif person.fresh and pid != t and self.recent and self.now - self.verified.get(pid, EPOCH) > self.recent - 60:
            self.steps.append(
                {"actor": pid, "action": "login", "note": "passes 2FA before acting on someone else's account"}
            )
            self.verified[pid] = self.now
        step: dict[str, Any] = {"actor": pid, "action": act.event, "account": t}
        if not person.fresh:
            step["note"] = f"{pid} has not passed 2FA for a while (stale)"
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
        if expect:
            step["expect"] = expect
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
    h = Harness(spec, v.target, seed)
    world = h.initial(v.start == "enrolled")
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
    from simulator.diagrams import have_dot, overlay_dot, render_svg

    dot = overlay_dot(spec, trace_of(v, spec), title=f"counterexample: {v.prop} ({v.target}, starting {v.start})")
    if have_dot():
        out = path.with_suffix(".svg")
        out.write_text(render_svg(dot), encoding="utf-8")
    else:
        out = path.with_suffix(".dot")
        out.write_text(dot, encoding="utf-8")
    return out


def scenario_for(v: Violation, spec: Spec, spec_path: str, seed: int = 1) -> dict[str, Any]:
    h = Harness(spec, v.target, seed)
    world = h.initial(v.start == "enrolled")
    writer = _Writer(h, spec, v.start == "enrolled")
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
    data = scenario_for(v, spec, spec_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{data['name']}.yaml"
    text = (
        "# yaml-language-server: $schema=../../spec/scenario.schema.json\n"
        f"# Written by `twofa-fsm check`: replay it with `twofa-fsm simulate {path}`\n"
    )
    text += yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    path.write_text(text, encoding="utf-8")
    return path
