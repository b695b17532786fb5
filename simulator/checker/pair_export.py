"""A pair world's counterexample as a scenario file and as engine steps (for the path diagram)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from twofa_fsm import Spec
from twofa_fsm_tools.checker.actions import Applied
from twofa_fsm_tools.checker.pair import PairMove, PairWorld
from twofa_fsm_tools.checker.results import Violation
from twofa_fsm_tools.checker.step_inputs import scenario_inputs
from twofa_fsm_tools.checker.world import TIMERS, USER


def replayed(v: Violation, spec: Spec, seed: int = 1) -> Iterator[tuple[PairWorld, PairMove, Applied]]:
    """Replay a pair counterexample in a fresh pair world: each move with the step it made."""
    pw = PairWorld(spec, v.target, seed)
    worlds = pw.start()
    for move in v.pair_path or []:
        step, worlds = pw.apply(worlds, move)
        yield pw, move, step


def pair_scenario(v: Violation, spec: Spec, spec_path: str, seed: int = 1) -> dict[str, Any]:
    pw = PairWorld(spec, v.target, seed)
    ids = [h.target_id for h in pw.h]
    people: list[dict[str, Any]] = [
        {"id": i, "role": v.target, "org": h.org, "enrolled_with": f"{i}_phone"} for i, h in zip(ids, pw.h, strict=True)
    ]
    devices: list[dict[str, Any]] = [{"id": f"{i}_phone", "holder": i} for i in ids]
    for p in pw.h[0].people[1:]:
        person: dict[str, Any] = {"id": p.id, "role": p.role}
        if p.backed:
            person |= {"org": p.org, "enrolled_with": f"{p.id}_phone"}
            devices.append({"id": f"{p.id}_phone", "holder": p.id})
        people.append(person)
    steps: list[dict[str, Any]] = []
    moves = list(replayed(v, spec, seed))
    for n, (world, move, step) in enumerate(moves, start=1):
        entry = _step(world, move)
        if entry is None:
            continue
        if step.outcome is not None or step.error is not None:
            entry["expect"] = {"state": step.after.account.state}
        elif entry["action"] not in ("wait", "lose_device"):
            entry["expect"] = {}  # nothing recorded to check: on purpose
        if n == len(moves):
            entry["note"] = f"VIOLATES {v.prop}: {v.message}"
        steps.append(entry)
    return {
        "name": f"counterexample-{spec.name}-{v.prop.replace('_', '-')}-pair",
        "description": f"Found by `twofa-fsm check` on {spec_path} in the world of two {v.target}s acting on each "
        f"other: the shortest path ({len(moves)} steps) that breaks '{v.prop}' ({v.description}). {v.message}.",
        "spec": spec_path,
        "seed": seed,
        "people": people,
        "devices": devices,
        "steps": steps or [{"action": "wait", "seconds": 1}],
    }


def _step(pw: PairWorld, move: PairMove) -> dict[str, Any] | None:
    act, h = move.action, pw.h[move.side]
    other = pw.h[1 - move.side].target_id
    if act.actor == "clock":
        return {"action": "wait", "seconds": act.seconds}
    if act.event == "lose_phone":
        return {"actor": h.target_id, "action": "lose_device", "device": f"{h.target_id}_phone"}
    if act.actor == TIMERS:
        return {"action": "tick", "account": h.target_id}
    actor = {USER: h.target_id, "peer": other}.get(act.actor, act.actor)
    step: dict[str, Any] = {"actor": actor, "action": "fire", "event": act.event, "account": h.target_id}
    return step | (scenario_inputs(h.facts, act) if act.actor == USER else {})
