"""What ``PostgresStore`` does before its first query: check the connection string, create or migrate the tables.

The tables (``twofa_accounts``, ``twofa_audit``, ``twofa_outbox``, ``twofa_schema``) go to the first
schema of the connection's ``search_path``, so a store can live in an application's own database.  The
schema is migrated in one transaction under an advisory lock, so that servers starting together do not race.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from twofa_fsm.errors import StoreConfigError, StoreError

if TYPE_CHECKING:
    import psycopg

SCHEMA_VERSION = 2
MIGRATION_LOCK = 0x74776F666173  # pg_advisory_xact_lock key: "twofas"
FORMS = "write 'postgresql://USER:PASSWORD@HOST:PORT/DBNAME' or 'host=HOST port=PORT dbname=DBNAME user=USER'"
MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE IF NOT EXISTS twofa_schema (version integer NOT NULL);
CREATE TABLE IF NOT EXISTS twofa_accounts (
    id      text COLLATE "C" PRIMARY KEY,
    org     text NOT NULL,
    role    text NOT NULL,
    state   text NOT NULL,
    version integer NOT NULL CHECK (version >= 0),
    data    jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS twofa_audit (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           double precision NOT NULL,
    actor        text NOT NULL,
    actor_role   text NOT NULL,
    target       text NOT NULL,
    org          text NOT NULL,
    event        text NOT NULL,
    outcome      text NOT NULL,
    source       text NOT NULL,
    dest         text NOT NULL,
    reason       text NOT NULL,
    effects      jsonb NOT NULL,
    seen_version integer,
    version      integer
);
CREATE INDEX IF NOT EXISTS twofa_audit_by_target ON twofa_audit (target, seq);
CREATE INDEX IF NOT EXISTS twofa_accounts_by_org_role ON twofa_accounts (org, role);
""",
    2: """
CREATE TABLE IF NOT EXISTS twofa_outbox (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key          text NOT NULL UNIQUE,
    account      text NOT NULL,
    kind         text NOT NULL,
    at           double precision NOT NULL,
    token        text,
    due_at       double precision NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text NOT NULL DEFAULT '',
    delivered_at double precision
);
CREATE INDEX IF NOT EXISTS twofa_outbox_due ON twofa_outbox (due_at) WHERE delivered_at IS NULL;
CREATE INDEX IF NOT EXISTS twofa_outbox_by_account ON twofa_outbox (account, seq);
""",
}
_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def redact(text: str, conninfo: str = "") -> str:
    """``text`` (a connection string, or a driver's message quoting one) with any password replaced by ``***``:
    those it spells out, and those of ``conninfo``."""
    secrets = [m.group(2) for m in _PASSWORD.finditer(conninfo)]
    secrets += [m.group()[len(m.group(1)) : -1] for m in _URL_PASSWORD.finditer(conninfo)]
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, "***")
    return _URL_PASSWORD.sub(r"\1***@", _PASSWORD.sub(r"\1***", text))


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def parse_conninfo(pg: Any, conninfo: object) -> dict[str, Any]:
    """The parameters of a libpq connection string or URL, or a one-line ``StoreConfigError`` naming it."""
    if not isinstance(conninfo, str) or not conninfo.strip():
        raise StoreConfigError(f"PostgresStore needs a connection string, not {conninfo!r}: {FORMS}")
    try:
        params: dict[str, Any] = pg.conninfo.conninfo_to_dict(conninfo)
    except pg.ProgrammingError as exc:
        raise StoreConfigError(
            f"not a PostgreSQL connection string: {redact(conninfo)!r} ({redact(first_line(exc), conninfo)}); {FORMS}"
        ) from None
    return params


def describe(params: dict[str, Any]) -> str:
    """Where a connection goes, without its password: ``HOST:PORT/DBNAME``."""
    host = params.get("host") or params.get("hostaddr") or "localhost"
    return f"{host}:{params.get('port') or 5432}/{params.get('dbname') or params.get('user') or '(default)'}"


def statements(found: int) -> list[str]:
    """The DDL statements that bring a database at schema version ``found`` to ``SCHEMA_VERSION``."""
    script = "".join(MIGRATIONS[v] for v in range(found + 1, SCHEMA_VERSION + 1))
    return [s.strip() for s in script.split(";") if s.strip()]


def schema_version(conn: psycopg.Connection[Any]) -> int:
    """The schema version of the tables the connection sees (0: none yet)."""
    row = conn.execute("SELECT to_regclass('twofa_schema') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return 0
    found = conn.execute("SELECT max(version) FROM twofa_schema").fetchone()
    return 0 if found is None or found[0] is None else int(found[0])


def ensure_schema(conn: psycopg.Connection[Any], where: str) -> None:
    """Create the tables, or migrate them to ``SCHEMA_VERSION``; refuse a newer schema."""
    found = schema_version(conn)
    if found > SCHEMA_VERSION:
        raise StoreError(
            f"PostgreSQL at {where}: twofa schema version {found} is newer than this library's {SCHEMA_VERSION}; "
            "upgrade twofa-fsm"
        )
    if found == SCHEMA_VERSION:
        return  # already set up: opening takes no lock
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        for statement in statements(schema_version(conn)):  # another server may have migrated meanwhile
            conn.execute(statement)
        conn.execute("DELETE FROM twofa_schema")
        conn.execute("INSERT INTO twofa_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
