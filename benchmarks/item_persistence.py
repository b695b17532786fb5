"""Item 8: the service's write throughput on SQLite and PostgreSQL beside the bare floor (issues 14 and 17).

PostgreSQL: a throw-away server started in a temporary directory for the run (the store tests'
``tests/store/pg_server.py``; ``TWOFA_PG_URL`` names another), stopped afterwards; without one the
rows say why and the target is not judged.
"""

from __future__ import annotations

import sys

from benchmarks.common import ROOT
from benchmarks.persistence import Backend, Row, run_all, temp_sqlite
from benchmarks.report import Report, Table, Target, num

MIN_SERVICE_VS_FLOOR = 0.5  # the service within 2x of the bare write floor
FULL = {"events": 400, "rounds": 3}
QUICK = {"events": 20, "rounds": 1}


def _postgres() -> tuple[Backend | None, object, str]:
    """A PostgreSQL backend and its server (to stop), or None and the reason."""
    sys.path.insert(0, str(ROOT / "tests" / "store"))
    try:
        from pg_server import start_server
    finally:
        sys.path.pop(0)
    server = start_server(durable=True)  # PostgreSQL's defaults: fsync on, synchronous_commit on
    if server.reason:
        return None, server, server.reason
    return Backend("postgres", server.conninfo), server, ""


def item_persistence(rep: Report) -> None:
    counts = QUICK if rep.settings.quick else FULL
    sqlite, tmp = temp_sqlite()
    backends = [("SQLite (WAL, synchronous=FULL)", sqlite)]
    pg, server, why = _postgres()
    if pg is not None:
        backends.append(("PostgreSQL (fsync, synchronous_commit=on)", pg))
    try:
        rows = run_all(backends, counts["events"], counts["rounds"])
    finally:
        tmp.cleanup()
        stop = getattr(server, "stop", None)
        if callable(stop):
            stop()
    _report(rep, rows, why, counts)


def _report(rep: Report, rows: list[Row], pg_missing: str, counts: dict[str, int]) -> None:
    t = Table(
        "8. Persistence: events per second through the service beside the bare write floor",
        ["store", "workers", "service events/s", "floor events/s", "service / floor"],
        notes=[
            "Each worker (thread or spawned process) has its own admin and targets: no conflicts, so this is "
            "throughput, not races. Service: `TwoFAService.request_reset` then `cancel_reset`, each a full call "
            "(load, the admin's standing, the engine, the compare-and-set save with its audit and outbox rows in "
            "one transaction, the notices delivered and marked delivered). Floor: per event one transaction of the "
            "bare `UPDATE accounts ... WHERE id = ? AND version = ?` and one audit `INSERT`, same database, same "
            f"durability settings. {counts['events']} events per worker, {counts['rounds']} interleaved rounds; "
            "the ratio is the median of the per-round ratios.",
            "Durability: SQLite with `synchronous=FULL` syncs the WAL at every commit; `synchronous=NORMAL` "
            "(`SqliteStore(path, synchronous='NORMAL')`) syncs only at checkpoints: faster, and a power cut may "
            "lose the last commits (never corrupt the file). PostgreSQL with `synchronous_commit=on` waits for the "
            "WAL flush at every commit.",
        ],
    )
    for row in rows:
        t.add(row.backend, row.mode, num(row.service), num(row.floor), f"{row.ratio:.2f}×")
        rep.numbers[f"persist_{row.backend.split()[0].lower()}_{row.mode.replace(' ', '_')}"] = row.ratio
    if pg_missing:
        t.add("PostgreSQL", "(not measured)", "", "", pg_missing)
    rep.tables.append(t)
    for store in sorted({r.backend for r in rows}):
        mine = [r for r in rows if r.backend == store]
        worst = min(mine, key=lambda r: r.ratio)
        rep.targets.append(
            Target(
                f"service ≥ {MIN_SERVICE_VS_FLOOR:g}× the bare write floor on {store.split()[0]} (1 thread, 4 threads, "
                "2 processes)",
                ", ".join(f"{r.mode}: {r.ratio:.2f}×" for r in mine) + f" (worst: {worst.mode})",
                rep.judged(all(r.ratio >= MIN_SERVICE_VS_FLOOR for r in mine)),
            )
        )
    if pg_missing:
        rep.targets.append(Target("service ≥ 0.5× the bare write floor on PostgreSQL", pg_missing, None))


__all__ = ["item_persistence"]
