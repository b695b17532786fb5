"""The server ``conform_driver.HttpDriver`` tests when it is given none: one per process and spec, started on
127.0.0.1 (a free port) with the test clock and the dev endpoints, and stopped when the process exits.

``TWOFA_CONFORM_URL`` names a running server instead (started with ``TWOFA_DEV_ENDPOINTS=1``,
``TWOFA_TEST_CLOCK=1`` and ``TWOFA_WORKER_SECONDS=0``); ``TWOFA_CONFORM_LOG`` is where the started server's
output goes; ``TWOFA_CONFORM_BROKEN`` starts it broken on purpose (``TWOFA_BROKEN``, a test fixture).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

import httpx

from .launch import Server, start

URL_VAR, LOG_VAR, BROKEN_VAR = "TWOFA_CONFORM_URL", "TWOFA_CONFORM_LOG", "TWOFA_CONFORM_BROKEN"
_servers: dict[tuple[str, str], Server] = {}
_clients: dict[str, httpx.Client] = {}
_lock = threading.Lock()


def server_env(spec: Path, folder: Path, broken: str = "") -> dict[str, str]:
    """The settings of a server for the conformance run: every timer fired by the harness, not by a worker."""
    env = {
        "TWOFA_DEV_ENDPOINTS": "1", "TWOFA_TEST_CLOCK": "1", "TWOFA_WORKER_SECONDS": "0",
        "TWOFA_PASSWORD_ITERATIONS": "1000", "TWOFA_SPEC_PATH": str(spec.resolve()),
        "TWOFA_SQLITE_PATH": str(folder / "conform.db"), "TWOFA_DATABASE_URL": "", "TWOFA_BOOTSTRAP_OWNER": "",
    }  # fmt: skip
    return {**env, "TWOFA_BROKEN": broken} if broken else env


def base_url(spec: str | Path) -> str:
    """``TWOFA_CONFORM_URL``, or the URL of this process's own server for ``spec`` (started on first use)."""
    given = os.environ.get(URL_VAR, "").strip()
    if given:
        return given.rstrip("/")
    broken = os.environ.get(BROKEN_VAR, "").strip()
    key = (str(Path(spec).resolve()), broken)
    with _lock:
        if key not in _servers:
            folder = Path(tempfile.mkdtemp(prefix="twofa-conform-"))
            log = os.environ.get(LOG_VAR, "").strip()
            server = start(server_env(Path(spec), folder, broken), log=Path(log) if log else None)
            atexit.register(_stop, server, folder)
            _servers[key] = server
        return _servers[key].url


def client(url: str) -> httpx.Client:
    """One keep-alive client per server, shared by every driver of this process."""
    with _lock:
        if url not in _clients:
            _clients[url] = httpx.Client(base_url=url, timeout=30)
            atexit.register(_clients[url].close)
        return _clients[url]


def _stop(server: Server, folder: Path) -> None:
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)
