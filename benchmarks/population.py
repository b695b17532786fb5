"""Item 6: population runs through the command line, events per second and the --jobs 2 speed-up.

Each run is ``twofa-fsm population ... --json FILE`` in a fresh process; the figures
come from the run's own ``speed`` block (wall time of the simulation, without the
interpreter's start-up), and the process's wall time is kept too.  ``--jobs 1`` and
``--jobs 2`` alternate (j1, j2, j2, j1, ...) so that load from other processes
falls on both alike; the speed-up is the median of the per-pair ratios.  After
each pair, the same two-process speed-up is measured on a pure CPU burn (the
"ceiling": what the machine offered at that moment; 2.0 on two idle cores).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import VENV_BIN, run_command


@dataclass(slots=True)
class PopRun:
    users: int
    days: int
    jobs: int
    events: int
    seconds: float  # the run's own wall time
    process_seconds: float  # including interpreter start-up

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


@dataclass(slots=True)
class PopResult:
    users: int
    days: int
    runs: list[PopRun] = field(default_factory=list)
    pending: str | None = None  # why nothing could be measured
    ceilings: list[float] = field(default_factory=list)  # what 2 processes gave a pure CPU burn, next to each pair

    def of(self, jobs: int) -> list[PopRun]:
        return [r for r in self.runs if r.jobs == jobs]

    def eps(self, jobs: int) -> list[float]:
        return [r.events_per_second for r in self.of(jobs)]

    @property
    def speedups(self) -> list[float]:
        return [a.seconds / b.seconds for a, b in zip(self.of(1), self.of(2), strict=False) if b.seconds > 0]

    @property
    def speedup(self) -> float:
        return statistics.median(self.speedups) if self.speedups else float("nan")

    @property
    def ceiling(self) -> float:
        return statistics.median(self.ceilings) if self.ceilings else float("nan")


def _burn(n: int) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - t0


def parallel_ceiling(n: int = 4_000_000) -> float:
    """The speed-up two worker processes give a pure-Python CPU burn right now (2.0 on two idle cores).

    On a shared machine this is the most ``--jobs 2`` could give at that moment.
    """
    t0 = time.perf_counter()
    _burn(n)
    _burn(n)
    serial = time.perf_counter() - t0
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_burn, [1000, 1000]))  # start the workers before timing
        t0 = time.perf_counter()
        list(pool.map(_burn, [n, n]))
        parallel = time.perf_counter() - t0
    return serial / parallel


def _one(users: int, days: int, jobs: int, seed: int, spec: str, out: Path) -> PopRun:
    argv = [
        str(VENV_BIN / "twofa-fsm"),
        "population",
        "--spec",
        spec,
        "--users",
        str(users),
        "--days",
        str(days),
        "--seed",
        str(seed),
        "--jobs",
        str(jobs),
        "--json",
        str(out),
    ]
    wall, proc = run_command(argv)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} failed ({proc.returncode}): {(proc.stderr or proc.stdout).strip()[-400:]}"
        )
    data = json.loads(out.read_text(encoding="utf-8"))
    return PopRun(users, days, jobs, int(data["results"]["engine_events"]), float(data["speed"]["wall_seconds"]), wall)


def bench_population(
    sizes: tuple[tuple[int, int], ...],
    *,
    days: int,
    seed: int = 1,
    spec: str = "spec/twofa.yaml",
    ceiling_n: int = 4_000_000,
) -> list[PopResult]:
    """``sizes``: (users, repetitions of the j1/j2 pair), ...; a failing command leaves that size pending."""
    results: list[PopResult] = []
    with tempfile.TemporaryDirectory(prefix="twofa-bench-") as tmp:
        out = Path(tmp) / "population.json"
        for users, reps in sizes:
            res = PopResult(users, days)
            results.append(res)
            try:
                for r in range(reps):
                    order = (1, 2) if r % 2 == 0 else (2, 1)
                    for jobs in order:
                        res.runs.append(_one(users, days, jobs, seed, spec, out))
                    res.ceilings.append(parallel_ceiling(ceiling_n))
            except (RuntimeError, KeyError, ValueError, OSError) as err:
                res.pending = str(err)
    return results
