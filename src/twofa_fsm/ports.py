"""What the engine talks to: passwords, audit, notifications, the organisation directory.

Each is a small Protocol with an in-memory default that records for tests.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from pydantic import SecretStr


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One attempted action, allowed or not.  Never holds a secret, code or token."""

    at: float
    actor: str
    actor_role: str
    target: str
    org: str
    event: str
    outcome: str  # "allowed" or the error kind
    source: str
    dest: str
    reason: str = ""
    effects: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Notice:
    """A message for the holder of ``account``; ``key`` is its idempotency key once it is in the outbox."""

    account: str
    kind: str  # enrolled, locked, reset, token_issued
    at: float
    key: str = ""


class PasswordVerifier(Protocol):
    """Checks an account's password (your password store; ``PasswordBook`` is the in-memory one)."""

    def check(self, account_id: str, password: str) -> bool:
        """True when ``password`` is the account's; False otherwise (also for an unknown account).

        Must not raise for any ``str`` value and must compare in constant time.
        """
        ...


class Notifier(Protocol):
    """Sends what an event emitted to the account's holder, by a channel other than the app (e.g. e-mail).

    ``TwoFAService`` calls it only after the account change is committed, from the store's outbox:
    at least once, so the same message may come again (after a crash, or a failure to record that it
    was sent); each carries an idempotency key (``notice.key``, ``key``), the same every time: skip a
    key you have already sent.  An exception is logged, does not undo the change, and the message is
    tried again by a later ``TwoFAService.deliver_pending()``.
    """

    def notify(self, notice: Notice) -> None:
        """Tell the holder of ``notice.account`` that something happened (``notice.kind``: enrolled,
        locked, reset, token_issued, ...).  Carries no secret; ``notice.key`` is its idempotency key."""
        ...

    def deliver_token(self, account_id: str, token: SecretStr, *, key: str = "") -> None:
        """Send the setup token out of band (e.g. to the verified e-mail); ``token.get_secret_value()``
        is the text to send.  Never log it.  ``key``: the delivery's idempotency key."""
        ...


class Directory(Protocol):
    """Knows the organisation's people, for the sole-owner rule (both built-in stores are one)."""

    def count_role(self, org: str, role: str) -> int:
        """How many accounts of ``org`` hold ``role`` (for the sole-owner rule)."""
        ...


@runtime_checkable
class ActingDirectory(Directory, Protocol):
    """A directory that also knows who can still act (both built-in stores are one).

    With it, vendor support may help an Owner when no *other* Owner can act (all
    locked out, say), not only when the Owner is literally the only one.
    """

    def count_able_to_act(self, org: str, role: str, *, exclude: str, states: frozenset[str]) -> int:
        """How many accounts of ``org`` with ``role``, other than ``exclude``, are in one of ``states``."""
        ...


class PasswordBook:
    """Salted PBKDF2-SHA256 password hashes in memory (lower ``iterations`` only in simulations)."""

    def __init__(self, iterations: int = 200_000) -> None:
        self.iterations = iterations
        self._hashes: dict[str, tuple[bytes, bytes]] = {}

    def set(self, account_id: str, password: str) -> None:
        salt = os.urandom(16)
        self._hashes[account_id] = (salt, self._hash(password, salt))

    def _hash(self, password: str, salt: bytes) -> bytes:
        return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, self.iterations)

    def check(self, account_id: str, password: str) -> bool:
        entry = self._hashes.get(account_id)
        if entry is None or not isinstance(password, str):
            return False
        return hmac.compare_digest(entry[1], self._hash(password, entry[0]))

    def __repr__(self) -> str:
        return f"PasswordBook({len(self._hashes)} accounts)"


@dataclass
class MemoryNotifier:
    """Records notices; keeps delivered tokens in an outbox keyed by account, and every idempotency key
    it was handed, in order, in ``keys`` (tests, simulator)."""

    notices: list[Notice] = field(default_factory=list)
    outbox: dict[str, SecretStr] = field(default_factory=dict, repr=False)
    keys: list[str] = field(default_factory=list)

    def notify(self, notice: Notice) -> None:
        self.notices.append(notice)
        self.keys.append(notice.key)

    def deliver_token(self, account_id: str, token: SecretStr, *, key: str = "") -> None:
        self.outbox[account_id] = token
        self.keys.append(key)


@dataclass
class MemoryDirectory:
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def count_role(self, org: str, role: str) -> int:
        return self.counts.get((org, role), 0)

    def add(self, org: str, role: str, n: int = 1) -> None:
        self.counts[(org, role)] = self.counts.get((org, role), 0) + n
