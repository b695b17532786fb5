"""Killing a writer (SIGKILL) between load and save, inside the write transaction, or between the commit and
the delivery of its messages loses nothing committed, on SQLite and PostgreSQL (``durable_backend``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from backends import Backend
from store_harness import PASSWORDS, TARGET, SharedOutbox, leaks, make_service, seed

from twofa_fsm import Account, Actor, ManualClock
from twofa_fsm.outbox import LEASE_SECONDS

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def run_until_marker(args: list[str], marker: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "store_worker.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"the worker exited early: {proc.communicate()[1][-2000:]}")
        assert time.monotonic() < deadline, "the worker never reached its sync point"
        time.sleep(0.02)
    return proc


def kill(proc: subprocess.Popen[str]) -> str:
    """SIGKILL the worker; returns what it logged."""
    os.kill(proc.pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    return out + err


def snapshot(backend: Backend) -> tuple[str, list[tuple[int, str, str, int | None]], str]:
    store = backend.open()
    rows = [(e.seq, e.record.event, e.record.outcome, e.version) for e in store.audit_log()]
    return store.load(TARGET).to_json(), rows, backend.check()


def test_kill_between_load_and_save_keeps_every_commit(durable_backend: Backend, tmp_path: Path) -> None:
    outbox, marker, result = tmp_path / "outbox.db", tmp_path / "marker", tmp_path / "done.json"
    t0 = seed(durable_backend, outbox)
    args = ["hang-before-save", durable_backend.url, str(outbox), repr(t0), str(marker), "4", str(result)]
    proc = run_until_marker(args, marker)
    done = json.loads(result.read_text())
    before = snapshot(durable_backend)
    kill(proc)
    account_json, rows, integrity = snapshot(durable_backend)
    assert integrity == "ok"
    assert (account_json, rows) == before[:2]
    assert Account.from_json(account_json) == Account.from_json(done[-1]["json"]), (
        "the last commit is not what is stored"
    )
    committed = {v for (_, _, outcome, v) in rows if outcome == "allowed"}
    assert {d["version"] for d in done} <= committed
    assert Account.from_json(account_json).state == "enrolled"
    # The store is free: a new writer commits straight away, on top of the last commit.
    service = make_service(durable_backend, outbox, t0)
    out = service.request_reset(TARGET, Actor("ada", "admin", "acme", service.engine.clock.now()))
    assert out.account.version == done[-1]["version"] + 1


def test_kill_inside_the_write_transaction_rolls_it_back(durable_backend: Backend, tmp_path: Path) -> None:
    outbox, marker = tmp_path / "outbox.db", tmp_path / "marker"
    t0 = seed(durable_backend, outbox)
    before = snapshot(durable_backend)
    proc = run_until_marker(["hang-in-transaction", durable_backend.url, str(outbox), repr(t0), str(marker)], marker)
    assert snapshot(durable_backend) == before  # readers never see the half-done write
    kill(proc)
    assert snapshot(durable_backend) == before
    assert Account.from_json(before[0]).state == "enrolled"
    service = make_service(durable_backend, outbox, t0)
    out = service.report_lost_device(TARGET, password=PASSWORDS[TARGET])  # waits for the dead writer's lock, if held
    assert out.dest == "locked_out"
    assert snapshot(durable_backend)[2] == "ok"


def test_kill_between_commit_and_delivery_sends_exactly_the_missing_messages(
    durable_backend: Backend, tmp_path: Path
) -> None:
    """The reset commits with its notices and token in the outbox; the writer dies before sending any of them.
    After a restart, ``deliver_pending`` sends exactly those three, under the keys they were written with."""
    outbox, marker = tmp_path / "outbox.db", tmp_path / "marker"
    received = SharedOutbox(outbox)
    t0 = seed(durable_backend, outbox)
    proc = run_until_marker(["hang-before-delivery", durable_backend.url, str(outbox), repr(t0), str(marker)], marker)
    logged = kill(proc)

    store = durable_backend.open()
    account = store.load(TARGET)
    assert account.state == "unenrolled" and account.token_digest is not None  # the reset was committed
    pending = [m for m in store.outbox_messages() if not m.delivered]
    assert [(m.key, m.kind, m.attempts) for m in pending] == [
        (f"{TARGET}:{account.version}:0", "token_issued", 0),
        (f"{TARGET}:{account.version}:1", "reset", 0),
        (f"{TARGET}:{account.version}:2", "setup_token", 0),
    ]
    sent_before = received.received()
    assert {key for key, _, _ in sent_before} == {m.key for m in store.outbox_messages() if m.delivered}
    assert not {m.key for m in pending} & {key for key, _, _ in sent_before}  # nothing of the reset went out
    token = durable_backend.stored_tokens()
    assert len(token) == 1  # the undelivered token waits in the store, and only there
    assert leaks(repr(store.outbox_messages()) + durable_backend.audit_text() + logged, set(token)) == []

    # The restart: until the dead writer's claim runs out the messages are left to it; then they go out.
    clock = ManualClock(max(m.at for m in pending) + LEASE_SECONDS - 1)
    restarted = make_service(durable_backend, outbox, t0, clock=clock)
    assert restarted.deliver_pending().delivered == ()
    clock.advance(1)
    run = restarted.deliver_pending()
    assert run.delivered == tuple(m.key for m in pending) and run.failed == ()
    assert received.received() == sent_before + [
        (pending[0].key, TARGET, "token_issued"),
        (pending[1].key, TARGET, "reset"),
        (pending[2].key, TARGET, "token"),
    ]
    assert received.tokens()[-1] == token[0]
    assert restarted.deliver_pending().delivered == ()  # delivered once: nothing is left to send
    assert all(m.delivered and m.token is None for m in store.outbox_messages())
    assert durable_backend.stored_tokens() == []
    started = restarted.start_setup(TARGET, password=PASSWORDS[TARGET], token=token[0])  # the token works
    assert started.dest == "setup_in_progress"
