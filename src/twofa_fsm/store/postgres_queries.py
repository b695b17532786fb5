"""The read-only queries of ``PostgresStore``: the directory, listings, the audit log and the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twofa_fsm.account import Account
from twofa_fsm.outbox import OutboxMessage
from twofa_fsm.store.base import AccountNotFound, AuditEntry
from twofa_fsm.store.rows import AUDIT_COLUMNS, OUTBOX_COLUMNS, audit_entry, outbox_message

if TYPE_CHECKING:
    import psycopg

MAX_PAGE = 1000
SELECT_AUDIT = f"SELECT seq, {AUDIT_COLUMNS.replace('effects', 'effects::text')} FROM twofa_audit"  # noqa: S608
SELECT_OUTBOX = f"SELECT {OUTBOX_COLUMNS} FROM twofa_outbox"  # noqa: S608 - fixed columns


class PostgresQueries:
    """Mixed into ``PostgresStore``, which provides ``_conn()``."""

    def _conn(self) -> psycopg.Connection[Any]:
        raise NotImplementedError

    def load(self, account_id: str) -> Account:
        """The stored account; raises ``AccountNotFound``."""
        row = self._conn().execute("SELECT data::text FROM twofa_accounts WHERE id = %s", (account_id,)).fetchone()
        if row is None:
            raise AccountNotFound(account_id)
        return Account.from_json(row[0])

    def count_role(self, org: str, role: str) -> int:
        """How many stored accounts of ``org`` hold ``role`` (the engine's ``Directory``: the sole-owner rule)."""
        row = (
            self._conn()
            .execute("SELECT count(*) FROM twofa_accounts WHERE org = %s AND role = %s", (org, role))
            .fetchone()
        )
        return 0 if row is None else int(row[0])

    def count_able_to_act(self, org: str, role: str, *, exclude: str, states: frozenset[str]) -> int:
        """Accounts of ``org`` with ``role``, other than ``exclude``, in one of ``states`` (who can still act)."""
        row = (
            self._conn()
            .execute(
                "SELECT count(*) FROM twofa_accounts WHERE org = %s AND role = %s AND id <> %s AND state = ANY(%s)",
                (org, role, exclude, sorted(states)),
            )
            .fetchone()
        )
        return 0 if row is None else int(row[0])

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
        rows = (
            self._conn()
            .execute(
                "SELECT data::text FROM twofa_accounts WHERE id > %s"
                " AND (%s::text IS NULL OR org = %s) AND (%s::text IS NULL OR state = %s)"
                " AND (%s::text IS NULL OR role = %s) ORDER BY id LIMIT %s",
                (after or "", org, org, state, state, role, role, max(1, min(limit, MAX_PAGE))),
            )
            .fetchall()
        )
        return [Account.from_json(row[0]) for row in rows]

    def audit_log(self, account_id: str | None = None) -> list[AuditEntry]:
        """The audit log in commit order, for one target account or all."""
        rows = (
            self._conn()
            .execute(SELECT_AUDIT + " WHERE (%s::text IS NULL OR target = %s) ORDER BY seq", (account_id, account_id))
            .fetchall()
        )
        return [audit_entry(r) for r in rows]

    def outbox_messages(self, account_id: str | None = None) -> list[OutboxMessage]:
        """Every outbox message, delivered or not, oldest first, for one account or all."""
        rows = (
            self._conn()
            .execute(
                SELECT_OUTBOX + " WHERE (%s::text IS NULL OR account = %s) ORDER BY seq",
                (account_id, account_id),
            )
            .fetchall()
        )
        return [outbox_message(r) for r in rows]
