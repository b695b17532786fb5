"""One shared ``transitions`` machine per spec, wired to the allow-listed guards and effects.

Accounts are never added to the machine: each event runs on a throw-away
``_Cursor`` holding only the state, through ``Event.trigger``.  So one machine
serves any number of accounts, and nothing but the spec's transitions can move
an account (``auto_transitions=False``: no ``to_<state>()`` shortcuts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transitions import EventData, Machine

from twofa_fsm._runtime.context import Ctx, GuardFailure
from twofa_fsm._runtime.effects import IMPLEMENTATIONS as EFFECTS
from twofa_fsm._runtime.guards import IMPLEMENTATIONS as GUARDS_IMPL
from twofa_fsm.clock import Clock
from twofa_fsm.entropy import Entropy
from twofa_fsm.ports import Directory, PasswordVerifier
from twofa_fsm.spec.catalog import GUARDS
from twofa_fsm.spec.model import Ref, Spec, Transition
from twofa_fsm.totp import TotpVerifier

_ORDER = {"selector": 0, "authz": 1, "check": 2}


class _Cursor:
    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


def ordered_guards(t: Transition) -> list[Ref]:
    """Selectors first, then authorisation, then checks; file order within each."""
    return sorted(t.guards, key=lambda g: _ORDER[GUARDS[g.name].kind])


def _guard_chain(index: int, refs: list[Ref]) -> Callable[[EventData], bool]:
    """The transition's guards as one transitions condition: in order, stopping at the first
    that fails, which is recorded (a selector that fails records nothing: a branch not taken)."""
    steps = [(GUARDS_IMPL[r.name], r.arg, r.name, GUARDS[r.name].kind) for r in refs]

    def guards(event_data: EventData) -> bool:
        ctx: Ctx = event_data.kwargs["ctx"]
        for fn, arg, name, kind in steps:
            verdict = fn(ctx, arg)
            if verdict is not None:
                if kind != "selector":
                    ctx.failures.append(GuardFailure(index, name, kind, verdict[0], verdict[1]))
                return False
        return True

    guards.__name__ = "guards_" + "_".join(r.name for r in refs)
    return guards


def _effect_chain(refs: tuple[Ref, ...]) -> Callable[[EventData], None]:
    """The transition's effects, in order, as one transitions ``after`` callback."""
    steps = [(EFFECTS[r.name], r.arg, str(r)) for r in refs]

    def effects(event_data: EventData) -> None:
        ctx: Ctx = event_data.kwargs["ctx"]
        for fn, arg, label in steps:
            fn(ctx, arg)
            ctx.effects.append(label)

    effects.__name__ = "effects_" + "_".join(r.name for r in refs)
    return effects


class Runtime:
    """The spec, its machine and the services guards and effects use."""

    def __init__(
        self,
        spec: Spec,
        *,
        clock: Clock,
        entropy: Entropy,
        passwords: PasswordVerifier,
        directory: Directory | None,
    ) -> None:
        self.spec = spec
        self.clock = clock
        self.entropy = entropy
        self.passwords = passwords
        self.directory = directory
        self.verifier = TotpVerifier(spec.policy)
        self.machine = Machine(
            model=None,
            states=list(spec.states),
            initial=spec.initial,
            auto_transitions=False,
            send_event=True,
            name=f"twofa:{spec.name}",
        )
        self.index: dict[tuple[str, str], list[int]] = {}
        for i, t in enumerate(spec.transitions):
            self.machine.add_transition(
                t.event,
                list(t.source),
                t.dest,
                conditions=[_guard_chain(i, ordered_guards(t))] if t.guards else [],
                after=[_effect_chain(t.effects)] if t.effects else [],
            )
            for src in t.source:
                self.index.setdefault((src, t.event), []).append(i)
        self._events: dict[str, Any] = dict(self.machine.events)

    def run(self, event: str, ctx: Ctx) -> str | None:
        """Fire ``event`` on a cursor at the account's state: the new state, or None if refused."""
        cursor = _Cursor(ctx.account.state)
        if self._events[event].trigger(cursor, ctx=ctx):
            return cursor.state
        return None

    def allowed_events(self, state: str) -> list[str]:
        return sorted({event for (src, event) in self.index if src == state})

    def system_events(self, state: str) -> list[str]:
        """Events the system may fire from ``state`` (expiries, locks), in file order."""
        out: list[str] = []
        for (src, event), indices in self.index.items():
            if src == state and any(self.spec.transitions[i].guard("actor_is_system") for i in indices):
                out.append(event)
        return out

    def timed_events(self, state: str) -> list[str]:
        """System events that come due with time (not the lock, which follows a failure at once)."""
        return [
            e
            for e in self.system_events(state)
            if not any(self.spec.transitions[i].guard("failures_at_limit") for i in self.index[(state, e)])
        ]

    def lock_event(self, state: str) -> str | None:
        """The system event that locks an account at the failure limit from ``state``."""
        for event in self.system_events(state):
            if any(self.spec.transitions[i].guard("failures_at_limit") for i in self.index[(state, event)]):
                return event
        return None
