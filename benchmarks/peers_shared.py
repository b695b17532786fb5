"""The fair peer: one shared ``transitions`` machine doing the same work as the engine's event.

The same spec transitions, the same guards in the same order (the ``came_from`` selectors first,
then the six authorisation guards), the same effects (prior state, secrets, sessions, a hashed
single-use token), on a copy of the account record (the engine never mutates an account: it
returns a new one), and an audit record per event (actor, role, target, organisation, event,
states, time), as the engine's Outcome carries.  What it leaves out is the engine's own typing:
frozen result objects, the refusal kinds, the notices.
"""

from __future__ import annotations

from typing import Any

from benchmarks.peers import DictRec, Plain, Rec, as_condition, as_effect, grouped
from twofa_fsm import Actor, Spec


class SharedSameWork:
    """One shared machine (``model=None``), triggered on a fresh copy of the record for every event."""

    def __init__(self, spec: Spec) -> None:
        from transitions import Machine

        plain = Plain(spec)
        self.machine = Machine(
            model=None, states=list(spec.states), initial=spec.initial, auto_transitions=False, send_event=True
        )
        for t in grouped(spec):
            self.machine.add_transition(
                t.event,
                list(t.source),
                t.dest,
                conditions=[as_condition(g) for g in plain.guards(t)],
                after=[as_effect(e) for e in plain.effects(t)],
            )
        self.events: dict[str, Any] = dict(self.machine.events)
        self.audit: list[tuple[object, ...]] = []

    def fire(self, rec: Rec, event: str, actor: Actor, now: float) -> Rec | None:
        record = DictRec(rec)  # a new account, as the engine returns one
        source = record.state
        if not self.events[event].trigger(record, actor=actor, now=now):
            return None
        record.version = rec.version + 1  # type: ignore[attr-defined]
        out = rec.copy()
        for name in Rec.__slots__:
            setattr(out, name, getattr(record, name))
        self.audit.append((now, actor.id, actor.role, rec.id, rec.org, event, "allowed", source, record.state))
        if len(self.audit) > 1024:
            self.audit.clear()
        return out
