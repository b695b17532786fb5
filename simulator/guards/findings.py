"""The solver's decisions as one-line ``SpecError`` findings: overlap and vacuity are errors, gaps warnings.

``guard_findings(spec, file)`` is the entry point for tools; ``findings_for_file(path)`` is what
``twofa-fsm validate`` runs after the library's own checks (nothing when the file is not a spec
whose names resolve: the library has said why).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from twofa_fsm.errors import SpecError
from twofa_fsm.spec.catalog import CODE_GUARDS, GUARDS
from twofa_fsm.spec.diagnostics import error_at
from twofa_fsm.spec.model import Spec, Transition
from twofa_fsm.spec.yamlsafe import Lines, line_of, load_yaml
from twofa_fsm_tools.guards.solver import SYSTEM_ACTOR, Decision, Gap, Overlap, Vacuity, decide
from twofa_fsm_tools.guards.witness import read, render, value_text

Kind = Literal["overlap", "vacuity", "completeness"]


@dataclass(frozen=True)
class Finding:
    """One decision about a spec's guards, as a one-line ``SpecError``."""

    kind: Kind
    error: SpecError

    @property
    def severity(self) -> str:
        return "warning" if self.kind == "completeness" else "error"

    def __str__(self) -> str:
        return f"{self.severity}: {self.error}"


def _label(spec: Spec, i: int, lines: Lines, with_line: bool = True) -> str:
    t = spec.transitions[i]
    line = line_of(lines, ("transitions", i))
    where = f", line {line}" if with_line and line is not None else ""
    return f"transitions[{i}] ({t.event} -> {t.dest}{where})"


class _Writer:
    def __init__(self, spec: Spec, decision: Decision, file: str, lines: Lines) -> None:
        self.spec, self.d, self.file, self.lines = spec, decision, file, lines
        self.c = decision.vocabulary

    def at(self, kind: Kind, place: tuple[str | int, ...], problem: str, value: object, fix: str) -> Finding:
        return Finding(kind, error_at(self.file, self.lines, place, problem, value, fix))

    def witness(self, model: object, indices: tuple[int, ...]) -> str:
        return render(self.c, model, read((self.spec.transitions[i] for i in indices), self.c))

    def overlap(self, o: Overlap) -> Finding:
        first, second = _label(self.spec, o.first, self.lines), _label(self.spec, o.second, self.lines, False)
        problem = (
            f"{first} and {second} both fire '{o.event}' from '{o.state}' and z3 finds a context where both pass: "
            f"{self.witness(o.model, (o.first, o.second))}; the engine always takes transitions[{o.first}] there"
        )
        fix = "make them exclusive (a distinct {came_from: STATE} each, or guards that cannot hold together), or merge"
        return self.at("overlap", ("transitions", o.second), problem, o.event, fix)

    def vacuity(self, v: Vacuity) -> Finding:
        t = self.spec.transitions[v.index]
        states = ", ".join(f"'{s}'" for s in v.states)
        guards = ", ".join(v.core)
        why = f"its guard {guards} never passes" if len(v.core) == 1 else f"its guards {guards} cannot all pass"
        problem = f"{_label(self.spec, v.index, self.lines, False)} can never fire from {states}: z3 proves {why} there"
        fix = "remove the contradictory guard, or correct its argument (roles, states) or the policy limit it reads"
        if any("came_from" in g for g in v.core):
            fix = f"name in came_from a state that enters {states} with remember_prior_state, or remove the guard"
        return self.at("vacuity", ("transitions", v.index, "guards"), problem, t.event, fix)

    def gap(self, g: Gap) -> Finding:
        return self.selector_gap(g) if g.kind == "selector" else self.lock_gap(g)

    def selector_gap(self, g: Gap) -> Finding:
        prior = value_text(self.c, "came_from", g.model.eval(self.c["came_from"], model_completion=True))
        problem = (
            f"'{g.event}' from '{g.state}' goes unanswered in a context its branches' other guards accept: "
            f"{self.witness(g.model, g.indices)}; the engine refuses it as 'no branch applies'"
        )
        fix = f"add a branch with {{came_from: {prior}}} (one for every state that enters '{g.state}')"
        if prior == "none":
            fix = f"'{g.state}' is not entered with remember_prior_state: drop the came_from guards of '{g.event}'"
        return self.at("completeness", ("transitions", g.indices[0]), problem, g.event, fix)

    def lock_gap(self, g: Gap) -> Finding:
        n = self.spec.policy.max_failures
        reader = next(i for i, s, t in self.spec.edges() if s == g.state and _counts(t))
        if g.model is not None:
            problem = (
                f"at max_failures {n} the engine fires '{g.event}' from '{g.state}' as the system, but no branch "
                f"passes: {self.witness(g.model, g.indices)}; the account is never locked"
            )
            return self.at("completeness", ("transitions", g.indices[0]), problem, g.event, "guard it with "
                           "[actor_is_system, failures_at_limit] only")  # fmt: skip
        if SYSTEM_ACTOR not in self.spec.roles:
            problem = f"the engine's timers and lock act as role '{SYSTEM_ACTOR}', which the spec does not declare"
            fix = f"declare roles: {{{SYSTEM_ACTOR}: {{tier: 0, scope: system}}}}"
            return self.at("completeness", ("roles",), problem, SYSTEM_ACTOR, fix)
        problem = (
            f"a wrong code in '{g.state}' ({_label(self.spec, reader, self.lines)}) counts as a failure, but no "
            f"system transition guarded by failures_at_limit leaves '{g.state}': it never locks at {n} failures"
        )
        fix = f"add a transition from '{g.state}' with guards [actor_is_system, failures_at_limit] to the locked state"
        return self.at("completeness", ("states", g.state), problem, g.state, fix)


def _counts(t: Transition) -> bool:
    return any(g.name in CODE_GUARDS for g in t.guards)


def _lines_of(file: str) -> Lines:
    try:
        return load_yaml(file)[1] if Path(file).is_file() else {}
    except (SpecError, OSError):
        return {}


def guard_findings(spec: Spec, file: str = "<spec>", lines: Lines | None = None) -> list[Finding]:
    """Every overlap and vacuous transition (errors) and completeness gap (warnings) of ``spec``, in file order.

    ``lines`` maps places to lines (``twofa_fsm.spec.yamlsafe.load_yaml``); by default read from ``file``.
    """
    where = _lines_of(file) if lines is None else lines
    decision = decide(spec)
    w = _Writer(spec, decision, file, where)
    found = [w.overlap(o) for o in decision.overlaps] + [w.vacuity(v) for v in decision.vacuities]
    found += [w.gap(g) for g in decision.gaps]
    return sorted(found, key=lambda f: (f.severity == "warning", f.error.line or 0))


def resolvable(spec: Spec) -> bool:
    """Every name a transition uses is declared (else the library's checks report it and the solver waits)."""
    for t in spec.transitions:
        if t.event not in spec.events or t.dest not in spec.states or not set(t.source) <= set(spec.states):
            return False
        for g in t.guards:
            if g.name not in GUARDS:
                return False
    return sum(s.initial for s in spec.states.values()) == 1


def findings_for_file(path: str | Path) -> list[Finding]:
    """The solver's findings on the spec file at ``path``; none when it is no spec whose names resolve."""
    try:
        data, lines = load_yaml(path)
        spec = Spec.model_validate(data)
    except (SpecError, ValidationError, OSError):
        return []
    return guard_findings(spec, str(path), lines) if resolvable(spec) else []
