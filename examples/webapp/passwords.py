"""Passwords, and the ticket a password login hands out for the second step.

The library's ``login`` takes the password and the code in one call, but a web login asks for them on two
screens.  ``POST /api/login`` checks the password (``PasswordBook``, PBKDF2) and returns a short-lived,
random *ticket*; the next calls (``/api/login/code``, ``/api/setup``, ``/api/lost-device``) present that
ticket, and the service's ``PasswordVerifier`` (``PasswordGate.check``) accepts it in place of the password
-- only inside ``tickets_accepted()``, which those routes enter, so the ticket is nothing but proof that the
password was given a moment ago.  The gate keeps the tickets' SHA-256 digests only, in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from twofa_fsm import Clock, PasswordBook

TICKET_BYTES = 32
_ACCEPT_TICKETS: ContextVar[bool] = ContextVar("twofa_webapp_accept_tickets", default=False)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@contextlib.contextmanager
def tickets_accepted() -> Iterator[None]:
    """While inside, the gate checks tickets instead of passwords (for this thread's service calls only)."""
    reset = _ACCEPT_TICKETS.set(True)
    try:
        yield
    finally:
        _ACCEPT_TICKETS.reset(reset)


@dataclass(frozen=True)
class _Ticket:
    account: str
    expires_at: float


class PasswordGate:
    """The service's ``PasswordVerifier``: the ``PasswordBook``, or a live ticket inside ``tickets_accepted()``."""

    def __init__(self, book: PasswordBook, clock: Clock, ticket_seconds: float) -> None:
        self._book, self._clock, self._ttl = book, clock, ticket_seconds
        self._tickets: dict[str, _Ticket] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PasswordGate({self._book!r}, {len(self._tickets)} tickets)"

    def set(self, account_id: str, password: str) -> None:
        """Store ``account_id``'s password (hashed by the ``PasswordBook``)."""
        self._book.set(account_id, password)

    def check(self, account_id: str, password: str) -> bool:
        """The ``PasswordVerifier`` method the engine calls."""
        if _ACCEPT_TICKETS.get():
            return self._ticket_valid(account_id, password)
        return self._book.check(account_id, password)

    def issue(self, account_id: str, password: str) -> str | None:
        """A fresh ticket when ``password`` is ``account_id``'s, else None (also for an unknown account)."""
        if not self._book.check(account_id, password):
            return None
        ticket = secrets.token_urlsafe(TICKET_BYTES)
        now = self._clock.now()
        with self._lock:
            self._tickets = {d: t for d, t in self._tickets.items() if t.expires_at > now}
            self._tickets[_digest(ticket)] = _Ticket(account_id, now + self._ttl)
        return ticket

    def spend(self, ticket: str) -> None:
        """Forget ``ticket`` (it opened a session, or reported a lost device)."""
        with self._lock:
            self._tickets.pop(_digest(ticket), None)

    def _ticket_valid(self, account_id: str, ticket: object) -> bool:
        if not isinstance(ticket, str) or not 16 <= len(ticket) <= 256:
            return False
        with self._lock:
            found = self._tickets.get(_digest(ticket))
        if found is None or found.expires_at <= self._clock.now():
            return False
        return hmac.compare_digest(found.account, account_id)
