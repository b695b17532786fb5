"""Item 5: the exhaustive checker, states per second and total time on each spec."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .common import ROOT

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
    from simulator.checker import check_spec_file
    from simulator.checker.search import WORLDS

    out: list[CheckerResult] = []
    for path in specs:
        # as `twofa-fsm check` runs it: the worlds in two processes (its default --jobs 2)
        kwargs: dict[str, object] = {"worlds": WORLDS[:1], "limit": 150} if quick else {"jobs": 2}
        t0 = time.perf_counter()
        res = check_spec_file(path, **kwargs)
        wall = time.perf_counter() - t0
        out.append(CheckerResult(path.name, res.states, res.transitions, res.seconds, wall, res.ok, not quick))
    return out
