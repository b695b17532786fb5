"""The read-only queries of ``SqliteStore``: the directory (who holds a role, who can still act) and listings."""

from __future__ import annotations

import sqlite3

from twofa_fsm.account import Account

MAX_PAGE = 1000


class SqliteQueries:
    """Mixed into ``SqliteStore``, which provides ``_conn()``."""

    def _conn(self) -> sqlite3.Connection:
        raise NotImplementedError

    def count_role(self, org: str, role: str) -> int:
        """How many stored accounts of ``org`` hold ``role`` (the engine's ``Directory``: the sole-owner rule)."""
        row = self._conn().execute("SELECT count(*) FROM accounts WHERE org = ? AND role = ?", (org, role)).fetchone()
        return int(row[0])

    def count_able_to_act(self, org: str, role: str, *, exclude: str, states: frozenset[str]) -> int:
        """Accounts of ``org`` with ``role``, other than ``exclude``, in one of ``states`` (who can still act)."""
        marks = ",".join("?" * len(states)) or "NULL"
        sql = f"SELECT count(*) FROM accounts WHERE org = ? AND role = ? AND id != ? AND state IN ({marks})"  # noqa: S608 - only placeholders
        row = self._conn().execute(sql, (org, role, exclude, *sorted(states))).fetchone()
        return int(row[0])

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
        where, params = ["id > ?"], [after or ""]
        for column, value in (("org", org), ("state", state), ("role", role)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT data FROM accounts WHERE {' AND '.join(where)} ORDER BY id LIMIT ?"  # noqa: S608 - fixed columns
        rows = self._conn().execute(sql, (*params, max(1, min(limit, MAX_PAGE)))).fetchall()
        return [Account.from_json(row[0]) for row in rows]
