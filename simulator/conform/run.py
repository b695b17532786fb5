"""Run one case on the oracle (the engine on the spec) and on the driver, step by step, and compare.

A case is a scenario (``scenario/model.py``).  At each step the oracle's observation is the prediction;
the first step where the driver's observation differs ends the case with a ``Divergence``, written as a
scenario that ``twofa-fsm simulate`` replays: every step up to the diverging one, each expecting what the
oracle saw (so the replay passes against the engine: the backend, not the spec, is wrong).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from twofa_fsm import Spec
from twofa_fsm_tools.conform.bench import Bench
from twofa_fsm_tools.conform.driver import Driver
from twofa_fsm_tools.conform.engine_driver import EngineDriver
from twofa_fsm_tools.conform.observe import Observation
from twofa_fsm_tools.conform.world import Unsupported
from twofa_fsm_tools.scenario.model import Scenario, Step

Status = Literal["passed", "diverged", "skipped"]
ERRORS = {"guard_failed": "GuardFailed", "bad_code": "BadCode", "invalid_event": "InvalidEvent",
          "invalid_input": "InvalidInput"}  # fmt: skip
NOTICES = frozenset({"enrolled", "locked", "reset", "token_issued"})
Factory = Callable[[], Driver]


@dataclass(frozen=True)
class Case:
    """One test: a scenario to run on the oracle and the driver; ``skip``: why it cannot run on a driver."""

    name: str
    suite: str
    scenario: Scenario
    skip: str | None = None
    covers: tuple[str, ...] = ()
    start: tuple[str, bool] | None = None  # a walk case: its world's target role and whether it starts set up
    walks: int = 0  # a walk case: how many random walks
    seed: int = 0


@dataclass
class Divergence:
    step: int  # 1-based; 0: while creating or enrolling the people
    differences: list[tuple[str, str, str]]
    scenario: dict[str, Any]

    def summary(self) -> str:
        return "; ".join(f"{what}: expected {want}, actual {got}" for what, want, got in self.differences)


@dataclass
class Verdict:
    case: Case
    status: Status
    detail: str = ""
    divergence: Divergence | None = None
    steps: int = 0
    seconds: float = 0.0
    observations: list[Observation] = field(default_factory=list, repr=False)


def run_case(case: Case, spec: Spec, factory: Factory, prefix: str = "") -> Verdict:
    """Run ``case`` on a fresh oracle and on ``factory()``; the verdict says whether the driver conformed."""
    started = time.perf_counter()
    verdict = _run(case, spec, factory, prefix)
    verdict.seconds = time.perf_counter() - started
    return verdict


def _run(case: Case, spec: Spec, factory: Factory, prefix: str) -> Verdict:
    if case.skip is not None:
        return Verdict(case, "skipped", case.skip)
    sut = Bench(factory(), spec, case.scenario, prefix)
    frozen = not sut.driver.advance(0)
    oracle = Bench(EngineDriver(spec), spec, case.scenario, frozen=frozen)
    try:
        oracle.open()
    except Unsupported as why:
        return Verdict(case, "skipped", str(why))
    try:
        sut.open()
    except Unsupported as why:
        return _diverged(case, spec, 0, [("setting up the people", "done", str(why))], [])
    return _steps(case, spec, oracle, sut, frozen)


def _steps(case: Case, spec: Spec, oracle: Bench, sut: Bench, frozen: bool) -> Verdict:
    """Every step on both systems, compared; the verdict at the first difference, else passed."""
    expected: list[dict[str, Any]] = []
    starts = (oracle.driver.now(), sut.driver.now())
    for index, step in enumerate(case.scenario.steps, start=1):
        if frozen:  # the system's own clock runs (or stands): the oracle's follows it
            oracle.driver.advance(max(0.0, (sut.driver.now() - starts[1]) - (oracle.driver.now() - starts[0])))
        try:
            want = oracle.do(step)
        except Unsupported as why:
            return Verdict(case, "skipped", f"step {index}: {why}", steps=index - 1)
        try:
            got = sut.do(step)
        except Unsupported as why:
            return Verdict(case, "skipped", f"step {index}: {why}", steps=index - 1)
        except Exception as err:
            expected.append(_expect(oracle, step, want[-1]))
            return _diverged(case, spec, index, [("reply", _said(want[-1]), f"the driver raised {type(err).__name__}")],
                             expected)  # fmt: skip
        expected.append(_expect(oracle, step, want[-1]))
        for w, g in zip(want, got, strict=True):
            diffs = w.differences(g)
            if diffs:
                return _diverged(case, spec, index, diffs, expected)
    return Verdict(case, "passed", steps=len(case.scenario.steps))


def predict(case: Case, spec: Spec) -> list[dict[str, Any]]:
    """The oracle's prediction for every step of ``case``, as scenario expectations (``Unsupported`` if it
    cannot run); ``divergence_scenario`` with all of them writes the case as a scenario that passes."""
    oracle = Bench(EngineDriver(spec), spec, case.scenario)
    oracle.open()
    return [_expect(oracle, step, oracle.do(step)[-1]) for step in case.scenario.steps]


def _said(o: Observation) -> str:
    return o.kind or "no call"


def _diverged(
    case: Case, spec: Spec, index: int, diffs: list[tuple[str, str, str]], expected: list[dict[str, Any]]
) -> Verdict:
    data = divergence_scenario(case, spec, index, diffs, expected)
    div = Divergence(index, diffs, data)
    return Verdict(case, "diverged", f"step {index}: {div.summary()}", div, steps=index)


def _expect(oracle: Bench, step: Step, seen: Observation) -> dict[str, Any]:
    """What the scenario step should expect: the oracle's observation, in the scenario format."""
    if step.action not in ("tick", "fire") and step.action not in oracle.spec.events:
        return {}
    target = step.account or step.actor
    out: dict[str, Any] = {"state": seen.state_of(target)}
    if step.action == "tick":
        return out
    out["allowed"] = seen.kind == "ok"
    if seen.kind in ERRORS:
        out["error"] = ERRORS[seen.kind]
    out["access"] = "granted" if seen.access_granted else "denied"
    notices = [kind for to, kind in seen.delivered if to == target and kind in NOTICES]
    if notices:
        out["notices"] = notices
    out["tokens_delivered"] = oracle.tokens_delivered(target)
    return out


