"""The peers the engine is measured against, all built from the same spec file.

- ``RawShared``: one shared ``transitions`` machine, the spec's states and
  transitions, a trivial model (a cursor with ``state`` and ``prior``), no guards
  except the ``came_from`` selectors that pick the right ``cancel_reset`` branch.
- ``TransitionsPerAccount``: a ``transitions`` machine built around each account
  for each request (the spec's transitions, the same guards and effects).
- ``StatemachinePeer`` (in ``benchmarks.peers_psm``): python-statemachine with
  the same transitions, guards and effects; one instance built per request
  (restored from the record), or one kept alive per account.
- ``DictFloor``: a hand-written dictionary state machine with the same guards and
  effects on a mutable record: the practical floor.

Every peer runs the same admin cycle as the engine (``CYCLE``), with the same
actor, so every event evaluates the same six authorisation guards.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

from twofa_fsm import Actor, Spec
from twofa_fsm.spec.model import Ref, Transition

# request -> confirm -> request -> cancel: back where it started, every admin event, no TOTP.
CYCLE: tuple[str, ...] = ("request_reset", "confirm_reset", "request_reset", "cancel_reset")
START = "unenrolled"


class Rec:
    """A plain mutable account record (what a peer library keeps per account)."""

    __slots__ = (
        "bound_at",
        "bound_secret",
        "id",
        "org",
        "pending_secret",
        "pending_since",
        "prior_state",
        "role",
        "sessions",
        "state",
        "token_digest",
        "token_expires_at",
        "token_required",
        "version",
    )

    def __init__(self, id: str, org: str, role: str, state: str) -> None:
        self.id, self.org, self.role, self.state = id, org, role, state
        self.prior_state: str | None = None
        self.bound_secret: str | None = None
        self.bound_at: float | None = None
        self.pending_secret: str | None = None
        self.pending_since: float | None = None
        self.sessions: tuple[tuple[str, float, float], ...] = ()  # (id digest, opened at, last used)
        self.token_digest: str | None = None
        self.token_expires_at: float | None = None
        self.token_required = False
        self.version = 0

    def copy(self) -> Rec:
        new = Rec(self.id, self.org, self.role, self.state)
        for name in Rec.__slots__:
            setattr(new, name, getattr(self, name))
        return new


class DictRec:
    """A plain ``__dict__`` record: ``transitions`` adds trigger methods to its model."""

    state: str

    def __init__(self, rec: Rec) -> None:
        for name in Rec.__slots__:
            setattr(self, name, getattr(rec, name))


Guard = Callable[[Any, Actor, float], bool]
Effect = Callable[[Any, float, str], None]  # (record, now, source state)


def _remember(a: Any, now: float, src: str) -> None:
    a.prior_state = src


def _forget(a: Any, now: float, src: str) -> None:
    a.prior_state = None


def _revoke(a: Any, now: float, src: str) -> None:
    a.bound_secret = None
    a.bound_at = None


def _discard(a: Any, now: float, src: str) -> None:
    a.pending_secret = None
    a.pending_since = None


def _sessions(a: Any, now: float, src: str) -> None:
    a.sessions = ()


def _no_effect(a: Any, now: float, src: str) -> None:
    return None


# the effects that need nothing but the record (issue_setup_token also needs the peer's rng and outbox)
_SIMPLE_EFFECTS: dict[str, Effect] = {
    "remember_prior_state": _remember,
    "forget_prior_state": _forget,
    "revoke_secret": _revoke,
    "discard_pending_secret": _discard,
    "revoke_sessions": _sessions,
}


def as_condition(g: Guard) -> Callable[[Any], bool]:
    """A plain guard as a ``transitions`` condition (``send_event=True``: actor and time in the kwargs)."""
    return lambda ev: g(ev.model, ev.kwargs["actor"], ev.kwargs["now"])


def as_effect(e: Effect) -> Callable[[Any], None]:
    """A plain effect as a ``transitions`` after-callback."""
    return lambda ev: e(ev.model, ev.kwargs["now"], ev.transition.source)


class Plain:
    """Plain-Python guards and effects, equivalent to the engine's for the admin events."""

    def __init__(self, spec: Spec, seed: int = 1) -> None:
        self.spec = spec
        self.tier = {name: r.tier for name, r in spec.roles.items()}
        self.scope = {name: r.scope for name, r in spec.roles.items()}
        self.recent = spec.policy.recent_auth_seconds
        self.lifetime = spec.policy.token_lifetime_seconds or 0
        self.top = max((r.tier for r in spec.roles.values() if r.scope == "organisation"), default=None)
        self.rng = random.Random(seed)
        self.outbox: dict[str, str] = {}

    # -- guards ----------------------------------------------------------------------------
    def guard(self, ref: Ref) -> Guard:
        arg, scope, tier = ref.arg, self.scope, self.tier
        name = ref.name
        if name == "came_from":
            return lambda a, actor, now: a.prior_state == arg
        if name == "same_organisation":
            return lambda a, actor, now: (
                scope.get(actor.role) == "vendor" or (actor.org is not None and actor.org == a.org)
            )
        if name == "actor_role_in":
            roles = (arg,) if isinstance(arg, str) else (arg or ())
            return lambda a, actor, now: actor.role in roles
        if name == "not_self":
            return lambda a, actor, now: actor.id != a.id
        if name == "target_tier_not_above_actor":
            return lambda a, actor, now: actor.role in tier and a.role in tier and tier[a.role] <= tier[actor.role]
        if name == "support_only_for_sole_owner":
            return lambda a, actor, now: (
                scope.get(actor.role) != "vendor"
            )  # the directory branch never runs for an admin
        if name == "actor_recently_verified":
            recent = self.recent
            return lambda a, actor, now: (
                recent is not None and actor.verified_at is not None and 0 <= now - actor.verified_at <= recent
            )
        return lambda a, actor, now: False  # guards of the events the cycle never fires (password, codes, ...)

    # -- effects ---------------------------------------------------------------------------
    def effect(self, ref: Ref) -> Effect:
        if ref.name == "issue_setup_token":
            return self._issue_setup_token()
        return _SIMPLE_EFFECTS.get(ref.name, _no_effect)  # notify and the effects of events the cycle never fires

    def _issue_setup_token(self) -> Effect:
        rng, outbox, lifetime = self.rng, self.outbox, self.lifetime

        def issue(a: Any, now: float, src: str) -> None:
            token = rng.getrandbits(128).to_bytes(16, "big").hex()
            a.token_digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
            a.token_expires_at = now + lifetime
            a.token_required = True
            outbox[a.id] = token

        return issue

    def guards(self, t: Transition) -> list[Guard]:
        selectors = [g for g in t.guards if g.name == "came_from"]
        return [self.guard(g) for g in selectors + [g for g in t.guards if g.name != "came_from"]]

    def effects(self, t: Transition) -> list[Effect]:
        return [self.effect(e) for e in t.effects]


