"""Fixtures of the web example's tests: a server in a subprocess (uvicorn on 127.0.0.1, a free port), stopped
after each test whatever happens; its output goes to a file the tests read (no secret may be in it).

``pg_url`` is a fresh schema on the throw-away PostgreSQL server the store tests use (``tests/store/pg_server.py``,
or ``TWOFA_PG_URL``); without one the PostgreSQL test skips, saying why.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # `examples.webapp` (the server itself runs with the repository root as its cwd)
sys.path.insert(0, str(ROOT / "tests" / "store"))  # pg_server, shared with the store tests

from pg_server import PgServer, start_server  # noqa: E402

from examples.webapp.launch import Server, start  # noqa: E402
from examples.webapp.story import demo_env  # noqa: E402

StartServer = Callable[..., Server]


@pytest.fixture
def start_app(tmp_path: Path) -> Iterator[StartServer]:
    """``start_app(**env)``: a demo server (SQLite in tmp_path, dev endpoints, test clock, Olivia as Owner) with
    ``env`` on top; every server started is stopped at teardown."""
    started: list[Server] = []

    def _start(**env: str) -> Server:
        n = len(started)
        full = {**demo_env(tmp_path / f"twofa-{n}.db"), "TWOFA_PASSWORD_ITERATIONS": "1000", **env}
        server = start(full, log=tmp_path / f"server-{n}.log")
        started.append(server)
        return server

    try:
        yield _start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def server(start_app: StartServer) -> Server:
    return start_app()


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="session")
def webapp_pg_server() -> Iterator[PgServer]:
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


def as_url(conninfo: str, schema: str) -> str:
    """The libpq connection string as a ``postgresql://`` URL whose search_path is ``schema``."""
    from psycopg.conninfo import conninfo_to_dict

    params = {k: str(v) for k, v in conninfo_to_dict(conninfo).items()}
    user, dbname = params.pop("user", ""), params.pop("dbname", "")
    params.pop("options", None)
    params["options"] = f"-c search_path={schema}"
    password = params.pop("password", None)
    auth = quote(user) + (":" + quote(password) if password else "")
    return f"postgresql://{auth}@/{quote(dbname)}?{urlencode(params, quote_via=quote)}"


@pytest.fixture
def pg_url(webapp_pg_server: PgServer) -> Iterator[str]:
    if not webapp_pg_server.conninfo:
        pytest.skip(f"PostgreSQL story not run: {webapp_pg_server.reason}")
    import psycopg

    schema = f"webapp_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(webapp_pg_server.conninfo, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]
    try:
        yield as_url(webapp_pg_server.conninfo, schema)
    finally:
        with psycopg.connect(webapp_pg_server.conninfo, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")  # type: ignore[arg-type]
