"""Timing helpers: interleaved rounds, medians, min–max and per-round ratios; machine facts.

Every micro-benchmark group runs its candidates *interleaved*: in each round every
candidate takes one sample (in a rotated order), so a burst of load from another
process hits all candidates alike.  A ratio is the median of the per-round ratios
(candidate / baseline measured in the same round), not a ratio of medians.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True, slots=True)
class Settings:
    """How hard to try: ``quick`` is for the smoke test and a first look."""

    quick: bool = False
    rounds: int = 9  # interleaved rounds per micro-benchmark group
    sample_seconds: float = 0.04  # target length of one sample
    subprocess_reps: int = 7

    @classmethod
    def make(cls, quick: bool) -> Settings:
        if quick:
            return cls(quick=True, rounds=3, sample_seconds=0.002, subprocess_reps=1)
        return cls()


@dataclass(slots=True)
class Stat:
    """One measured quantity: per-round samples (the unit is in ``unit``)."""

    name: str
    unit: str
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)


def per_round_ratio(a: Stat, b: Stat) -> float:
    """Median over rounds of a/b, the two measured side by side in each round."""
    pairs = [x / y for x, y in zip(a.samples, b.samples, strict=True) if y > 0]
    return statistics.median(pairs) if pairs else float("nan")


def _calibrate(op: Callable[[], object], target: float, ops_per_call: int) -> int:
    """How many calls of ``op`` take about ``target`` seconds."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            op()
        dt = time.perf_counter() - t0
        if dt >= target / 4 or n >= 1_000_000:
            return max(1, int(n * target / max(dt, 1e-9)))
        n *= 4


def interleaved(
    candidates: Mapping[str, Callable[[], object]], settings: Settings, *, ops_per_call: int = 1, unit: str = "µs"
) -> dict[str, Stat]:
    """Time each candidate in ``settings.rounds`` interleaved rounds; samples are µs per op.

    ``ops_per_call``: how many operations (e.g. events) one call performs.  The
    garbage collector stays on (it is part of what a real caller pays), and
    runs to completion before every sample so that one candidate's garbage
    is not collected on another's time.
    """
    names = list(candidates)
    counts = {name: _calibrate(candidates[name], settings.sample_seconds, ops_per_call) for name in names}
    stats = {name: Stat(name, unit) for name in names}
    for r in range(settings.rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            op, n = candidates[name], counts[name]
            gc.collect()
            t0 = time.perf_counter_ns()
            for _ in range(n):
                op()
            dt = time.perf_counter_ns() - t0
            stats[name].samples.append(dt / 1000 / n / ops_per_call)
    return stats


def run_command(
    argv: list[str], *, cwd: Path = ROOT, timeout: float = 900
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``argv`` to completion: (wall seconds, the finished process)."""
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    return time.perf_counter() - t0, proc


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


PACKAGES = (
    "twofa-fsm",
    "transitions",
    "python-statemachine",
    "pyotp",
    "pydantic",
    "pydantic-core",
    "click",
    "rich",
    "PyYAML",
)


def machine_facts() -> dict[str, str]:
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu": f"{_cpu_model()}, {os.cpu_count()} logical cores",
        "memory": _memory_gib(),
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": ", ".join(f"{p} {_version(p)}" for p in PACKAGES),
    }