# -- the floor ---------------------------------------------------------------------------------


class DictFloor:
    """(state, event) -> branches of (guards, dest, effects); first branch whose guards all pass."""

    def __init__(self, spec: Spec) -> None:
        plain = Plain(spec)
        self.table: dict[tuple[str, str], list[tuple[list[Guard], str, list[Effect]]]] = {}
        for t in spec.transitions:
            for src in t.source:
                self.table.setdefault((src, t.event), []).append((plain.guards(t), t.dest, plain.effects(t)))

    def fire(self, a: Rec, event: str, actor: Actor, now: float) -> bool:
        for guards, dest, effects in self.table.get((a.state, event), ()):
            if all(g(a, actor, now) for g in guards):
                for e in effects:
                    e(a, now, a.state)
                a.state = dest
                a.version += 1
                return True
        return False


# -- transitions ---------------------------------------------------------------------------------


class Cursor:
    """The trivial model of ``RawShared``: a state and the state it came from."""

    __slots__ = ("prior", "state")

    def __init__(self, state: str, prior: str | None) -> None:
        self.state, self.prior = state, prior


def grouped(spec: Spec) -> list[Transition]:
    return list(spec.transitions)


class RawShared:
    """One shared ``transitions`` machine, triggered on a throw-away cursor (as the engine does)."""

    def __init__(self, spec: Spec) -> None:
        from transitions import Machine

        self.machine = Machine(
            model=None, states=list(spec.states), initial=spec.initial, auto_transitions=False, send_event=True
        )
        for t in grouped(spec):
            selector = t.guard("came_from")
            conditions: list[Any] = [] if selector is None else [self._came_from(selector.arg)]
            after: list[Any] = [self._remember] if t.has_effect("remember_prior_state") else []
            self.machine.add_transition(t.event, list(t.source), t.dest, conditions=conditions, after=after)
        self.events: dict[str, Any] = dict(self.machine.events)

    @staticmethod
    def _came_from(arg: object) -> Callable[[Any], bool]:
        return lambda ev: ev.model.prior == arg

    @staticmethod
    def _remember(ev: Any) -> None:
        ev.model.prior = ev.transition.source

    def fire(self, state: str, prior: str | None, event: str) -> tuple[str, str | None] | None:
        cursor = Cursor(state, prior)
        if self.events[event].trigger(cursor):
            return cursor.state, cursor.prior
        return None


class TransitionsPerAccount:
    """A ``transitions`` machine built around the account record for every request."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        plain = Plain(spec)
        self.rows: list[dict[str, Any]] = []
        for t in grouped(spec):
            guards, effects = plain.guards(t), plain.effects(t)
            self.rows.append(
                {
                    "trigger": t.event,
                    "source": list(t.source),
                    "dest": t.dest,
                    "conditions": [self._condition(g) for g in guards],
                    "after": [self._effect(e) for e in effects],
                }
            )

    _condition = staticmethod(as_condition)
    _effect = staticmethod(as_effect)

    def build(self, record: DictRec) -> Any:
        from transitions import Machine

        return Machine(
            model=record,
            states=list(self.spec.states),
            transitions=self.rows,
            initial=record.state,
            auto_transitions=False,
            send_event=True,
        )

    def fire(self, rec: Rec, event: str, actor: Actor, now: float) -> Rec | None:
        record = DictRec(rec)  # restored from the store for this request
        self.build(record)
        if getattr(record, event)(actor=actor, now=now):
            out = rec.copy()
            for name in Rec.__slots__:
                setattr(out, name, getattr(record, name))
            return out
        return None
