"""Sessions: opened by a login or a completed setup, checked, used, ended.

A session id is 256 bits from the entropy source (the CSPRNG in production) and is
handed to the caller once, in ``Outcome.session``; the account keeps only its
SHA-256 digest, with when it was opened (the holder passed 2FA then) and last used.
The policy's ``session_idle_seconds`` and ``session_lifetime_seconds`` end it; a
reset, a lock or a lost device ends them all (``revoke_sessions``).
"""

from __future__ import annotations

import hashlib
import hmac

from twofa_fsm.account import Account, Actor, Session
from twofa_fsm.errors import InvalidSession
from twofa_fsm.outcome import Emissions, Outcome
from twofa_fsm.ports import AuditRecord
from twofa_fsm.spec.model import Policy

SESSION_BYTES = 32  # 256 bits: ASVS asks for at least 128
MAX_SESSIONS = 16
TOUCH_EVERY = 60.0  # seconds: a check writes the last use back at most this often


def digest(session_id: str) -> str:
    """The stored form of a session id."""
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


def expiry_problem(session: Session, now: float, policy: Policy) -> str | None:
    """Why ``session`` is over at ``now``, or None while it is live."""
    lifetime, idle = policy.session_lifetime_seconds, policy.session_idle_seconds
    if lifetime is not None and now - session.started_at > lifetime:
        return f"the session is older than {lifetime} s; log in again"
    if idle is not None and now - session.seen_at > idle:
        return f"the session was idle for more than {idle} s; log in again"
    return None


def live(account: Account, now: float, policy: Policy) -> tuple[Session, ...]:
    """The account's sessions that have not expired at ``now``."""
    return live_of(account.sessions, now, policy)


def live_of(sessions: tuple[Session, ...], now: float, policy: Policy) -> tuple[Session, ...]:
    """Those of ``sessions`` that have not expired at ``now`` (``expiry_problem`` is None), on every login: inline."""
    lifetime, idle = policy.session_lifetime_seconds, policy.session_idle_seconds
    return tuple(
        s
        for s in sessions
        if (lifetime is None or now - s.started_at <= lifetime) and (idle is None or now - s.seen_at <= idle)
    )


def find(account: Account, session_id: object) -> Session | None:
    """The account's session with this id (compared by digest, in constant time), or None."""
    if not isinstance(session_id, str) or not 16 <= len(session_id) <= 256:
        return None
    wanted = digest(session_id)
    found = None
    for session in account.sessions:
        if hmac.compare_digest(session.digest, wanted):
            found = session
    return found


def opened(sessions: tuple[Session, ...], session_id: str, now: float, policy: Policy) -> tuple[Session, ...]:
    """The live ones of ``sessions`` with a new one for ``session_id`` (the oldest dropped past the maximum)."""
    new = Session.made(digest(session_id), now)
    return (*live_of(sessions, now, policy), new)[-MAX_SESSIONS:]


def touched(account: Account, session: Session, now: float, policy: Policy) -> tuple[Session, ...] | None:
    """The live sessions with ``session``'s last use moved to ``now``, or None when nothing needs writing."""
    if now - session.seen_at < TOUCH_EVERY and len(live(account, now, policy)) == len(account.sessions):
        return None
    kept = live(account, now, policy)
    return tuple(s.seen(now) if s is session else s for s in kept)


def without(account: Account, session: Session) -> tuple[Session, ...]:
    """The sessions but ``session`` (a logout)."""
    return tuple(s for s in account.sessions if s is not session)


# -- the operations (the engine's check_session and logout) ------------------------------------


def refusal(event: str, account: Account, actor: Actor, now: float, problem: str) -> InvalidSession:
    """An audited ``InvalidSession`` refusal of ``event`` on ``account``."""
    record = AuditRecord(
        now, actor.id, actor.role, account.id, account.org, event, InvalidSession.kind, account.state, account.state,
        problem,
    )  # fmt: skip
    return InvalidSession(
        f"'{event}' refused: {problem}", event=event, state=account.state, reason=problem, account=account,
        audit=record, emitted=Emissions((record,)),
    )  # fmt: skip


def checked(account: Account, session_id: object, now: float, policy: Policy, access: bool) -> Session:
    """The live session ``session_id`` of ``account`` (in an access state when ``access``), or raise."""
    holder = Actor(account.id, account.role, account.org)
    session = find(account, session_id)
    if session is None:
        raise refusal(CHECK, account, holder, now, "no such session (logged out, revoked or never opened)")
    problem = expiry_problem(session, now, policy)
    if problem is None and not access:
        problem = f"the account is {account.state}, not in an access state: log in with 2FA again"
    if problem is not None:
        raise refusal(CHECK, account, holder, now, problem)
    return session


def check_outcome(account: Account, session: Session, now: float, policy: Policy) -> Outcome:
    """The check of a live session: its last use written back (at most every ``TOUCH_EVERY`` s), no audit row."""
    sessions = touched(account, session, now, policy)
    after = account if sessions is None else account._with({"sessions": sessions, "version": account.version + 1})
    return _outcome(CHECK, after, account.state, now, ())


def logout_outcome(account: Account, session: Session, now: float) -> Outcome:
    """The end of one session, audited as ``logout``."""
    after = account._with({"sessions": without(account, session), "version": account.version + 1})
    return _outcome(LOGOUT, after, account.state, now, ("end_session",))


def _outcome(event: str, after: Account, state: str, now: float, effects: tuple[str, ...]) -> Outcome:
    record = AuditRecord(now, after.id, after.role, after.id, after.org, event, "allowed", state, state, "", effects)
    return Outcome(
        event=event, source=state, dest=state, actor=after.id, actor_role=after.role, target=after.id, at=now,
        effects=effects, access_granted=False, notices=(), account=after, audit=record,
        emitted=Emissions((record,)) if effects else Emissions(),
    )  # fmt: skip


CHECK, LOGOUT = "check_session", "logout"
