"""The random-walk suite: Hypothesis draws sequences of moves in a generated world (``cast.py``), runs each
on the oracle and the driver, compares every step, and shrinks a diverging walk to a short one.

A walk case stands for ``walks`` random walks from one start; its verdict is the first (shrunk)
divergence, written as a replayable scenario like any other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as fixed_seed
from hypothesis import strategies as st

from twofa_fsm import Spec
from twofa_fsm_tools.conform.cast import Cast, cast_for, event_moves, staff_steps, starts, step, waits
from twofa_fsm_tools.conform.run import Case, Factory, Verdict, run_case
from twofa_fsm_tools.scenario.model import Step

MAX_STEPS = 12


def walk_cases(spec: Spec, spec_path: str, *, walks: int, seed: int) -> list[Case]:
    """One case per start of the generated worlds, each of ``walks`` random walks."""
    out = []
    for role, set_up in starts(spec):
        cast = cast_for(spec, spec_path, role, set_up, seed)
        scenario = cast.scenario([step(action="wait", seconds=0)])
        out.append(Case(f"walks-{cast.name}", "walks", scenario, start=(role, set_up), walks=walks, seed=seed))
    return out


def alphabet(spec: Spec, cast: Cast, clock: bool) -> list[Step]:
    """Every move of the world, whatever the state (a move the state does not allow is refused, and compared)."""
    moves = [m for event in spec.events for m in event_moves(spec, cast, event)]
    return moves + (waits(spec) if clock else [])


@dataclass
class _Last:
    verdict: Verdict | None = None
    runs: int = 0


def run_walks(case: Case, spec: Spec, factory: Factory, prefix: str = "", *, clock: bool = True) -> Verdict:
    """Run the walks of ``case``; the verdict of the shortest diverging walk found, else passed."""
    assert case.start is not None
    started = time.perf_counter()
    cast = cast_for(spec, case.scenario.spec, case.start[0], case.start[1], case.seed)
    moves = alphabet(spec, cast, clock)
    last = _Last()

    @fixed_seed(case.seed)
    @settings(max_examples=max(1, case.walks), database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=(Phase.generate, Phase.shrink))  # fmt: skip
    @given(st.lists(st.sampled_from(moves), min_size=1, max_size=MAX_STEPS))
    def walk(steps: list[Step]) -> None:
        last.runs += 1
        name = f"{case.name}-{last.runs:04d}"
        one = Case(name, "walks", cast.scenario(staff_steps(cast, steps)))
        last.verdict = run_case(one, spec, factory, f"{prefix}w{last.runs}_")
        assert last.verdict.status != "diverged", last.verdict.detail

    try:
        walk()
    except Exception:  # the shrunk walk's assertion (or Hypothesis's report of a flaky one)
        found = last.verdict
        if found is None or found.status != "diverged":
            raise
        verdict = Verdict(case, "diverged", found.detail, found.divergence, found.steps)
    else:
        verdict = Verdict(case, "passed", f"{last.runs} walks", steps=last.runs)
    verdict.seconds = time.perf_counter() - started
    return verdict


__all__ = ["alphabet", "run_walks", "walk_cases"]
