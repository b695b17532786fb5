"""Start the example server in a subprocess on 127.0.0.1 and a free port, wait until it answers, stop it.

Used by ``story.py`` (``make demo``) and by the tests (``tests/webapp``)::

    with launched({"TWOFA_DEV_ENDPOINTS": "1"}) as server:
        httpx.get(server.url + "/healthz")
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[2]  # the repository root: `python -m examples.webapp` runs from there
START_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running server: its base URL and process; ``log`` is where its output goes."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path | None

    def output(self) -> str:
        """What the server printed so far (when it prints to a file)."""
        return self.log.read_text(errors="replace") if self.log is not None and self.log.exists() else ""

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _wait_until_up(server: Server, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode}: {server.output()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT} s: {server.output()[-2000:]}")


def start(env: Mapping[str, str], *, log: Path | None = None, port: int | None = None) -> Server:
    """Start ``python -m examples.webapp`` with ``env`` added to this process's environment."""
    port = port if port is not None else free_port()
    argv = [sys.executable, "-m", "examples.webapp", "--host", "127.0.0.1", "--port", str(port)]
    full = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
    sink: IO[bytes] | int = log.open("wb") if log is not None else subprocess.DEVNULL
    try:
        process = subprocess.Popen(argv, cwd=ROOT, env=full, stdout=sink, stderr=subprocess.STDOUT)  # noqa: S603
    finally:
        if not isinstance(sink, int):
            sink.close()  # the child holds its own copy
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_up(server, time.monotonic() + START_TIMEOUT)
    except BaseException:
        server.stop()
        raise
    return server


@contextlib.contextmanager
def launched(env: Mapping[str, str], *, log: Path | None = None) -> Iterator[Server]:
    """A running server for the ``with`` block; stopped afterwards, whatever happens."""
    server = start(env, log=log)
    try:
        yield server
    finally:
        server.stop()
