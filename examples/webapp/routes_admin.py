"""Organisation > Users: invite, list, "Reset 2FA" with its Reset / Cancel confirmation, and the audit log.

The three reset endpoints take any signed-in user and leave the rest to the library (its guards check the role,
the organisation, the tier and the recent 2FA, and audit each refusal), so their answers are the spec's: a
Member's reset of an account in the wrong state is 409 ``InvalidEvent`` there, as in the spec, not 403.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from twofa_fsm import AccountNotFound, Actor, AuditRecord

from .backend import Backend
from .deps import ActorDep, AdminDep, BackendDep
from .errors import NotAllowed
from .schemas import AuditOut, AuditPage, NewUser, StateOut, UserOut, UserPage

router = APIRouter(prefix="/api", tags=["organisation"])


def _may_invite(backend: Backend, actor: Actor, role: str) -> str | None:
    """Why ``actor`` may not invite someone as ``role``, or None (the library leaves this check to the app)."""
    roles = backend.spec.roles
    wanted, own = roles.get(role), roles.get(actor.role)
    if wanted is None or wanted.scope != "organisation":
        choices = ", ".join(sorted(r for r, info in roles.items() if info.scope == "organisation"))
        return f"role {role!r} is not an organisation role; use one of: {choices}"
    if own is None or wanted.tier > own.tier:
        return f"a {actor.role} may not invite a {role}"
    return None


@router.post("/users", status_code=status.HTTP_201_CREATED)
def invite(body: NewUser, actor: AdminDep, backend: BackendDep) -> UserOut:
    """Invite a user into the admin's organisation: the account is created and its invitation (a setup token)
    goes by e-mail; the first setup needs it.  The password is the one the user will sign in with."""
    problem = _may_invite(backend, actor, body.role)
    org = actor.org or ""
    if problem is not None or not org:
        now = backend.service.engine.clock.now()
        reason = problem or "you belong to no organisation"
        record = AuditRecord(now, actor.id, actor.role, body.id, org, "create_account", "Forbidden", "", "", reason)
        backend.service.store.append_audit([record])
        raise NotAllowed(record.reason)
    account = backend.service.create_account(body.id, org, body.role, actor=actor)
    backend.passwords.set(body.id, body.password.get_secret_value())  # only once the account is ours
    return UserOut.of(account)


@router.get("/users")
def list_users(
    actor: AdminDep,
    backend: BackendDep,
    state: Annotated[str | None, Query(max_length=64)] = None,
    role: Annotated[str | None, Query(max_length=64)] = None,
    after: Annotated[str | None, Query(max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> UserPage:
    """The organisation's users in id order; pass ``next_after`` as ``after`` for the next page."""
    page = backend.service.accounts(org=actor.org, state=state, role=role, after=after, limit=limit)
    more = page[-1].id if len(page) == limit else None
    return UserPage(users=[UserOut.of(a) for a in page], next_after=more)


@router.get("/users/{user_id}")
def get_user(user_id: str, actor: AdminDep, backend: BackendDep) -> UserOut:
    """One user of the organisation (404 for a user of another organisation too)."""
    account = backend.service.account(user_id)
    if account.org != actor.org:
        raise AccountNotFound(user_id)  # as if it did not exist: other organisations' users are not listed
    return UserOut.of(account)


@router.post("/users/{user_id}/reset")
def request_reset(user_id: str, actor: ActorDep, backend: BackendDep) -> StateOut:
    """ "Reset 2FA": the account waits at the confirmation step (Reset or Cancel)."""
    out = backend.service.request_reset(user_id, actor)
    return StateOut(user=user_id, state=out.dest, effects=list(out.effects))


@router.post("/users/{user_id}/reset/confirm")
def confirm_reset(user_id: str, actor: ActorDep, backend: BackendDep) -> StateOut:
    """ "Reset": the secret is deleted, sessions revoked, a setup token e-mailed to the user.  Of two admins
    confirming at once, one gets 200 and the other 409."""
    out = backend.service.confirm_reset(user_id, actor)
    return StateOut(user=user_id, state=out.dest, effects=list(out.effects))


@router.post("/users/{user_id}/reset/cancel")
def cancel_reset(user_id: str, actor: ActorDep, backend: BackendDep) -> StateOut:
    """ "Cancel": back to where the account was; nothing changed."""
    out = backend.service.cancel_reset(user_id, actor)
    return StateOut(user=user_id, state=out.dest, effects=list(out.effects))


@router.get("/audit")
def audit(
    actor: AdminDep,
    backend: BackendDep,
    target: Annotated[str | None, Query(max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> AuditPage:
    """The organisation's audit log (allowed events and refusals), the newest ``limit`` rows, oldest first.
    It never holds a secret, a code, a token or a password."""
    rows = [e for e in backend.service.audit_log(target) if e.record.org == actor.org]
    return AuditPage(entries=[AuditOut.of(e) for e in rows[-limit:]])
