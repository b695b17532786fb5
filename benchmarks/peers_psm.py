"""The python-statemachine peer: the spec's transitions, guards and effects as a ``StateMachine`` subclass.

``StatemachinePeer.fire_per_request`` builds an instance around the record for
each event (restored from the store); ``fire_long_lived`` keeps one per account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.peers import Effect, Guard, Plain, Rec, grouped
from twofa_fsm import Actor, Spec


def statemachine_class(spec: Spec) -> type[Any]:
    """A python-statemachine ``StateMachine`` subclass with the spec's transitions, guards and effects."""
    from statemachine import State, StateMachine

    plain = Plain(spec)
    attrs: dict[str, Any] = {name: State(name, value=name, initial=name == spec.initial) for name in spec.states}
    lists: dict[str, Any] = {}
    for t in grouped(spec):
        conds = [_psm_cond(g) for g in plain.guards(t)]
        after = [_psm_effect(e) for e in plain.effects(t)]
        for src in t.source:
            tl = attrs[src].to(attrs[t.dest], cond=conds, after=after)
            lists[t.event] = tl if t.event not in lists else lists[t.event] | tl
    attrs.update(lists)
    meta: Any = type(StateMachine)
    cls: type[Any] = meta("TwoFAStateMachine", (StateMachine,), attrs)
    return cls


def _psm_cond(g: Guard) -> Callable[..., bool]:
    def cond(model: Any, actor: Actor, now: float) -> bool:
        return g(model, actor, now)

    return cond


def _psm_effect(e: Effect) -> Callable[..., None]:
    def after(model: Any, now: float, source: Any) -> None:
        e(model, now, source.id)

    return after


class StatemachinePeer:
    """python-statemachine: ``per_request`` builds an instance around the record for each event."""

    def __init__(self, spec: Spec) -> None:
        self.cls = statemachine_class(spec)

    def build(self, record: Any) -> Any:
        return self.cls(model=record, state_field="state")

    def fire_per_request(self, rec: Rec, event: str, actor: Actor, now: float) -> Rec:
        record = rec.copy()  # restored from the store for this request
        sm = self.build(record)
        sm.send(event, actor=actor, now=now)
        return record

    @staticmethod
    def fire_long_lived(sm: Any, event: str, actor: Actor, now: float) -> None:
        sm.send(event, actor=actor, now=now)
