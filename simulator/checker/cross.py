"""``check --cross spin``: the built-in checker's verdict per property against SPIN's on the generated model.

Both look at the same worlds (the built-in checker's single worlds: the pair worlds have no Promela model yet).
A property SPIN does not model (``recoverable``, and the library's own refusal behaviour) is reported as the
built-in checker's alone.  Each SPIN counterexample is written as a scenario that ``twofa-fsm simulate`` replays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from twofa_fsm import Spec
from twofa_fsm_tools.checker.cross_spin import SPIN_PROPERTIES, SpinRun, spin_check
from twofa_fsm_tools.checker.export import scenario_for, write_scenario
from twofa_fsm_tools.checker.liveness import LassoViolation, LivenessResult
from twofa_fsm_tools.checker.liveness_goals import GOALS
from twofa_fsm_tools.checker.pair import PAIR
from twofa_fsm_tools.checker.properties import PROPERTIES
from twofa_fsm_tools.checker.results import CheckResult, Violation

HOLDS, VIOLATED, NOT_MODELLED = "holds", "violated", "-"


@dataclass
class Row:
    prop: str
    builtin: str
    spin: str
    builtin_path: list[str] = field(default_factory=list)
    spin_path: list[str] = field(default_factory=list)
    spin_scenario: str | None = None

    @property
    def agrees(self) -> bool:
        return self.spin == NOT_MODELLED or self.builtin == self.spin


@dataclass
class CrossResult:
    rows: list[Row]
    spin: SpinRun

    @property
    def agrees(self) -> bool:
        return all(r.agrees for r in self.rows)

    def checkers(self) -> dict[str, dict[str, str]]:
        """Per property, which checkers proved it (``--json``)."""
        return {
            r.prop: {"builtin": r.builtin} | ({"spin": r.spin} if r.spin != NOT_MODELLED else {}) for r in self.rows
        }


def _builtin(result: CheckResult, live: LivenessResult | None) -> dict[str, tuple[str, list[str]]]:
    found: dict[str, Violation] = {}
    for v in result.violations:
        if v.start != PAIR and (v.prop not in found or len(v.path) < len(found[v.prop].path)):
            found[v.prop] = v
    anywhere = result.violated()  # the pair worlds too: they decide the properties SPIN does not model
    out: dict[str, tuple[str, list[str]]] = {p: (HOLDS, []) for p in PROPERTIES}
    for p, v in found.items():
        out[p] = (VIOLATED, [a.label() for a in v.path])
    for p in anywhere - set(found) - set(SPIN_PROPERTIES):
        out[p] = (VIOLATED, [])
    if live is not None:
        for goal in GOALS:
            lasso = live.lassos.get(goal)
            out[goal] = (VIOLATED, lasso.labels()) if lasso is not None else (HOLDS, [])
    return out


def cross_check(
    spec: Spec,
    spec_path: str,
    result: CheckResult,
    live: LivenessResult | None,
    worlds: tuple[tuple[str, bool], ...],
    *,
    lean: bool = False,
    out_dir: str | Path | None = None,
    drop_guard: tuple[int, str] | None = None,
) -> CrossResult:
    """Run SPIN on ``worlds`` and compare with the built-in ``result`` (and ``live``) property by property."""
    props = tuple(p for p in SPIN_PROPERTIES if live is not None or p not in GOALS)
    run = spin_check(spec, worlds, lean=lean, drop_guard=drop_guard, props=props)
    builtin = _builtin(result, live)
    rows: list[Row] = []
    for prop in (*PROPERTIES, *(GOALS if live is not None else ())):
        verdict, path = builtin[prop]
        row = Row(prop, verdict, NOT_MODELLED, path)
        r = run.results.get(prop)
        if r is not None:
            row.spin = HOLDS if r.holds else VIOLATED
            if r.trail is not None:
                moves = r.trail.unrolled()
                row.spin_path = [a.label() for a in moves]
                if out_dir is not None:
                    kind = LassoViolation if prop in GOALS else Violation
                    v = kind(prop, f"SPIN: the claim '{prop}' is violated", r.trail.role, r.trail.start, moves)
                    row.spin_scenario = str(write_spin_counterexample(v, spec, spec_path, out_dir))
        rows.append(row)
    return CrossResult(rows, run)


def write_spin_counterexample(v: Violation, spec: Spec, spec_path: str, out_dir: str | Path) -> Path:
    """SPIN's counterexample as a scenario (the built-in checker's writer; the name says ``spin``)."""
    data = scenario_for(v, spec, spec_path)
    data["name"] = f"{data['name']}-spin"
    data["description"] = str(data["description"]).replace("`twofa-fsm check`", "SPIN (`twofa-fsm check --cross spin`)")
    return write_scenario(data, out_dir, "twofa-fsm check --cross spin")
