"""Item 5: the exhaustive checker, states per second and total time on each spec."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import ROOT

SPECS = (ROOT / "spec" / "twofa.yaml", ROOT / "spec" / "article.yaml")


@dataclass(frozen=True, slots=True)
class CheckerResult:
    spec: str
    states: int
    transitions: int
    seconds: float  # the checker's own clock (CheckResult.seconds)
    wall: float  # including loading the spec
    ok: bool
    complete: bool  # False in --quick mode (a state limit and one world)

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else 0.0


def bench_checker(quick: bool, specs: tuple[Path, ...] = SPECS) -> list[CheckerResult]:
    """Run the checker as `twofa-fsm check` does, in a fresh process: a benchmark process that already
    holds the memory item's large heap would slow the forked workers down (their garbage collector walks it)."""
    import json
    import subprocess
    import sys
    import tempfile

    out: list[CheckerResult] = []
    for path in specs:
        with tempfile.TemporaryDirectory() as tmp:
            args = [
                sys.executable,
                "-m",
                "twofa_fsm_tools.cli",
                "check",
                str(path),
                "--out",
                tmp,
                "--json",
                f"{tmp}/r.json",
                "--fresh",  # explore: never a result remembered from an earlier run
            ]
            args += ["--quick", "--limit", "150", "--jobs", "1"] if quick else ["--jobs", "2"]
            t0 = time.perf_counter()
            proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False)
            wall = time.perf_counter() - t0
            if proc.returncode not in (0, 1):
                raise RuntimeError(f"twofa-fsm check {path.name} failed: {proc.stderr.strip()}")
            data = json.loads(Path(f"{tmp}/r.json").read_text())
        out.append(
            CheckerResult(
                path.name, data["states"], data["transitions"], data["seconds"], wall, proc.returncode == 0, not quick
            )
        )
    return out
