"""What only ``PostgresStore`` has: clear one-line errors for a bad or unreachable server, psycopg as an optional
dependency, and the tables it creates and migrates itself.  The contract itself is tested with the other stores."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from backends import Backend

from twofa_fsm import Account, MissingDependency, PostgresStore, StoreConfigError, StoreError, StoreUnavailable
from twofa_fsm.store.postgres_setup import MIGRATIONS, SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "conninfo",
    [
        "mysql://app:s3cret-pw@db/app",
        "host=db password=s3cret-pw dbname",
        "postgresql://app:s3cret-pw@db/app?nosuchoption=1",
    ],
)
def test_a_bad_connection_string_is_one_line_naming_it_without_its_password(conninfo: str) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreConfigError) as caught:
        PostgresStore(conninfo)
    text = str(caught.value)
    assert "\n" not in text and "s3cret-pw" not in text and "***" in text
    assert "not a PostgreSQL connection string" in text and "postgresql://USER:PASSWORD@HOST:PORT/DBNAME" in text
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("conninfo", ["", "   ", None, 5432])
def test_no_connection_string_at_all_is_refused(conninfo: object) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreConfigError, match="PostgresStore needs a connection string, not"):
        PostgresStore(conninfo)  # type: ignore[arg-type]


def test_an_unreachable_server_is_one_line_naming_where(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreUnavailable) as caught:
        PostgresStore(f"host={tmp_path} port=5999 dbname=app user=app password=s3cret-pw connect_timeout=2")
    text = str(caught.value)
    assert text.startswith(f"cannot connect to PostgreSQL at {tmp_path}:5999/app")
    assert "\n" not in text and "s3cret-pw" not in text and "check that the server runs" in text
    assert isinstance(caught.value, ConnectionError)


def test_the_library_imports_without_psycopg_and_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['psycopg'] = None\n"  # as if psycopg were not installed
        "import twofa_fsm\n"
        "try:\n"
        "    twofa_fsm.PostgresStore('host=db dbname=app')\n"
        "except twofa_fsm.MissingDependency as err:\n"
        "    print(isinstance(err, ImportError), err)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == (
        "True PostgresStore needs psycopg 3, which is not installed: pip install 'twofa-fsm[postgres]'"
    )
    assert issubclass(MissingDependency, StoreError)


def test_the_store_migrates_a_version_1_schema_and_keeps_its_data(pg_backend: Backend) -> None:
    import psycopg

    with psycopg.connect(pg_backend.target, autocommit=True) as conn:  # what the first release created
        for statement in MIGRATIONS[1].split(";"):
            if statement.strip():
                conn.execute(statement)  # type: ignore[arg-type]
        conn.execute("INSERT INTO twofa_schema (version) VALUES (1)")
        conn.execute(
            "INSERT INTO twofa_accounts (id, org, role, state, version, data) VALUES (%s, %s, %s, %s, %s, %s::jsonb)",
            (
                "mia",
                "acme",
                "member",
                "unenrolled",
                0,
                Account(id="mia", org="acme", role="member", state="unenrolled").to_json(),
            ),
        )
    store = pg_backend.open()
    assert store.load("mia").id == "mia" and store.outbox_messages() == []
    assert pg_backend.rows("SELECT version FROM twofa_schema") == [(SCHEMA_VERSION,)]
    pg_backend.open()  # opening again changes nothing
    assert pg_backend.rows("SELECT version FROM twofa_schema") == [(SCHEMA_VERSION,)]


def test_a_newer_schema_is_refused(pg_backend: Backend) -> None:
    pg_backend.open()
    pg_backend.rows("UPDATE twofa_schema SET version = 99 RETURNING version")
    with pytest.raises(StoreError, match="twofa schema version 99 is newer than this library's 2; upgrade twofa-fsm"):
        pg_backend.open()


def test_without_a_server_the_postgres_tests_skip_saying_why(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psycopg")
    import pg_server

    monkeypatch.delenv(pg_server.ENV, raising=False)
    monkeypatch.setattr(pg_server, "bindir", lambda: None)
    server = pg_server.start_server()
    assert server.conninfo == "" and server.home is None
    assert "no PostgreSQL server binaries" in server.reason and "bash tools/ensure-postgres.sh" in server.reason
    monkeypatch.setenv(pg_server.ENV, "host=/nonexistent-dir dbname=x connect_timeout=2")
    with pytest.raises(RuntimeError, match="TWOFA_PG_URL is set but its server cannot be used"):
        pg_server.start_server()  # a server named on purpose must work: an error, not a skip


def test_a_dropped_connection_is_replaced_on_the_next_call(pg_backend: Backend) -> None:
    import psycopg

    store = pg_backend.open()
    assert isinstance(store, PostgresStore)
    store.create(Account(id="mia", org="acme", role="member", state="unenrolled"))
    pid = store._conn().info.backend_pid  # this thread's connection
    with psycopg.connect(pg_backend.target, autocommit=True) as admin:  # as a server restart would
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
    with pytest.raises(psycopg.OperationalError):
        store.load("mia")  # the call that finds the connection gone fails, as any query would
    assert store.load("mia").id == "mia"  # the next one reconnects
