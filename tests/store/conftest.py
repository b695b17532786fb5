"""The store tests run on every store: ``backend``/``store`` are parametrised over memory, SQLite and PostgreSQL,
``durable_backend`` over the two that processes share.  The PostgreSQL runs use a throw-away server the
session starts (``pg_server.py``), or ``TWOFA_PG_URL``; each test gets a schema of its own, dropped after it.
Without a server they skip, saying why (``pytest -ra`` prints it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import DURABLE, Backend
from pg_server import PgServer, start_server

from twofa_fsm import Store


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


def _backend(name: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Backend]:
    if name == "memory":
        yield Backend("memory")
        return
    if name == "sqlite":
        backend = Backend("sqlite", str(tmp_path / "twofa.db"))
        yield backend
        backend.close()
        return
    server: PgServer = request.getfixturevalue("pg_server")
    if not server.conninfo:
        pytest.skip(f"PostgreSQL store not tested: {server.reason}")
    import psycopg
    from psycopg.conninfo import make_conninfo

    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.conninfo, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]
    backend = Backend("postgres", make_conninfo(server.conninfo, options=f"-c search_path={schema}"))
    try:
        yield backend
    finally:
        backend.close()
        with psycopg.connect(server.conninfo, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")  # type: ignore[arg-type]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    yield from _backend(request.param, tmp_path, request)


@pytest.fixture(params=DURABLE)
def durable_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    yield from _backend(request.param, tmp_path, request)


@pytest.fixture
def store(backend: Backend) -> Store:
    return backend.open()


@pytest.fixture
def pg_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """PostgreSQL only (a schema of its own), for what only that store has: its connection errors and migrations."""
    yield from _backend("postgres", tmp_path, request)
