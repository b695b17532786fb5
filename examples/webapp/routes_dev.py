"""Dev-only endpoints (``TWOFA_DEV_ENDPOINTS=1``): the demo's e-mail mailbox, the test clock, one worker pass.

**For the demo and the tests only.**  The mailbox hands out setup tokens to anyone who asks; in production the
tokens go to the user's verified e-mail address and nowhere else.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from .deps import BackendDep
from .errors import AppError
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
