"""Acceptance: 8 threads (on every store), then 2 processes (on SQLite and PostgreSQL), fire 500 conflicting
events each at one account."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from backends import Backend
from store_harness import SharedOutbox, WorkerLog, leaks, make_service, run_worker, seed, verify_race

HERE = Path(__file__).resolve().parent
EVENTS = 500


def test_eight_threads_race_on_one_account(backend: Backend, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    outbox = tmp_path / "outbox.db"
    t0 = seed(backend, outbox)
    service = make_service(backend, outbox, t0)  # one service per process, shared by its threads
    logs = [WorkerLog() for _ in range(8)]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        barrier.wait()
        try:
            run_worker(service, i, EVENTS, 1000 + i, logs[i])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stats = verify_race(backend, outbox, logs, 8 * EVENTS)
    print(backend.name, stats)
    assert stats["lost_races"] > 0 and stats["committed"] > 100 and stats["tokens"] > 0 and stats["accepted_codes"] > 0
    seen = set().union(*(log.seen for log in logs)) | set(SharedOutbox(outbox).tokens())
    assert leaks(backend.audit_text(), seen) == []
    assert "DEBUG" in caplog.text and leaks(caplog.text, seen) == []


def test_two_processes_race_on_one_account(durable_backend: Backend, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    t0 = seed(durable_backend, outbox)
    start_at = time.time() + 2.5  # both processes are imported and waiting by then
    results = [tmp_path / f"worker{i}.json" for i in range(2)]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(HERE / "store_worker.py"),
                "race",
                durable_backend.url,
                str(outbox),
                repr(t0),
                str(i),
                str(EVENTS),
                str(2000 + i),
                str(results[i]),
                repr(start_at),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err[-3000:]
    logs = [WorkerLog.from_json(json.loads(r.read_text())) for r in results]
    stats = verify_race(durable_backend, outbox, logs, 2 * EVENTS)
    print(durable_backend.name, stats)
    assert stats["lost_races"] > 0 and stats["committed"] > 50
    seen = set().union(*(log.seen for log in logs)) | set(SharedOutbox(outbox).tokens())
    assert leaks(durable_backend.audit_text(), seen) == []
    logged = "\n".join(out + err for out, err in outputs)
    assert "saved version" in logged and leaks(logged, seen) == []