def divergence_scenario(
    case: Case, spec: Spec, index: int, diffs: list[tuple[str, str, str]], expected: list[dict[str, Any]]
) -> dict[str, Any]:
    """The case up to step ``index`` as a scenario expecting the oracle's observations at every step."""
    sc = case.scenario
    data = sc.model_dump(mode="json", exclude_defaults=True, exclude={"steps", "name", "description", "tags"})
    summary = "; ".join(f"{what}: expected {want}, actual {got}" for what, want, got in diffs)
    steps: list[dict[str, Any]] = []
    attackers = {a.id for a in sc.attackers}
    for n, (step, expect) in enumerate(zip(sc.steps[:index], expected, strict=False), start=1):
        raw = step.model_dump(mode="json", exclude_defaults=True, exclude={"expect", "known_weakness", "note"})
        if expect:
            raw["expect"] = expect
        if expect.get("access") == "granted" and step.actor in attackers:
            raw["known_weakness"] = spec.name  # the oracle lets the attacker in: the spec's own weakness
        if n == index:
            raw["note"] = f"DIVERGES here: {summary}"
        steps.append(raw)
    name = f"divergence-{case.name}"[:80].rstrip("-_")
    where = f"step {index}" if index else "setting up the people"
    description = (
        f"Written by `twofa-fsm conform` ({case.suite} suite, case {case.name}): the driver diverged from "
        f"spec '{spec.name}' at {where}: {summary}. Every step expects what the spec predicts, so this "
        "scenario passes on the engine (`twofa-fsm simulate`)."
    )
    return {"name": name, "description": description, **data, "steps": steps or [_noop(sc)]}


def _noop(sc: Scenario) -> dict[str, Any]:
    """A step that does nothing, for a divergence while setting up (a scenario has at least one step)."""
    return {"actor": "system", "action": "wait", "seconds": 0}


def scenario_yaml(data: dict[str, Any]) -> str:
    header = "# Written by `twofa-fsm conform`: replay it with `twofa-fsm simulate FILE` (it passes on the engine)\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


__all__ = ["Case", "Divergence", "Factory", "Verdict", "divergence_scenario", "predict", "run_case", "scenario_yaml"]
