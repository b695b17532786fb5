"""The embedded default store: standard-library ``sqlite3`` in WAL mode.

* One connection per thread (and per process: a forked child opens its own).
* Every write is one ``BEGIN IMMEDIATE`` transaction: the compare-and-set
  ``UPDATE accounts ... WHERE id = ? AND version = ?`` (rowcount 1 or
  ``ConcurrentUpdate``) and the ``INSERT`` of the attempt's audit rows commit
  together or not at all.  A writer killed at any point leaves the last
  committed state intact (SQLite rolls back the unfinished transaction).
* Writers in one process queue on a lock before taking SQLite's write lock, so
  threads do not spin in SQLite's busy handler; other processes wait up to
  ``busy_timeout_ms``.
* The outbox rows of a change are inserted in its transaction too; a setup token
  stays in its row until it is delivered.
* The account document holds the TOTP secrets (it must: the server recomputes
  codes).  Protect the file like a password database (permissions, disk encryption).
* The schema is created, and migrated from older versions, when the store opens
  (``PRAGMA user_version``; see ``sqlite_schema``).
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Literal

from twofa_fsm.account import Account
from twofa_fsm.outbox import LEASE_SECONDS, OutboxMessage
from twofa_fsm.ports import AuditRecord
from twofa_fsm.store.base import AccountExists, AccountNotFound, AuditEntry, check_claim, check_save, conflict
from twofa_fsm.store.rows import AUDIT_COLUMNS, OUTBOX_COLUMNS, audit_entry, audit_rows, outbox_message, outbox_rows
from twofa_fsm.store.sqlite_queries import SqliteQueries
from twofa_fsm.store.sqlite_schema import SCHEMA_VERSION, statements

_INSERT_AUDIT = f"INSERT INTO audit ({AUDIT_COLUMNS}) VALUES ({', '.join('?' * 13)})"  # noqa: S608 - fixed columns
_SELECT_AUDIT = f"SELECT seq, {AUDIT_COLUMNS} FROM audit"  # noqa: S608 - fixed columns
_INSERT_OUTBOX = f"INSERT INTO outbox ({OUTBOX_COLUMNS}) VALUES ({', '.join('?' * 9)})"  # noqa: S608 - fixed columns
_SELECT_OUTBOX = f"SELECT {OUTBOX_COLUMNS} FROM outbox"  # noqa: S608 - fixed columns

Synchronous = Literal["FULL", "NORMAL", "EXTRA"]


class SqliteStore(SqliteQueries):
    """Accounts, audit log and outbox in one SQLite file (WAL).  Safe across threads and processes."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 15_000, synchronous: Synchronous = "FULL") -> None:
        if synchronous not in ("FULL", "NORMAL", "EXTRA"):
            raise ValueError(f"synchronous must be FULL, NORMAL or EXTRA, not {synchronous!r}")
        if busy_timeout_ms < 0:
            raise ValueError(f"busy_timeout_ms must be >= 0, not {busy_timeout_ms!r}")
        self.path = Path(path)
        self.busy_timeout_ms = int(busy_timeout_ms)
        self.synchronous: Synchronous = synchronous
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._all_lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._init_schema()

    # -- connections ------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")
        conn.execute(f"PRAGMA synchronous = {self.synchronous}")
        with self._all_lock:
            self._all.append(conn)
        return conn

    def _conn(self) -> sqlite3.Connection:
        pid = os.getpid()
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != pid:
            conn = self._open()
            self._local.conn, self._local.pid = conn, pid
        return conn

    def _init_schema(self) -> None:
        conn = self._conn()
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RuntimeError(
                f"{self.path}: SQLite refused WAL mode (got {mode!r}); use a local file, not a network share or "
                "':memory:'"
            )
        found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if found > SCHEMA_VERSION:
            raise RuntimeError(
                f"{self.path}: schema version {found} is newer than this library's {SCHEMA_VERSION}; upgrade twofa-fsm"
            )
        if found == SCHEMA_VERSION:
            return  # already set up: opening must not wait for the write lock
        with self._write() as conn:  # another process may have migrated meanwhile: read the version again
            for statement in statements(int(conn.execute("PRAGMA user_version").fetchone()[0])):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _write(self, *, lazy: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed whole or rolled back whole: a failure anywhere in it, the
        ``COMMIT`` included, rolls it back before the error propagates, so the file stays unlocked and a
        later write on this connection never commits what the failed one left behind.

        ``lazy``: commit without waiting for the disk (``synchronous = NORMAL`` for this one transaction),
        only for writes whose loss in a power cut is harmless (an outbox message marked delivered: it is
        sent again under the same idempotency key)."""
        with self._write_lock:
            conn = self._conn()
            if conn.in_transaction:  # never join (and so commit) a transaction some earlier failure left open
                self._roll_back(conn)
                conn = self._conn()
            if lazy:
                conn.execute("PRAGMA synchronous = NORMAL")
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                self._roll_back(conn)
                raise
            finally:
                if lazy:
                    with suppress(sqlite3.Error):
                        conn.execute(f"PRAGMA synchronous = {self.synchronous}")

    def _roll_back(self, conn: sqlite3.Connection) -> None:
        """End ``conn``'s open transaction, if any, without committing it.  If ``ROLLBACK`` fails too (or is
        interrupted), close the connection (SQLite rolls back on close) and forget it: this thread's next
        call opens a fresh one.  The caller re-raises the error that caused the rollback."""
        rolled_back = False
        try:
            with suppress(sqlite3.Error):  # the error that caused the rollback is the one to report
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                rolled_back = not conn.in_transaction
        finally:
            if not rolled_back:
                self._forget(conn)

    def _forget(self, conn: sqlite3.Connection) -> None:
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None
        with self._all_lock:
            self._all = [c for c in self._all if c is not conn]
        with suppress(sqlite3.Error):
            conn.close()

    def close(self) -> None:
        """Close every connection this store opened (call once, when no thread uses it any more)."""
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
        self._local = threading.local()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the Store contract -----------------------------------------------------------------

    def load(self, account_id: str) -> Account:
        row = self._conn().execute("SELECT data FROM accounts WHERE id = ?", (account_id,)).fetchone()
        if row is None:
            raise AccountNotFound(account_id)
        return Account.from_json(row[0])

    def create(self, account: Account, audit: Sequence[AuditRecord] = (), outbox: Sequence[OutboxMessage] = ()) -> None:
        with self._write() as conn:
            try:
                conn.execute(
                    "INSERT INTO accounts (id, org, role, state, version, data) VALUES (?, ?, ?, ?, ?, ?)",
                    (account.id, account.org, account.role, account.state, account.version, account.to_json()),
                )
            except sqlite3.IntegrityError:
                raise AccountExists(account.id) from None
            self._insert_audit(conn, audit, None, account.version)
            conn.executemany(_INSERT_OUTBOX, outbox_rows(outbox))

    def save(
        self,
        account: Account,
        expected_version: int,
        audit: Sequence[AuditRecord] = (),
        outbox: Sequence[OutboxMessage] = (),
    ) -> None:
        check_save(account, expected_version)
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE accounts SET org = ?, role = ?, state = ?, version = ?, data = ? WHERE id = ? AND version = ?",
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
                row = conn.execute("SELECT version FROM accounts WHERE id = ?", (account.id,)).fetchone()
                if row is None:
                    raise AccountNotFound(account.id)
                raise conflict(account.id, expected_version, int(row[0]))
            self._insert_audit(conn, audit, expected_version, account.version)
            conn.executemany(_INSERT_OUTBOX, outbox_rows(outbox))

    def append_audit(self, records: Sequence[AuditRecord], seen_version: int | None = None) -> None:
        if records:
            with self._write() as conn:
                self._insert_audit(conn, records, seen_version, None)

    def audit_log(self, account_id: str | None = None) -> list[AuditEntry]:
        sql = _SELECT_AUDIT
        params: tuple[str, ...] = ()
        if account_id is not None:
            sql, params = sql + " WHERE target = ?", (account_id,)
        rows = self._conn().execute(sql + " ORDER BY seq", params).fetchall()
        return [audit_entry(r) for r in rows]

    def outbox_claim(self, now: float, *, lease: float = LEASE_SECONDS, limit: int = 100) -> list[OutboxMessage]:
        page = check_claim(lease, limit)
        with self._write() as conn:
            rows = conn.execute(
                _SELECT_OUTBOX + " WHERE delivered_at IS NULL AND due_at <= ? ORDER BY seq LIMIT ?", (now, page)
            ).fetchall()
            conn.executemany("UPDATE outbox SET due_at = ? WHERE key = ?", [(now + lease, r[0]) for r in rows])
        return [dataclasses.replace(outbox_message(r), due_at=now + lease) for r in rows]

    def outbox_delivered(self, key: str, at: float) -> None:
        with self._write(lazy=True) as conn:  # lost in a power cut: the message goes out again, same key
            conn.execute(
                "UPDATE outbox SET delivered_at = ?, token = NULL WHERE key = ? AND delivered_at IS NULL", (at, key)
            )

    def outbox_failed(self, key: str, *, error: str, retry_at: float) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, due_at = ? "
                "WHERE key = ? AND delivered_at IS NULL",
                (error, retry_at, key),
            )

    def outbox_messages(self, account_id: str | None = None) -> list[OutboxMessage]:
        where, params = ("", ()) if account_id is None else (" WHERE account = ?", (account_id,))
        rows = self._conn().execute(_SELECT_OUTBOX + where + " ORDER BY seq", params).fetchall()
        return [outbox_message(r) for r in rows]

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _insert_audit(
        conn: sqlite3.Connection, records: Sequence[AuditRecord], seen: int | None, version: int | None
    ) -> None:
        conn.executemany(_INSERT_AUDIT, audit_rows(records, seen, version))

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check``: ``"ok"`` for a sound file."""
        return str(self._conn().execute("PRAGMA integrity_check").fetchone()[0])

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"
