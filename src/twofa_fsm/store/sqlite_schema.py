"""The tables of ``SqliteStore``, as migrations: ``PRAGMA user_version`` says how many are applied."""

from __future__ import annotations

SCHEMA_VERSION = 2
MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE IF NOT EXISTS accounts (
    id      TEXT PRIMARY KEY,
    org     TEXT NOT NULL,
    role    TEXT NOT NULL,
    state   TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 0),
    data    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           REAL NOT NULL,
    actor        TEXT NOT NULL,
    actor_role   TEXT NOT NULL,
    target       TEXT NOT NULL,
    org          TEXT NOT NULL,
    event        TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    source       TEXT NOT NULL,
    dest         TEXT NOT NULL,
    reason       TEXT NOT NULL,
    effects      TEXT NOT NULL,
    seen_version INTEGER,
    version      INTEGER
);
CREATE INDEX IF NOT EXISTS audit_by_target ON audit (target, seq);
CREATE INDEX IF NOT EXISTS accounts_by_org_role ON accounts (org, role);
""",
    2: """
CREATE TABLE IF NOT EXISTS outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    key          TEXT NOT NULL UNIQUE,
    account      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    at           REAL NOT NULL,
    token        TEXT,
    due_at       REAL NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    delivered_at REAL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (due_at) WHERE delivered_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_by_account ON outbox (account, seq);
""",
}


def statements(found: int) -> list[str]:
    """The DDL statements that bring a file at schema version ``found`` to ``SCHEMA_VERSION``, one by one."""
    script = "".join(MIGRATIONS[v] for v in range(found + 1, SCHEMA_VERSION + 1))
    return [s.strip() for s in script.split(";") if s.strip()]
