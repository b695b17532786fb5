"""The store contract: load an account, save it by compare-and-set, append its audit trail and outbox.

A store keeps three things: the current ``Account`` of each id (a JSON document
with a ``version``), an append-only audit log, and the outbox of messages to
deliver.  ``save`` is the only way to change an account: it succeeds only if the
stored version is still the one the caller loaded, and it appends the attempt's
audit records and outbox messages in the same atomic write.  The replay check's
last accepted time step (``Account.last_step``) is a field of that document, so
"check the code, then mark its step used" is atomic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from twofa_fsm.account import Account
from twofa_fsm.errors import ConcurrentUpdate, TwoFAError
from twofa_fsm.outbox import LEASE_SECONDS, OutboxMessage
from twofa_fsm.ports import AuditRecord


class AccountNotFound(TwoFAError, LookupError):
    """No account with this id is stored."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id
        super().__init__(f"no account '{account_id}' in the store; create it first with create_account()")


class AccountExists(TwoFAError, ValueError):
    """``create`` was called for an id that is already stored."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id
        super().__init__(f"account '{account_id}' already exists; load it instead of creating it again")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One stored audit row.

    ``seq``: position in the log (commit order).  ``seen_version``: the account
    version the attempt was decided on.  ``version``: the version the attempt
    wrote, or None when it changed nothing (a refusal, a lost race).
    """

    seq: int
    record: AuditRecord
    seen_version: int | None
    version: int | None


@runtime_checkable
class Store(Protocol):
    """Where accounts and their audit trail live.  Implementations must be safe to share across threads."""

    def load(self, account_id: str) -> Account:
        """The stored account; raises ``AccountNotFound``."""
        ...

    def create(self, account: Account, audit: Sequence[AuditRecord] = (), outbox: Sequence[OutboxMessage] = ()) -> None:
        """Store a new account (any version), its audit records and outbox messages; raises ``AccountExists``."""
        ...

    def save(
        self,
        account: Account,
        expected_version: int,
        audit: Sequence[AuditRecord] = (),
        outbox: Sequence[OutboxMessage] = (),
    ) -> None:
        """Replace the account if its stored version is still ``expected_version``, appending ``audit`` and
        ``outbox``, atomically.

        Raises ``ConcurrentUpdate`` (nothing written) when another writer saved first,
        ``AccountNotFound`` when the account is not stored.
        """
        ...

    def append_audit(self, records: Sequence[AuditRecord], seen_version: int | None = None) -> None:
        """Append records of attempts that changed nothing (refusals, lost races)."""
        ...

    def audit_log(self, account_id: str | None = None) -> list[AuditEntry]:
        """The audit log in commit order, for one target account or all."""
        ...

    def accounts(
        self,
        *,
        org: str | None = None,
        state: str | None = None,
        role: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> list[Account]:
        """Stored accounts in id order that match every filter given (Organisation > Users), a page at a time:
        pass the last id of a page as ``after`` for the next; ``limit`` at most 1000."""
        ...

    def outbox_claim(self, now: float, *, lease: float = LEASE_SECONDS, limit: int = 100) -> list[OutboxMessage]:
        """Up to ``limit`` undelivered messages due at ``now``, oldest first, each claimed: its ``due_at`` moved
        to ``now + lease`` in the same write, so that a concurrent claim skips it."""
        ...

    def outbox_delivered(self, key: str, at: float) -> None:
        """Mark the message delivered at ``at`` and drop its token (a no-op if it already was)."""
        ...

    def outbox_failed(self, key: str, *, error: str, retry_at: float) -> None:
        """Count a failed delivery (``error``: the exception type) and make the message due again at ``retry_at``."""
        ...

    def outbox_messages(self, account_id: str | None = None) -> list[OutboxMessage]:
        """Every outbox message, delivered or not, oldest first, for one account or all."""
        ...


def check_save(account: Account, expected_version: int) -> None:
    """Refuse a save that could not be a successor of ``expected_version``."""
    if account.version <= expected_version:
        raise ValueError(
            f"account '{account.id}' version {account.version} is not newer than the expected {expected_version}; "
            "save the account the engine returned, with the version you loaded"
        )


def conflict(account_id: str, expected_version: int, found: int) -> ConcurrentUpdate:
    return ConcurrentUpdate(
        f"account '{account_id}' changed while this request ran (expected version {expected_version}, found {found}); "
        "nothing was written: reload the account and retry"
    )


def check_claim(lease: float, limit: int) -> int:
    """The page size of a claim, after refusing a lease that would not hold the claimed messages."""
    if not lease > 0:
        raise ValueError(f"lease must be > 0 seconds, not {lease!r}; the default is {LEASE_SECONDS}")
    return max(1, min(int(limit), 1000))
