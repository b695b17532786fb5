"""PostgreSQL through psycopg 3: the contract of ``SqliteStore``, for several application servers on one database.

* ``pip install 'twofa-fsm[postgres]'`` brings psycopg; without it the library still imports, and
  ``PostgresStore(...)`` raises ``MissingDependency`` naming that extra.
* One connection per thread (and per process: a forked child opens its own), in autocommit mode;
  every write is one explicit transaction under PostgreSQL's default ``READ COMMITTED``.
* ``save`` is ``UPDATE twofa_accounts ... WHERE id = %s AND version = %s``: the row lock makes a second
  writer wait, and when the first commits PostgreSQL re-checks the ``WHERE`` on the new row, finds the
  version changed and updates nothing (``ConcurrentUpdate``).  The audit rows and outbox messages are
  inserted in the same transaction.  A client killed at any point leaves the last committed state: the
  server rolls its open transaction back and releases its locks when the connection drops.
* The account document (``jsonb``) holds the TOTP secrets, and a setup token stays in its outbox row
  until it is delivered: restrict access to these tables and encrypt the database at rest.
* The tables are created, and migrated, when the store opens (``postgres_setup``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from twofa_fsm.account import Account
from twofa_fsm.errors import MissingDependency, StoreUnavailable
from twofa_fsm.outbox import LEASE_SECONDS, OutboxMessage
from twofa_fsm.ports import AuditRecord
from twofa_fsm.store.base import AccountExists, AccountNotFound, check_claim, check_save, conflict
from twofa_fsm.store.postgres_queries import PostgresQueries
from twofa_fsm.store.postgres_setup import describe, ensure_schema, first_line, parse_conninfo, redact
from twofa_fsm.store.rows import AUDIT_COLUMNS, OUTBOX_COLUMNS, audit_rows, outbox_message, outbox_rows

try:
    import psycopg
except ImportError:  # the library imports without it; PostgresStore() says what to install
    psycopg = None  # type: ignore[assignment]

_INSERT_AUDIT = f"INSERT INTO twofa_audit ({AUDIT_COLUMNS}) VALUES ({'%s, ' * 10}%s::jsonb, %s, %s)"  # noqa: S608
_INSERT_OUTBOX = f"INSERT INTO twofa_outbox ({OUTBOX_COLUMNS}) VALUES ({', '.join(['%s'] * 9)})"  # noqa: S608
_CLAIM = (
    "UPDATE twofa_outbox SET due_at = %s WHERE seq IN (SELECT seq FROM twofa_outbox"  # noqa: S608 - fixed columns
    " WHERE delivered_at IS NULL AND due_at <= %s ORDER BY seq LIMIT %s FOR UPDATE SKIP LOCKED)"
    f" RETURNING {OUTBOX_COLUMNS}, seq"
)
CONNECT_TIMEOUT_SECONDS = 10


class PostgresStore(PostgresQueries):
    """Accounts, audit log and outbox in PostgreSQL tables (``twofa_*``).  Safe across threads and processes.

    ``conninfo``: a libpq connection string or URL, e.g. ``postgresql://twofa@db.internal/app`` or
    ``host=/run/postgresql dbname=app``; the tables go to the first schema of its ``search_path``.
    """

    def __init__(self, conninfo: str) -> None:
        if psycopg is None:
            raise MissingDependency(
                "PostgresStore needs psycopg 3, which is not installed: pip install 'twofa-fsm[postgres]'"
            )
        params = parse_conninfo(psycopg, conninfo)
        self.where = describe(params)
        self._conninfo = conninfo
        self._timeout: dict[str, Any] = (
            {} if "connect_timeout" in params else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
        )
        self._local = threading.local()
        self._all_lock = threading.Lock()
        self._all: list[psycopg.Connection[Any]] = []
        ensure_schema(self._conn(), self.where)

    # -- connections ------------------------------------------------------------------------

    def _open(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(self._conninfo, autocommit=True, **self._timeout)
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(
                f"cannot connect to PostgreSQL at {self.where} ({redact(self._conninfo)!r}): "
                f"{redact(first_line(exc), self._conninfo)}; "
                "check that the server runs and accepts this user, or fix the connection string"
            ) from None
        with self._all_lock:
            self._all.append(conn)
        return conn

    def _conn(self) -> psycopg.Connection[Any]:
        pid = os.getpid()
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken or getattr(self._local, "pid", None) != pid:
            conn = self._open()  # a dropped connection (server restart) is replaced on the next call
            self._local.conn, self._local.pid = conn, pid
        return conn

    @contextmanager
    def _write(self) -> Iterator[psycopg.Cursor[Any]]:
        """One write transaction, committed whole or rolled back whole (an exception rolls it back)."""
        conn = self._conn()
        with conn.transaction(), conn.cursor() as cur:
            yield cur

    def close(self) -> None:
        """Close every connection this store opened (call once, when no thread uses it any more)."""
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            with suppress(psycopg.Error):
                conn.close()
        self._local = threading.local()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the Store contract -----------------------------------------------------------------

    def create(self, account: Account, audit: Sequence[AuditRecord] = (), outbox: Sequence[OutboxMessage] = ()) -> None:
        with self._write() as cur:
            cur.execute(
                "INSERT INTO twofa_accounts (id, org, role, state, version, data)"
                " VALUES (%s, %s, %s, %s, %s, %s::jsonb) ON CONFLICT (id) DO NOTHING",
                (account.id, account.org, account.role, account.state, account.version, account.to_json()),
            )
            if cur.rowcount != 1:
                raise AccountExists(account.id)
            self._insert_audit(cur, audit, None, account.version)
            self._insert_outbox(cur, outbox)

    def save(
        self,
        account: Account,
        expected_version: int,
        audit: Sequence[AuditRecord] = (),
        outbox: Sequence[OutboxMessage] = (),
    ) -> None:
        check_save(account, expected_version)
        with self._write() as cur:
            cur.execute(
                "UPDATE twofa_accounts SET org = %s, role = %s, state = %s, version = %s, data = %s::jsonb"
                " WHERE id = %s AND version = %s",
                (
                    account.org,
                    account.role,
                    account.state,
                    account.version,
                    account.to_json(),
                    account.id,
                    expected_version,
                ),
            )
            if cur.rowcount != 1:
                row = cur.execute("SELECT version FROM twofa_accounts WHERE id = %s", (account.id,)).fetchone()
                if row is None:
                    raise AccountNotFound(account.id)
                raise conflict(account.id, expected_version, int(row[0]))
            self._insert_audit(cur, audit, expected_version, account.version)
            self._insert_outbox(cur, outbox)

    def append_audit(self, records: Sequence[AuditRecord], seen_version: int | None = None) -> None:
        if records:
            with self._write() as cur:
                self._insert_audit(cur, records, seen_version, None)

    def outbox_claim(self, now: float, *, lease: float = LEASE_SECONDS, limit: int = 100) -> list[OutboxMessage]:
        page = check_claim(lease, limit)
        with self._write() as cur:
            rows = cur.execute(_CLAIM, (now + lease, now, page)).fetchall()
        return [outbox_message(r[:-1]) for r in sorted(rows, key=lambda r: int(r[-1]))]

    def outbox_delivered(self, key: str, at: float) -> None:
        with self._write() as cur:
            # Lost in a crash, this mark only makes the message go out again under the same idempotency key
            # (at least once): the commit need not wait for the WAL flush.
            cur.execute("SET LOCAL synchronous_commit = off")
            cur.execute(
                "UPDATE twofa_outbox SET delivered_at = %s, token = NULL WHERE key = %s AND delivered_at IS NULL",
                (at, key),
            )

    def outbox_failed(self, key: str, *, error: str, retry_at: float) -> None:
        with self._write() as cur:
            cur.execute(
                "UPDATE twofa_outbox SET attempts = attempts + 1, last_error = %s, due_at = %s"
                " WHERE key = %s AND delivered_at IS NULL",
                (error, retry_at, key),
            )

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _insert_audit(
        cur: psycopg.Cursor[Any], records: Sequence[AuditRecord], seen: int | None, version: int | None
    ) -> None:
        if records:
            cur.executemany(_INSERT_AUDIT, audit_rows(records, seen, version))

    @staticmethod
    def _insert_outbox(cur: psycopg.Cursor[Any], messages: Sequence[OutboxMessage]) -> None:
        if messages:
            cur.executemany(_INSERT_OUTBOX, outbox_rows(messages))

    def __repr__(self) -> str:
        return f"PostgresStore({self.where!r})"
