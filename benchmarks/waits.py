"""Item 9: what users wait for, whole commands timed as a user runs them.

``twofa-fsm report`` and ``twofa-fsm mutate spec/twofa.yaml`` each run twice in fresh processes: cold (an empty
results cache: every exploration done) and warm (the same command again: the explorations remembered); then the
test suite as ``make test`` runs it (``pytest -n 2 --dist loadfile``, after set-up; lint and type checks are
not in it).  ``--quick`` times only ``report --no-check`` and skips the test suite (a smoke run).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import ROOT

BIN = Path(sys.executable).parent


@dataclass(frozen=True, slots=True)
class Wait:
    name: str
    command: str
    cold: float  # seconds, an empty cache
    warm: float | None  # the same command again (None: not applicable)
    exit_code: int
    failed: tuple[str, ...] = ()  # the tests a failing run named (pytest's FAILED/ERROR lines)


def _run(args: list[str], cache: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the commands as a user runs them
    env["TWOFA_FSM_CACHE"] = cache
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[-400:]}")
    return seconds, proc


def _timed(args: list[str], cache: str) -> tuple[float, int]:
    seconds, proc = _run(args, cache)
    return seconds, proc.returncode


def _twice(name: str, args: list[str], shown: str) -> Wait:
    with tempfile.TemporaryDirectory() as cache:
        cold, code = _timed(args, cache)
        warm, _ = _timed(args, cache)
    return Wait(name, shown, cold, warm, code)


def bench_waits(quick: bool) -> list[Wait]:
    tool = str(BIN / "twofa-fsm")
    out: list[Wait] = []
    with tempfile.TemporaryDirectory() as tmp:
        report = [tool, "report", "--out", f"{tmp}/review"] + (["--no-check"] if quick else [])
        out.append(_twice("report", report, "twofa-fsm report" + (" --no-check" if quick else "")))
        if quick:
            return out
        mutate = [tool, "mutate", "spec/twofa.yaml", "--jobs", "2", "--json", f"{tmp}/m.json"]
        out.append(_twice("mutate", mutate, "twofa-fsm mutate spec/twofa.yaml --jobs 2"))
        with tempfile.TemporaryDirectory() as cache:
            tests = [str(BIN / "pytest"), "-n", "2", "--dist", "loadfile", "-q", "-p", "no:cacheprovider"]
            seconds, proc = _run(tests, cache)
        failed = tuple(line for line in proc.stdout.splitlines() if line.startswith(("FAILED ", "ERROR ")))
        shown = "pytest -n 2 --dist loadfile (make test after set-up)"
        out.append(Wait("tests", shown, seconds, None, proc.returncode, failed))
    return out
