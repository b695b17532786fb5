"""Killing a writer (SIGKILL) between load and save, or inside the write transaction, loses no committed data."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_harness import PASSWORDS, TARGET, make_service, seed

from twofa_fsm import Account, Actor, SqliteStore

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def run_until_marker(args: list[str], marker: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "store_worker.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"the worker exited early: {proc.communicate()[1][-2000:]}")
        assert time.monotonic() < deadline, "the worker never reached its sync point"
        time.sleep(0.02)
    return proc


def kill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def snapshot(db: Path) -> tuple[str, list[tuple[int, str, str, int | None]], str]:
    store = SqliteStore(db)
    try:
        rows = [(e.seq, e.record.event, e.record.outcome, e.version) for e in store.audit_log()]
        return store.load(TARGET).to_json(), rows, store.integrity_check()
    finally:
        store.close()


def test_kill_between_load_and_save_keeps_every_commit(tmp_path: Path) -> None:
    db, outbox, marker, result = (
        tmp_path / "twofa.db",
        tmp_path / "outbox.db",
        tmp_path / "marker",
        tmp_path / "done.json",
    )
    t0 = seed(db, outbox)
    proc = run_until_marker(["hang-before-save", str(db), str(outbox), repr(t0), str(marker), "4", str(result)], marker)
    done = json.loads(result.read_text())
    before = snapshot(db)
    kill(proc)
    account_json, rows, integrity = snapshot(db)
    assert integrity == "ok"
    assert (account_json, rows) == before[:2]
    assert account_json == done[-1]["json"], "the last committed account is not what is stored"
    committed = {v for (_, _, outcome, v) in rows if outcome == "allowed"}
    assert {d["version"] for d in done} <= committed
    assert Account.from_json(account_json).state == "enrolled"
    # The database is free: a new writer commits straight away, on top of the last commit.
    service = make_service(db, outbox, t0)
    out = service.request_reset(TARGET, Actor("ada", "admin", "acme", service.engine.clock.now()))
    assert out.account.version == done[-1]["version"] + 1


def test_kill_inside_the_write_transaction_rolls_it_back(tmp_path: Path) -> None:
    db, outbox, marker = tmp_path / "twofa.db", tmp_path / "outbox.db", tmp_path / "marker"
    t0 = seed(db, outbox)
    before = snapshot(db)
    proc = run_until_marker(["hang-in-transaction", str(db), str(outbox), repr(t0), str(marker)], marker)
    assert snapshot(db) == before  # readers never see the half-done write (WAL snapshot)
    kill(proc)
    assert snapshot(db) == before
    assert Account.from_json(before[0]).state == "enrolled"
    started = time.monotonic()
    service = make_service(db, outbox, t0)
    out = service.report_lost_device(TARGET, password=PASSWORDS[TARGET])
    assert out.dest == "locked_out" and time.monotonic() - started < 5, "the dead writer's lock was not released"
    assert snapshot(db)[2] == "ok"
