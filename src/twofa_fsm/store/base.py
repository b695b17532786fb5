"""The store contract: load an account, save it by compare-and-set, append its audit trail.

A store keeps two things: the current ``Account`` of each id (a JSON document
with a ``version``), and an append-only audit log.  ``save`` is the only way to
change an account: it succeeds only if the stored version is still the one the
caller loaded, and it appends the attempt's audit records in the same atomic
write.  The replay check's last accepted time step (``Account.last_step``) is a
field of that document, so "check the code, then mark its step used" is atomic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from twofa_fsm.account import Account
from twofa_fsm.errors import ConcurrentUpdate, TwoFAError
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

    def create(self, account: Account, audit: Sequence[AuditRecord] = ()) -> None:
        """Store a new account (any version) and its audit records; raises ``AccountExists``."""
        ...

    def save(self, account: Account, expected_version: int, audit: Sequence[AuditRecord] = ()) -> None:
        """Replace the account if its stored version is still ``expected_version``, appending ``audit``, atomically.

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
