"""Which transitions and which guard outcomes (allowed, denied per role) the scenario library exercises."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from twofa_fsm import Spec, load_spec
from twofa_fsm_tools.scenario.records import ScenarioResult, StepRecord


@dataclass
class Coverage:
    spec: Spec
    scenarios: list[str] = field(default_factory=list)
    edges: Counter[tuple[int, str, str, str]] = field(default_factory=Counter)  # (transition, source, event, dest)
    outcomes: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (event, role, "allowed" | guard | kind)

    def all_edges(self) -> list[tuple[int, str, str, str]]:
        return [(i, src, t.event, t.dest) for i, src, t in self.spec.edges()]

    def missing(self) -> list[tuple[int, str, str, str]]:
        return [e for e in self.all_edges() if self.edges[e] == 0]

    def roles(self) -> list[str]:
        seen = {role for (_, role, _) in self.outcomes}
        order = ["user (self)", *[r for r in self.spec.roles if r != "system"], "attacker", "system"]
        return [r for r in order if r in seen] + sorted(seen - set(order))


def _role(result: ScenarioResult, rec: StepRecord) -> str:
    sc = result.scenario
    if rec.actor == "system":
        return "system"
    if sc is not None and any(a.id == rec.actor for a in sc.attackers):
        return "attacker"
    if rec.actor == rec.target:
        return "user (self)"
    if sc is not None:
        for p in sc.people:
            if p.id == rec.actor:
                return p.role
    return "?"


def _edge(spec: Spec, rec: StepRecord) -> tuple[int, str, str, str] | None:
    for i, src, t in spec.edges():
        if src == rec.source and t.event == rec.event and t.dest == rec.dest:
            return (i, src, t.event, t.dest)
    return None


def measure(spec_path: str | Path, results: list[ScenarioResult]) -> Coverage:
    spec = load_spec(spec_path)
    cov = Coverage(spec)
    want = Path(spec_path).resolve()
    for result in results:
        if Path(result.spec_path).resolve() != want:
            continue
        cov.scenarios.append(result.name)
        for rec in result.trace:  # the scenario's own steps: the pre-enrolments before step 1 are not tests
            if rec.kind not in ("engine", "auto") or rec.event not in spec.events:
                continue
            role = _role(result, rec) if rec.kind != "auto" else "system"
            if rec.allowed:
                edge = _edge(spec, rec)
                if edge is not None:
                    cov.edges[edge] += 1
                cov.outcomes[(rec.event, role, "allowed")] += 1
            elif rec.error_kind:
                cov.outcomes[(rec.event, role, f"denied: {rec.guard or rec.error_kind}")] += 1
    return cov
