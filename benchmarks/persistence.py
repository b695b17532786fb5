"""Events per second through ``TwoFAService`` on SQLite and PostgreSQL, beside the bare write floor.

The workload: every worker (thread or process) owns targets of its own in one organisation and an
admin of its own (so workers never conflict: this measures throughput, not races); it fires
``request_reset`` then ``cancel_reset`` on its targets in turn.  Each event is a full service call:
load, the admin's standing checked against the store, the engine (six authorisation guards,
effects, audit record, notices), the compare-and-set save with its audit and outbox rows in one
transaction, then the notices delivered and marked delivered.

The floor, measured in the same run on the same database with the same durability settings: for
each event, one transaction of the bare ``UPDATE accounts SET ... WHERE id = ? AND version = ?`` plus
one audit ``INSERT`` (what any versioned, audited store must do at least), and nothing else.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp

from twofa_fsm import (
    Actor,
    ManualClock,
    MemoryNotifier,
    PasswordBook,
    PostgresStore,
    SqliteStore,
    Store,
    TwoFAService,
    load_shipped_spec,
)

ORG = "acme"
PASSWORD = "pw-bench"
TARGETS_PER_WORKER = 4


@dataclass(frozen=True, slots=True)
class Backend:
    """Where to write: ``sqlite`` with a file path, or ``postgres`` with a conninfo string."""

    kind: str
    where: str

    def open(self) -> Store:
        if self.kind == "sqlite":
            return SqliteStore(self.where, synchronous="FULL")
        return PostgresStore(self.where)


class _Book:
    def __init__(self, passwords: PasswordBook) -> None:
        self.passwords = passwords

    def service(self, store: Store, clock: ManualClock) -> TwoFAService:
        return TwoFAService.from_spec(
            load_shipped_spec(), store=store, passwords=self.passwords, clock=clock, notifier=MemoryNotifier()
        )

    def enrol(self, service: TwoFAService, user: str, role: str) -> None:
        self.passwords.set(user, PASSWORD)
        service.create_account(user, ORG, role, invite=False)
        started = service.start_setup(user, password=PASSWORD)
        assert started.provisioning_uri is not None
        secret = pyotp.parse_uri(started.provisioning_uri.get_secret_value()).secret
        code = pyotp.TOTP(secret).at(service.engine.clock.now())
        service.verify_setup(user, code=code, handle=started.setup_handle)


def seed(backend: Backend, workers: int) -> None:
    """An owner, one admin and ``TARGETS_PER_WORKER`` enrolled members per worker."""
    clock = ManualClock()
    book = _Book(PasswordBook(iterations=1))
    with contextlib.closing(backend.open()) as store:  # type: ignore[type-var]
        service = book.service(store, clock)
        book.enrol(service, "owner", "owner")
        for w in range(workers):
            book.enrol(service, f"admin{w}", "admin")
            for t in range(TARGETS_PER_WORKER):
                book.enrol(service, f"user{w}-{t}", "member")


def service_loop(backend: Backend, worker: int, events: int) -> float:
    """Seconds for ``events`` service events (request/cancel in turn) by this worker's admin."""
    clock = ManualClock()
    with contextlib.closing(backend.open()) as store:  # type: ignore[type-var]
        service = _Book(PasswordBook(iterations=1)).service(store, clock)
        own = service.account(f"admin{worker}")
        admin = Actor(own.id, own.role, own.org, clock.now())
        targets = [f"user{worker}-{t}" for t in range(TARGETS_PER_WORKER)]
        t0 = time.perf_counter()
        for i in range(events // 2):
            target = targets[i % len(targets)]
            service.request_reset(target, admin)
            service.cancel_reset(target, admin)
        return time.perf_counter() - t0


def floor_loop(backend: Backend, worker: int, events: int) -> float:
    """Seconds for ``events`` bare transactions: versioned UPDATE + audit INSERT, committed.  The floor
    writes rows of its own (copies of this worker's targets, same document size), never the service's."""
    with _raw(backend) as (execute, commit):
        ids = [f"floor{worker}-{t}" for t in range(TARGETS_PER_WORKER)]
        rows = {i: execute(_q(backend, "SELECT version, data FROM accounts WHERE id = ?"), (i,))[0] for i in ids}
        commit()
        versions = {i: int(row[0]) for i, row in rows.items()}
        update = _q(backend, "UPDATE accounts SET data = ?, state = ?, version = ? WHERE id = ? AND version = ?")
        insert = _q(backend, _AUDIT_INSERT)
        t0 = time.perf_counter()
        for i in range(events):
            target = ids[i % len(ids)]
            v = versions[target]
            execute(update, (rows[target][1], "enrolled", v + 1, target, v))
            execute(insert, (time.time(), "bench", "admin", target, ORG, "bench", "allowed", "enrolled", "enrolled"))
            commit()
            versions[target] = v + 1
        return time.perf_counter() - t0


def seed_floor(backend: Backend, workers: int) -> None:
    """The floor's own rows: a copy of each worker's targets under another id."""
    copy = _q(
        backend,
        "INSERT INTO accounts (id, org, role, state, version, data) "
        "SELECT ?, org, role, state, version, data FROM accounts WHERE id = ?",
    )
    with _raw(backend) as (execute, commit):
        for w in range(workers):
            for t in range(TARGETS_PER_WORKER):
                execute(copy, (f"floor{w}-{t}", f"user{w}-{t}"))
        commit()


_AUDIT_INSERT = (
    "INSERT INTO audit (at, actor, actor_role, target, org, event, outcome, source, dest, reason, effects) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '[]')"
)


def _q(backend: Backend, sql: str) -> str:
    """The statement in the backend's dialect: PostgresStore's tables are prefixed ``twofa_``, documents jsonb."""
    if backend.kind == "sqlite":
        return sql
    sql = sql.replace("SELECT version, data ", "SELECT version, data::text ").replace("data = ?", "data = ?::jsonb")
    return sql.replace("?", "%s").replace(" accounts ", " twofa_accounts ").replace(" audit ", " twofa_audit ")


Execute = Callable[[str, tuple[object, ...]], list[tuple[Any, ...]]]


@contextlib.contextmanager
def _raw(backend: Backend) -> Iterator[tuple[Execute, Callable[[], None]]]:
    """A bare connection with the store's durability settings: SQLite WAL + synchronous FULL, one
    ``BEGIN IMMEDIATE`` transaction per write; PostgreSQL defaults (fsync, synchronous_commit on)."""
    if backend.kind == "sqlite":
        import sqlite3

        conn = sqlite3.connect(backend.where, isolation_level=None, timeout=15)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA busy_timeout = 15000")
        state = {"open": False}

        def execute(sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
            if not state["open"]:
                conn.execute("BEGIN IMMEDIATE")
                state["open"] = True
            return conn.execute(sql, params).fetchall()

        def commit() -> None:
            conn.execute("COMMIT")
            state["open"] = False

        try:
            yield execute, commit
        finally:
            conn.close()
        return
    import psycopg

    with psycopg.connect(backend.where) as pg:

        def pg_execute(sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
            cur = pg.execute(sql, params)  # type: ignore[call-overload]
            return list(cur.fetchall()) if cur.description else []

        yield pg_execute, pg.commit


Loop = Callable[[Backend, int, int], float]


def _thread_run(loop: Loop, backend: Backend, workers: int, events: int) -> float:
    """Events per second with ``workers`` threads, each firing ``events``."""
    took: list[float] = [0.0] * workers
    start = threading.Barrier(workers + 1)

    def work(w: int) -> None:
        start.wait()
        took[w] = loop(backend, w, events)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    return workers * events / (time.perf_counter() - t0)


def _proc_main(loop_name: str, backend: Backend, worker: int, events: int, go: Any, out: Any) -> None:
    loop: Loop = service_loop if loop_name == "service" else floor_loop
    try:
        loop(backend, worker, 4)  # warm up: imports, connections, the spec
        go.wait()
        out.put(loop(backend, worker, events))
    except BaseException as err:  # the parent reports it instead of waiting for a result that never comes
        out.put(f"worker {worker} ({loop_name} on {backend.kind}) failed: {type(err).__name__}: {err}")
        raise


def _process_run(loop: Loop, backend: Backend, workers: int, events: int) -> float:
    """Events per second with ``workers`` processes (spawned), each firing ``events``."""
    ctx = multiprocessing.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    name = "service" if loop is service_loop else "floor"
    procs = [ctx.Process(target=_proc_main, args=(name, backend, w, events, go, out)) for w in range(workers)]
    for p in procs:
        p.start()
    time.sleep(1.5)  # let every process import and warm up before the start signal
    t0 = time.perf_counter()
    go.set()
    for _ in procs:
        got = out.get(timeout=600)
        if isinstance(got, str):
            raise RuntimeError(got)
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    return workers * events / wall


@dataclass(frozen=True, slots=True)
class Row:
    backend: str
    mode: str
    service: float  # events per second (median of rounds)
    floor: float
    ratio: float  # service / floor, median of the per-round ratios


def measure(backend: Backend, name: str, mode: str, workers: int, events: int, rounds: int) -> Row:
    """Service and floor interleaved, ``rounds`` times; throughput medians and the median per-round ratio."""
    import statistics

    run = _process_run if mode.endswith("processes") else _thread_run
    service: list[float] = []
    floor: list[float] = []
    for r in range(rounds):
        pair = [(service_loop, service), (floor_loop, floor)]
        for loop, into in pair if r % 2 == 0 else reversed(pair):
            into.append(run(loop, backend, workers, events))
    ratios = [s / f for s, f in zip(service, floor, strict=True)]
    return Row(name, mode, statistics.median(service), statistics.median(floor), statistics.median(ratios))


MODES = (("1 thread", 1), ("4 threads", 4), ("2 processes", 2))


def sqlite_backend(tmp: Path) -> Backend:
    return Backend("sqlite", str(tmp / "bench.db"))


def run_all(
    backends: list[tuple[str, Backend]], events: int, rounds: int, echo: Callable[[str], None] = print
) -> list[Row]:
    rows = []
    for name, backend in backends:
        seed(backend, max(w for _, w in MODES))
        seed_floor(backend, max(w for _, w in MODES))
        for mode, workers in MODES:
            row = measure(backend, name, mode, workers, events, rounds)
            echo(f"  {name} {mode}: service {row.service:,.0f}/s, floor {row.floor:,.0f}/s, {row.ratio:.2f}x")
            rows.append(row)
    return rows


def temp_sqlite() -> tuple[Backend, tempfile.TemporaryDirectory[str]]:
    tmp = tempfile.TemporaryDirectory(prefix="twofa-bench-")
    return sqlite_backend(Path(tmp.name)), tmp
