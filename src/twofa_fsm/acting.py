"""Who may act on someone else's account: the actor as the store knows them now, never a bare timestamp.

An organisation actor (an Owner or Admin resetting a user) acts through their own
account: it must be stored, in an access state of the spec, with a live session;
their role and organisation are the stored ones, and their last 2FA is when that
session was opened.  So a reset, a lock, a lost device or a logout of the admin's
own account ends their right to act at once.  The holder acting on their own account,
the system, and vendor staff (verified by the vendor's console) are taken as given.

``acting`` loads the actor's account from a store; ``standing`` judges an account the
caller already holds (the checker's world, a cache): both apply the same rules.
"""

from __future__ import annotations

from twofa_fsm import sessions
from twofa_fsm.account import Account, Actor
from twofa_fsm.engine import Engine
from twofa_fsm.store.base import AccountNotFound, Store


def acting(engine: Engine, store: Store, actor: Actor, target: Account, event: str) -> Actor:
    """``actor`` backed by their own stored account and live session; raises ``InvalidSession`` (audited)."""
    if not _backed(engine, actor, target):
        return actor
    try:
        own = store.load(actor.id)
    except AccountNotFound:
        own = None
    return standing(engine, own, actor, target, event)


def _backed(engine: Engine, actor: Actor, target: Account) -> bool:
    """Whether ``actor`` must act through an account of their own (an organisation role, not the holder)."""
    role = engine.spec.roles.get(actor.role)
    return actor.id != target.id and role is not None and role.scope == "organisation"


def standing(engine: Engine, own: Account | None, actor: Actor, target: Account, event: str) -> Actor:
    """``actor`` as their own account ``own`` (None: they have none) lets them act now.

    Returns the actor with the stored role, organisation and the session's start as
    ``verified_at``; raises ``InvalidSession`` (a ``Forbidden``, audited) when the account
    is missing, not in an access state, or has no live session (``actor.session``: that one).
    """
    if not _backed(engine, actor, target):
        return actor
    now = engine.clock.now()
    if own is None or own.id != actor.id:
        raise sessions.refusal(event, target, actor, now, f"{actor.id} has no account to act from")
    state = engine.spec.states.get(own.state)
    if state is None or not state.access:
        problem = f"{actor.id} is {own.state}: only an account in an access state may act (log in with 2FA)"
        raise sessions.refusal(event, target, actor, now, problem)
    live = sessions.live(own, now, engine.policy)
    chosen = (
        next((s for s in live if s.digest == actor.session), None)
        if actor.session is not None
        else max(live, key=lambda s: s.started_at, default=None)
    )
    if chosen is None:
        raise sessions.refusal(event, target, actor, now, f"{actor.id} has no live session: log in with 2FA first")
    return Actor(own.id, own.role, own.org, chosen.started_at, chosen.digest)
