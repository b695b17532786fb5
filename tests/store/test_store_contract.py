"""The Store contract, on every implementation (memory, SQLite, PostgreSQL: the ``store`` fixture of conftest.py):
round trip, compare-and-set, audit in the same write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pydantic import SecretStr

from twofa_fsm import (
    Account,
    AccountExists,
    AccountNotFound,
    AuditRecord,
    ConcurrentUpdate,
    MemoryStore,
    PostgresStore,
    SqliteStore,
    Store,
)


def record(event: str, outcome: str = "allowed") -> AuditRecord:
    return AuditRecord(1.7e9, "adam", "admin", "mia", "acme", event, outcome, "enrolled", "reset_pending")


def mia(**update: object) -> Account:
    return Account(
        id="mia",
        org="acme",
        role="member",
        state="enrolled",
        bound_secret=SecretStr("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
        last_step=5,
    ).model_copy(update=update)


def test_is_a_store(store: Store) -> None:
    assert isinstance(store, Store)


def test_round_trip_keeps_secrets_and_replay_step(store: Store) -> None:
    store.create(mia(), [record("create_account")])
    loaded = store.load("mia")
    assert loaded == mia() and loaded.bound_secret is not None
    assert loaded.bound_secret.get_secret_value() == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" and loaded.last_step == 5
    with pytest.raises(AccountExists, match="already exists"):
        store.create(mia())
    with pytest.raises(AccountNotFound, match="create it first"):
        store.load("nobody")


def test_save_is_compare_and_set_with_its_audit(store: Store) -> None:
    store.create(mia(), [record("create_account")])
    store.save(mia(version=1, state="reset_pending", last_step=9), 0, [record("request_reset")])
    with pytest.raises(ConcurrentUpdate, match="reload the account and retry"):
        store.save(mia(version=1, state="locked_out"), 0, [record("report_lost_device")])
    assert store.load("mia").state == "reset_pending" and store.load("mia").last_step == 9
    log = store.audit_log("mia")
    assert [(e.record.event, e.seen_version, e.version) for e in log] == [
        ("create_account", None, 0),
        ("request_reset", 0, 1),
    ]
    assert [e.seq for e in log] == sorted(e.seq for e in log)


def test_save_refuses_nonsense(store: Store) -> None:
    store.create(mia())
    with pytest.raises(ValueError, match="not newer"):
        store.save(mia(version=0), 0)
    with pytest.raises(AccountNotFound):
        store.save(mia(id="ghost", version=1), 0)


def test_append_audit_and_filter(store: Store) -> None:
    store.create(mia())
    store.append_audit([record("login", "BadCode")], seen_version=0)
    store.append_audit([AuditRecord(1.7e9, "x", "member", "other", "acme", "login", "InvalidEvent", "a", "a")])
    assert [(e.record.outcome, e.seen_version, e.version) for e in store.audit_log("mia")] == [("BadCode", 0, None)]
    assert len(store.audit_log()) == 2


def test_count_role(store: Store) -> None:
    store.create(mia())
    store.create(Account(id="olivia", org="acme", role="owner", state="unenrolled"))
    store.create(Account(id="otto", org="other", role="owner", state="unenrolled"))
    assert isinstance(store, MemoryStore | SqliteStore | PostgresStore)
    assert (
        store.count_role("acme", "owner") == 1
        and store.count_role("acme", "member") == 1
        and store.count_role("acme", "admin") == 0
    )


def test_sqlite_reopens_and_is_wal(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with SqliteStore(path) as first:
        first.create(mia())
    with SqliteStore(path) as second:
        assert second.load("mia") == mia()
        assert second._conn().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert second.integrity_check() == "ok"
    with pytest.raises(ValueError, match="synchronous"):
        SqliteStore(path, synchronous="OFF")  # type: ignore[arg-type]


def test_sqlite_migrates_a_version_1_file_and_keeps_its_data(tmp_path: Path) -> None:
    from twofa_fsm.store.sqlite_schema import MIGRATIONS, SCHEMA_VERSION

    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)  # what the first release created
    conn.executescript(MIGRATIONS[1] + "PRAGMA user_version = 1;")
    conn.execute(
        "INSERT INTO accounts (id, org, role, state, version, data) VALUES (?, ?, ?, ?, ?, ?)",
        ("mia", "acme", "member", "enrolled", 0, mia().to_json()),
    )
    conn.commit()
    conn.close()
    with SqliteStore(path) as store:
        assert store.load("mia") == mia() and store.outbox_messages() == []
        assert store._conn().execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(RuntimeError, match="schema version 99 is newer than this library's 2; upgrade twofa-fsm"):
        SqliteStore(path)
