"""An in-memory store (tests, simulations, single-process prototypes): one lock, same contract."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence

from twofa_fsm.account import Account
from twofa_fsm.outbox import LEASE_SECONDS, OutboxMessage
from twofa_fsm.ports import AuditRecord
from twofa_fsm.store.base import AccountExists, AccountNotFound, AuditEntry, check_claim, check_save, conflict


class MemoryStore:
    """Accounts, the audit log and the outbox in process memory, guarded by one lock (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._accounts: dict[str, Account] = {}
        self._log: list[AuditEntry] = []
        self._outbox: dict[str, OutboxMessage] = {}  # by key, in the order written

    def _append(self, records: Sequence[AuditRecord], seen: int | None, version: int | None) -> None:
        for record in records:
            self._log.append(AuditEntry(len(self._log) + 1, record, seen, version))

    def _queue(self, messages: Sequence[OutboxMessage]) -> None:
        for message in messages:
            if message.key in self._outbox:
                raise ValueError(f"outbox message {message.key} is already stored; keys name one message each")
        self._outbox.update((m.key, m) for m in messages)

    def load(self, account_id: str) -> Account:
        with self._lock:
            account = self._accounts.get(account_id)
        if account is None:
            raise AccountNotFound(account_id)
        return account

    def create(self, account: Account, audit: Sequence[AuditRecord] = (), outbox: Sequence[OutboxMessage] = ()) -> None:
        with self._lock:
            if account.id in self._accounts:
                raise AccountExists(account.id)
            self._queue(outbox)
            self._accounts[account.id] = account
            self._append(audit, None, account.version)

    def save(
        self,
        account: Account,
        expected_version: int,
        audit: Sequence[AuditRecord] = (),
        outbox: Sequence[OutboxMessage] = (),
    ) -> None:
        check_save(account, expected_version)
        with self._lock:
            current = self._accounts.get(account.id)
            if current is None:
                raise AccountNotFound(account.id)
            if current.version != expected_version:
                raise conflict(account.id, expected_version, current.version)
            self._queue(outbox)
            self._accounts[account.id] = account
            self._append(audit, expected_version, account.version)

    def append_audit(self, records: Sequence[AuditRecord], seen_version: int | None = None) -> None:
        with self._lock:
            self._append(records, seen_version, None)

    def audit_log(self, account_id: str | None = None) -> list[AuditEntry]:
        with self._lock:
            entries = list(self._log)
        return [e for e in entries if account_id is None or e.record.target == account_id]

    def count_role(self, org: str, role: str) -> int:
        """How many stored accounts of ``org`` hold ``role`` (the engine's ``Directory``)."""
        with self._lock:
            return sum(1 for a in self._accounts.values() if a.org == org and a.role == role)

    def count_able_to_act(self, org: str, role: str, *, exclude: str, states: frozenset[str]) -> int:
        """Accounts of ``org`` with ``role``, other than ``exclude``, in one of ``states`` (who can still act)."""
        with self._lock:
            return sum(
                1
                for a in self._accounts.values()
                if a.org == org and a.role == role and a.id != exclude and a.state in states
            )

    def accounts(
        self,
        *,
        org: str | None = None,
        state: str | None = None,
        role: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> list[Account]:
        """Stored accounts, by id, that match every filter given; ``after``: the last id of the previous page."""
        with self._lock:
            found = [
                a for a in self._accounts.values()
                if (org is None or a.org == org) and (state is None or a.state == state)
                and (role is None or a.role == role) and a.id > (after or "")
            ]  # fmt: skip
        return sorted(found, key=lambda a: a.id)[: max(1, min(limit, 1000))]

    def outbox_claim(self, now: float, *, lease: float = LEASE_SECONDS, limit: int = 100) -> list[OutboxMessage]:
        page = check_claim(lease, limit)
        with self._lock:
            due = [m for m in self._outbox.values() if m.delivered_at is None and m.due_at <= now][:page]
            claimed = [dataclasses.replace(m, due_at=now + lease) for m in due]
            self._outbox.update((m.key, m) for m in claimed)
        return claimed

    def outbox_delivered(self, key: str, at: float) -> None:
        with self._lock:
            message = self._outbox.get(key)
            if message is not None and message.delivered_at is None:
                self._outbox[key] = dataclasses.replace(message, delivered_at=at, token=None)

    def outbox_failed(self, key: str, *, error: str, retry_at: float) -> None:
        with self._lock:
            message = self._outbox.get(key)
            if message is not None and message.delivered_at is None:
                self._outbox[key] = dataclasses.replace(
                    message, attempts=message.attempts + 1, last_error=error, due_at=retry_at
                )

    def outbox_messages(self, account_id: str | None = None) -> list[OutboxMessage]:
        with self._lock:
            messages = list(self._outbox.values())
        return [m for m in messages if account_id is None or m.account == account_id]

    def __repr__(self) -> str:
        return (
            f"MemoryStore({len(self._accounts)} accounts, {len(self._log)} audit rows, "
            f"{len(self._outbox)} outbox messages)"
        )
