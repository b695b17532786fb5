"""Item 9: the waits a user sits through (issue 17): ``report``, ``mutate`` and the test suite, on 2 cores."""

from __future__ import annotations

from benchmarks.report import Report, Table, Target, num
from benchmarks.waits import bench_waits

MAX_SECONDS = {"report": 6.0, "mutate": 60.0, "tests": 60.0}


def item_waits(rep: Report) -> None:
    res = bench_waits(rep.settings.quick)
    t = Table(
        "9. What users wait for (whole commands, fresh processes, 2 cores)",
        ["command", "cold: seconds (nothing remembered)", "warm: seconds (the same command again)", "exit"],
        notes=[
            "Cold: an empty results cache (`TWOFA_FSM_CACHE` pointed at a new folder), so every exploration runs; "
            "warm: the same command at once again, its explorations remembered (same spec, options and code). "
            "The test suite runs as `make test` runs it after set-up (lint and type checks aside), with a cache of "
            "its own. The targets are judged on the cold runs."
            + (" **--quick: report --no-check only.**" if rep.settings.quick else "")
        ],
    )
    for w in res:
        t.add(w.command, num(w.cold), "" if w.warm is None else num(w.warm), w.exit_code)
        if w.failed:
            t.notes.append(f"`{w.command}` failed: " + "; ".join(w.failed[:5]))
        rep.numbers[f"wait_{w.name}_cold"] = w.cold
        if w.warm is not None:
            rep.numbers[f"wait_{w.name}_warm"] = w.warm
        limit = MAX_SECONDS[w.name]
        warm = "" if w.warm is None else f"; warm {num(w.warm)} s"
        rep.targets.append(
            Target(
                f"`{w.command}` ≤ {limit:g} s",
                f"cold {num(w.cold)} s{warm}",
                rep.judged(w.cold <= limit),
            )
        )
    rep.tables.append(t)
