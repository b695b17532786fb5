"""Dev-only endpoints (``TWOFA_DEV_ENDPOINTS=1``): the demo's e-mail mailbox, the test clock, one worker pass,
and what ``twofa-fsm conform`` needs beyond the public API (accounts made directly, a non-intrusive look at an
account, vendor staff, events no public endpoint fires).

**For the demo and the tests only.**  The mailbox hands out setup tokens to anyone who asks and ``/dev/accounts``
creates accounts without an admin; in production the tokens go to the user's verified e-mail address and
nowhere else, and none of these routes exist.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, Field, SecretStr

from twofa_fsm import AccountNotFound, Actor, sessions

from .deps import BackendDep, bearer
from .dev_vendor import VendorConsole
from .errors import AppError, NotSignedIn
from .schemas import ID_PATTERN, StateOut
from .worker import run_once

router = APIRouter(prefix="/dev", tags=["dev only"])


class NoTestClock(AppError):
    status = 404
    kind = "NotFound"


class MailOut(BaseModel):
    key: str
    kind: str
    token: str | None = None  # a setup token (invitation or reset): what the e-mail would say


class MailboxOut(BaseModel):
    user: str
    messages: list[MailOut]


class ClockOut(BaseModel):
    now: float


class Advance(BaseModel):
    seconds: float = Field(ge=0, le=7 * 86400)


class SentOut(BaseModel):
    to: str
    kind: str
    token: str | None = None


class SentPage(BaseModel):
    messages: list[SentOut]
    next: int  # how many messages were sent so far: pass it as ?after= to get only what is sent later


class WorkerOut(BaseModel):
    fired: int
    delivered: int
    failed: int


@router.get("/mailbox/{user}")
def mailbox(user: str, backend: BackendDep) -> MailboxOut:
    """The user's "e-mails", oldest first (the demo reads its setup tokens here)."""
    assert backend.mailbox is not None
    mails = backend.mailbox.messages(user)
    out = [MailOut(key=m.key, kind=m.kind, token=m.token.get_secret_value() if m.token else None) for m in mails]
    return MailboxOut(user=user, messages=out)


@router.get("/mail")
def mail(backend: BackendDep, after: Annotated[int, Query(ge=0)] = 0) -> SentPage:
    """Every mailbox's messages after the first ``after``, in the order sent (for the conformance driver)."""
    assert backend.mailbox is not None
    sent, count = backend.mailbox.since(after)
    out = [SentOut(to=to, kind=m.kind, token=m.token.get_secret_value() if m.token else None) for to, m in sent]
    return SentPage(messages=out, next=count)


@router.get("/clock")
def clock(backend: BackendDep) -> ClockOut:
    """The server's time (the test clock's, when there is one)."""
    return ClockOut(now=backend.service.engine.clock.now())


@router.post("/clock/advance")
def advance(body: Advance, backend: BackendDep) -> ClockOut:
    """Move the test clock on (404 without ``TWOFA_TEST_CLOCK=1``)."""
    if backend.test_clock is None:
        raise NoTestClock("the server runs on the system clock (set TWOFA_TEST_CLOCK=1 for a test clock)")
    return ClockOut(now=backend.test_clock.advance(body.seconds))


@router.post("/worker/run")
def worker_run(backend: BackendDep) -> WorkerOut:
    """One pass of the background worker, now: ``fire_due`` then ``deliver_pending``."""
    run = run_once(backend.service)
    return WorkerOut(fired=run.fired, delivered=run.delivered, failed=run.failed)


# -- for `twofa-fsm conform` (conform_driver.py): what the public API cannot do ---------------------------------


class NotFound(AppError):
    status = 404
    kind = "NotFound"


class BadDevRequest(AppError):
    status = 422
    kind = "InvalidRequest"


class DevAccount(BaseModel):
    id: str = Field(pattern=ID_PATTERN)
    org: str = Field(pattern=ID_PATTERN)
    role: str = Field(max_length=32)
    password: SecretStr = Field(max_length=1024)
    invited: bool = True


class AccountView(BaseModel):
    id: str
    state: str
    access: bool  # a live session, in an access state


class DevStaff(BaseModel):
    id: str = Field(pattern=ID_PATTERN)
    role: str = Field(max_length=32)


class DevEvent(BaseModel):
    user: str = Field(max_length=128)
    actor: Literal["system", "vendor", "session"]
    staff: str | None = Field(default=None, max_length=128)  # with actor "vendor"


def get_console(request: Request) -> VendorConsole:
    console = request.app.state.vendor_console
    assert isinstance(console, VendorConsole)
    return console


ConsoleDep = Annotated[VendorConsole, Depends(get_console)]


@router.post("/accounts", status_code=201)
def create_account(body: DevAccount, backend: BackendDep) -> AccountView:
    """An account in any organisation and role, with its password, invited or not (no admin session needed)."""
    account = backend.service.create_account(body.id, body.org, body.role, invite=body.invited)
    backend.passwords.set(body.id, body.password.get_secret_value())
    return AccountView(id=account.id, state=account.state, access=False)


@router.get("/accounts")
def account_views(backend: BackendDep, id: Annotated[list[str], Query(max_length=64)]) -> list[AccountView]:
    """Each account's state and whether its user has a live session, read without using (or moving) any session."""
    spec, now = backend.spec, backend.service.engine.clock.now()
    out = []
    for account in (backend.service.account(user) for user in id):
        live = account.state in spec.access_states and bool(sessions.live(account, now, spec.policy))
        out.append(AccountView(id=account.id, state=account.state, access=live))
    return out


@router.post("/vendor/staff", status_code=201)
def register_staff(body: DevStaff, backend: BackendDep, console: ConsoleDep) -> DevStaff:
    """Register vendor staff (a vendor-scope role of the spec); they hold no account."""
    role = backend.spec.roles.get(body.role)
    if role is None or role.scope != "vendor":
        raise BadDevRequest("invalid role: not a vendor-scope role of the spec")
    staff = console.register(body.id, body.role)
    return DevStaff(id=staff.id, role=staff.role)


@router.post("/vendor/staff/{person}/authenticate")
def staff_authenticate(person: str, backend: BackendDep, console: ConsoleDep) -> ClockOut:
    """The staff member passes 2FA in the vendor console now."""
    now = backend.service.engine.clock.now()
    if console.authenticate(person, now) is None:
        raise NotFound("no such vendor staff")
    return ClockOut(now=now)


@router.post("/events/{event}")
def fire_event(
    event: str,
    body: DevEvent,
    backend: BackendDep,
    console: ConsoleDep,
    authorization: Annotated[str | None, Header()] = None,
) -> StateOut:
    """Fire a spec event for which no public endpoint exists for this caller: as the system (a timer, as the
    worker would), from the vendor console (``staff``), or as the holder of the ``Authorization`` session
    acting on another account (a colleague trying someone else's sign-in, setup or timer).  The library judges
    it like any other call (and audits a refusal)."""
    if body.actor == "system":
        actor = Actor.system()
    elif body.actor == "vendor":
        found = console.actor(body.staff or "")
        if found is None:
            raise NotFound("no such vendor staff")
        actor = found
    else:
        user, session = bearer(authorization)
        try:
            actor = backend.service.check_session(user, session)
        except AccountNotFound:
            raise NotSignedIn("no such session: sign in again") from None
    out = backend.service.fire(body.user, event, actor)
    return StateOut(user=body.user, state=out.dest, effects=list(out.effects))
