"""Who may act on someone else's account: the actor as the store knows them now, never a bare timestamp.

An organisation actor (an Owner or Admin resetting a user) acts through their own
account: it must be stored, in an access state of the spec, with a live session;
their role and organisation are the stored ones, and their last 2FA is when that
session was opened.  So a reset, a lock, a lost device or a logout of the admin's
own account ends their right to act at once.  The holder acting on their own account,
the system, and vendor staff (verified by the vendor's console) are taken as given.
"""

from __future__ import annotations

from twofa_fsm import sessions
from twofa_fsm.account import Account, Actor
from twofa_fsm.engine import Engine
from twofa_fsm.store.base import AccountNotFound, Store


def acting(engine: Engine, store: Store, actor: Actor, target: Account, event: str) -> Actor:
    """``actor`` backed by their own stored account and live session; raises ``InvalidSession`` (audited)."""
    role = engine.spec.roles.get(actor.role)
    if actor.id == target.id or role is None or role.scope != "organisation":
        return actor
    now = engine.clock.now()
    try:
        own = store.load(actor.id)
    except AccountNotFound:
        raise sessions.refusal(event, target, actor, now, f"{actor.id} has no account to act from") from None
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
