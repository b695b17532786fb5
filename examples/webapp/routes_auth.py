"""Signing in: the password (a ticket), then the code (a session); the session's holder; a lost phone."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from twofa_fsm import Account, AccountNotFound

from .deps import ActorDep, BackendDep, bearer, holder
from .errors import NotSignedIn
from .passwords import tickets_accepted
from .schemas import CodeLogin, PasswordLogin, SessionOut, StateOut, TicketBody, TicketOut, UserOut, reveal

router = APIRouter(prefix="/api", tags=["sign-in"])
WRONG = "wrong user name or password"


def _next_step(account: Account, access_states: frozenset[str]) -> str:
    if account.state in access_states:
        return "code"
    if account.state in ("unenrolled", "setup_in_progress"):
        return "setup"
    return "contact_admin"  # locked out, or a reset is pending: an Owner or Admin resets your 2FA


@router.post("/login")
def login_password(body: PasswordLogin, backend: BackendDep) -> TicketOut:
    """Step 1: the password.  Returns a short-lived ticket and what comes next (401 for a wrong user or password
    alike, so that this step does not tell which user names exist)."""
    ticket = backend.passwords.issue(body.user, body.password.get_secret_value())
    if ticket is None:
        raise NotSignedIn(WRONG)
    try:
        account = backend.service.account(body.user)
    except AccountNotFound:
        raise NotSignedIn(WRONG) from None
    step = _next_step(account, backend.spec.access_states)
    return TicketOut(user=account.id, ticket=ticket, state=account.state, next=step)


@router.post("/login/code")
def login_code(body: CodeLogin, backend: BackendDep) -> SessionOut:
    """Step 2: the code from the authenticator app, with the ticket.  Opens a session (the library's)."""
    ticket, code = body.ticket.get_secret_value(), reveal(body.code)
    with tickets_accepted():
        if code is None:  # no code sent: the library refuses it as malformed (and does not count it)
            out = backend.service.fire(body.user, "login", holder(backend, body.user), password=ticket)
        else:
            out = backend.service.login(body.user, password=ticket, code=code)
    backend.passwords.spend(ticket)
    assert out.session is not None
    return SessionOut(user=body.user, state=out.dest, session=f"{body.user}:{out.session}")


@router.post("/lost-device")
def lost_device(body: TicketBody, backend: BackendDep) -> StateOut:
    """ "I lost my phone": the account is locked out and its sessions revoked; an Owner or Admin resets it."""
    ticket = body.ticket.get_secret_value()
    with tickets_accepted():
        out = backend.service.report_lost_device(body.user, password=ticket)
    backend.passwords.spend(ticket)
    return StateOut(user=body.user, state=out.dest, effects=list(out.effects))


@router.get("/me")
def me(actor: ActorDep, backend: BackendDep) -> UserOut:
    """The signed-in account (a live session of an account in an access state)."""
    return UserOut.of(backend.service.account(actor.id))


@router.post("/logout")
def logout(backend: BackendDep, authorization: Annotated[str | None, Header()] = None) -> StateOut:
    """End the session of the Authorization header (audited by the library)."""
    user, session = bearer(authorization)
    try:
        out = backend.service.logout(user, session)
    except AccountNotFound:
        raise NotSignedIn("no such session: sign in again") from None
    return StateOut(user=user, state=out.dest, effects=list(out.effects))
