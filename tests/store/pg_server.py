"""A throw-away PostgreSQL server for the store tests, or the one ``TWOFA_PG_URL`` names.

``start_server()`` runs ``initdb`` into a fresh temporary directory and ``pg_ctl start`` on a Unix
socket inside it (no TCP port), as the ``postgres`` OS user when the tests run as root (``initdb``
refuses root), creates the database ``twofa_test`` and returns its connection string.  The binaries
come from ``/usr/lib/postgresql/*/bin`` (Debian's ``postgresql`` package: ``bash tools/ensure-postgres.sh``
installs it); ``pg_ctl`` on the ``PATH`` may be Debian's wrapper, which wants a cluster of its own.
When no server can be had, ``PgServer.reason`` says why, and the PostgreSQL tests skip with it.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ENV = "TWOFA_PG_URL"
DATABASE = "twofa_test"
HOW = f"run `bash tools/ensure-postgres.sh` (as root), or set {ENV} to a server the tests may create schemas in"


@dataclass
class PgServer:
    """A server the tests may use (``conninfo``), or why there is none (``reason``)."""

    conninfo: str = ""
    reason: str = ""
    home: Path | None = None  # the temporary directory of a server we started
    bindir: Path | None = None
    owner: str | None = None  # the OS user the server runs as, when it is not us
    log: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.home is None or self.bindir is None:
            return
        try:
            _run(self, [str(self.bindir / "pg_ctl"), "-D", str(self.home / "data"), "stop", "-m", "fast", "-w"])
        finally:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None


def bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` that has ``initdb``, ``pg_ctl`` and ``postgres``."""
    found = [
        d
        for d in Path("/usr/lib/postgresql").glob("*/bin")
        if all((d / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres"))
    ]
    numbers = [(int(m.group()) if (m := re.match(r"\d+", d.parent.name)) else 0, d) for d in found]
    return max(numbers)[1] if numbers else None


def _run(server: PgServer, argv: list[str]) -> None:
    """Run a server tool as the server's owner; raise with the tool's last words when it fails."""
    tool = Path(argv[0]).name
    if server.owner is not None:
        runuser = shutil.which("runuser")
        argv = [runuser, "-u", server.owner, "--", *argv] if runuser else ["su", server.owner, "-c", shlex.join(argv)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd="/")
    server.log.append(f"$ {shlex.join(argv)}\n{done.stdout}{done.stderr}")
    if done.returncode != 0:
        raise RuntimeError(f"{tool} failed: {(done.stderr or done.stdout).strip()[-500:]}")


def start_server(*, durable: bool = False) -> PgServer:
    """A server of our own in a temporary directory, or a ``PgServer`` whose ``reason`` says why not.

    The tests' server skips every flush (``fsync=off``): the tests check behaviour, not durability.
    ``durable``: PostgreSQL's defaults (``fsync``, ``synchronous_commit=on``), for the benchmarks."""
    try:
        import psycopg
    except ImportError:
        return PgServer(reason="psycopg is not installed: pip install 'twofa-fsm[postgres]'")
    env_url = os.environ.get(ENV, "").strip()
    if env_url:
        return _external(psycopg, env_url)
    tools = bindir()
    if tools is None:
        return PgServer(reason=f"no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: {HOW}")
    server = PgServer(bindir=tools)
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            return PgServer(reason=f"running as root and there is no 'postgres' OS user to run the server: {HOW}")
        server.owner = "postgres"
    server.home = Path(tempfile.mkdtemp(prefix="twofa-pg-", dir="/tmp"))
    if server.owner is not None:
        os.chown(server.home, account.pw_uid, account.pw_gid)
    try:
        server.conninfo = _initdb_and_start(psycopg, server, durable)
    except (RuntimeError, OSError, subprocess.SubprocessError, psycopg.Error) as exc:
        server.stop()
        return PgServer(reason=f"could not start a PostgreSQL server: {exc}")
    return server


def _initdb_and_start(psycopg: object, server: PgServer, durable: bool) -> str:
    assert server.home is not None and server.bindir is not None
    data, socket = server.home / "data", server.home
    _run(
        server,
        [str(server.bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        + ["--no-locale", "--no-sync"],
    )
    settings = f"-k {socket} -c listen_addresses=''"
    if not durable:
        settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    log = server.home / "server.log"
    _run(
        server,
        [str(server.bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", settings, "start"],
    )
    admin = f"host={socket} port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:  # type: ignore[attr-defined]
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return f"host={socket} port=5432 user=postgres dbname={DATABASE}"


def _external(psycopg: object, url: str) -> PgServer:
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:  # type: ignore[attr-defined]
            conn.execute("SELECT 1")
    except Exception as exc:
        raise RuntimeError(f"{ENV} is set but its server cannot be used: {str(exc).strip().splitlines()[0]}") from None
    return PgServer(conninfo=url)
