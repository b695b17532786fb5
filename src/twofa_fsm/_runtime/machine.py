"""One shared ``transitions`` machine per spec, wired to the allow-listed guards and effects.

Accounts are never added to the machine: each event runs on a throw-away
``_Cursor`` holding only the state, through ``Event.trigger``.  So one machine
serves any number of accounts, and nothing but the spec's transitions can move
an account (``auto_transitions=False``: no ``to_<state>()`` shortcuts).

``dispatch="compiled"`` runs the same guard and effect chains from a table built once per spec
(``(state, event)`` -> the candidate transitions in file order, the first whose guards pass fires),
without ``transitions``' per-event objects: what an exhaustive exploration calls a million times.
It is differential-tested against the machine (tests/checker/test_compiled_dispatch.py explores the
shipped specs both ways and compares every step).
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
Chain = Callable[[Any], Any]  # called with a Ctx (the table) or an EventData (the machine)


class _Cursor:
    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


def ordered_guards(t: Transition) -> list[Ref]:
    """Selectors first, then authorisation, then checks; file order within each."""
    return sorted(t.guards, key=lambda g: _ORDER[GUARDS[g.name].kind])


def _guard_chain(index: int, refs: list[Ref]) -> Chain:
    """The transition's guards as one condition: in order, stopping at the first
    that fails, which is recorded (a selector that fails records nothing: a branch not taken).
    Called with the context (the table) or the machine's ``EventData`` carrying it (no wrapper frame)."""
    steps = [(GUARDS_IMPL[r.name], r.arg, r.name, GUARDS[r.name].kind) for r in refs]

    def guards(source: Ctx | EventData) -> bool:
        ctx = source if isinstance(source, Ctx) else source.kwargs["ctx"]
        for fn, arg, name, kind in steps:
            verdict = fn(ctx, arg)
            if verdict is not None:
                if kind != "selector":
                    ctx.failures.append(GuardFailure(index, name, kind, verdict[0], verdict[1]))
                return False
        return True

    guards.__name__ = "guards_" + "_".join(r.name for r in refs)
    return guards


def _effect_chain(refs: tuple[Ref, ...]) -> Chain:
    """The transition's effects, in order, as one callback (a context or ``EventData``, as above)."""
    steps = [(EFFECTS[r.name], r.arg, str(r)) for r in refs]

    def effects(source: Ctx | EventData) -> None:
        ctx = source if isinstance(source, Ctx) else source.kwargs["ctx"]
        for fn, arg, label in steps:
            fn(ctx, arg)
            ctx.effects.append(label)

    effects.__name__ = "effects_" + "_".join(r.name for r in refs)
    return effects


def _passes(ctx: Ctx) -> bool:
    return True


def _nothing(ctx: Ctx) -> None:
    return None


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
        dispatch: str = "transitions",
    ) -> None:
        if dispatch not in ("transitions", "compiled"):
            raise ValueError(f"dispatch {dispatch!r} is not one of 'transitions', 'compiled'")
        self.spec = spec
        self.dispatch = dispatch
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
        table: dict[tuple[str, str], list[tuple[Chain, str, Chain]]] = {}
        for i, t in enumerate(spec.transitions):
            guards = _guard_chain(i, ordered_guards(t)) if t.guards else _passes
            effects = _effect_chain(t.effects) if t.effects else _nothing
            self.machine.add_transition(
                t.event,
                list(t.source),
                t.dest,
                conditions=[guards] if t.guards else [],
                after=[effects] if t.effects else [],
            )
            for src in t.source:
                self.index.setdefault((src, t.event), []).append(i)
                table.setdefault((src, t.event), []).append((guards, t.dest, effects))
        self._events: dict[str, Any] = dict(self.machine.events)
        self._table = {k: tuple(v) for k, v in table.items()}
        # fire ``event`` at the account's state: the new state, or None if refused
        self.run: Callable[[str, Ctx], str | None] = self._run_compiled if dispatch == "compiled" else self._run_machine

    def _run_machine(self, event: str, ctx: Ctx) -> str | None:
        """Through the shared ``transitions`` machine, on a cursor holding only the state."""
        cursor = _Cursor(ctx.account.state)
        if self._events[event].trigger(cursor, ctx=ctx):
            return cursor.state
        return None

    def _run_compiled(self, event: str, ctx: Ctx) -> str | None:
        """From the table: the first candidate whose guards pass runs its effects (what the machine does)."""
        for guards, dest, effects in self._table.get((ctx.account.state, event), ()):
            if guards(ctx):
                effects(ctx)
                return dest
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
