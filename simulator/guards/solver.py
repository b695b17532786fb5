"""Decide, with z3, which transitions overlap, which can never fire, and where an event goes unanswered.

For every state and event of a spec, each transition's guards are one formula (``semantics``)
over one context (``vocabulary``), under the axioms and the state's facts (``invariants``):

- **overlap**: two transitions on one event from one state both pass in some context (the engine
  then always takes the first: the second is silently shadowed there);
- **vacuity**: a transition can pass in no context from a state it leaves (the unsat core names
  the guards that contradict each other);
- **completeness gap**: a context in which some branch's own conditions hold but no branch's
  selector (``came_from``) matches, so the event is refused as "no branch applies"; and a state
  where a counted code failure can reach ``max_failures`` without a system transition that then
  locks the account.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import z3

from twofa_fsm.spec.catalog import CODE_GUARDS, GUARDS
from twofa_fsm.spec.model import Ref, Spec, Transition
from twofa_fsm_tools.guards.invariants import state_facts
from twofa_fsm_tools.guards.semantics import meaning
from twofa_fsm_tools.guards.vocabulary import Vocabulary

SYSTEM_ACTOR = "system"  # the role of the engine's own actor (Actor.system()): timers and the lock


@dataclass(frozen=True)
class Overlap:
    state: str
    event: str
    first: int
    second: int
    model: Any


@dataclass(frozen=True)
class Vacuity:
    index: int
    states: tuple[str, ...]  # the sources from which it can never fire
    core: tuple[str, ...]  # the guards (as written) that contradict each other there


@dataclass(frozen=True)
class Gap:
    state: str
    event: str
    kind: str  # "selector" or "lock"
    indices: tuple[int, ...]
    model: Any = None


@dataclass
class Decision:
    vocabulary: Vocabulary
    overlaps: list[Overlap] = field(default_factory=list)
    vacuities: list[Vacuity] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    seconds: float = 0.0


class Decider:
    """One spec's transitions as z3 formulas, and the questions asked of them."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.c = Vocabulary(spec)
        self.axioms = self.c.axioms()
        facts = state_facts(spec)
        self.context: dict[str, Any] = {
            name: z3.Or([self.c.facts(*f) for f in sorted(found, key=repr)]) for name, found in facts.items() if found
        }

    def guards(self, t: Transition, selectors: bool = True) -> list[Any]:
        return [meaning(self.c, g.name, g.arg) for g in t.guards if selectors or _kind(g.name) != "selector"]

    def passes(self, t: Transition) -> Any:
        return z3.And([z3.BoolVal(True)] + self.guards(t))

    def model(self, state: str, *claims: Any) -> Any:
        """A context of ``state`` where every claim holds, or None when there is none."""
        s = z3.Solver()
        s.add(*self.axioms, self.context[state], *claims)
        return s.model() if s.check() == z3.sat else None

    def core(self, state: str, t: Transition) -> tuple[str, ...] | None:
        """None when ``t`` can pass in ``state``; else a minimal set of its guards that cannot all pass there."""
        formulas = dict(zip((_written(g) for g in t.guards), self.guards(t), strict=False))
        if self.model(state, *formulas.values()) is not None:
            return None
        for text in list(formulas):  # drop each guard the contradiction does not need
            rest = [f for other, f in formulas.items() if other != text]
            if self.model(state, *rest) is None:
                del formulas[text]
        return tuple(formulas)

    def groups(self) -> dict[tuple[str, str], list[int]]:
        out: dict[tuple[str, str], list[int]] = {}
        for i, source, t in self.spec.edges():
            if source in self.context:
                out.setdefault((source, t.event), []).append(i)
        return out


def _written(ref: Ref) -> str:
    """A guard as the spec writes it: ``name`` or ``{name: arg}``."""
    if ref.arg is None:
        return ref.name
    arg = f"[{', '.join(ref.arg)}]" if isinstance(ref.arg, tuple) else ref.arg
    return f"{{{ref.name}: {arg}}}"


def _kind(name: str) -> str:
    info = GUARDS.get(name)
    return "check" if info is None else info.kind


def _overlaps(d: Decider, out: Decision) -> None:
    for (state, event), indices in d.groups().items():
        for i, j in combinations(indices, 2):
            ti, tj = d.spec.transitions[i], d.spec.transitions[j]
            found = d.model(state, d.passes(ti), d.passes(tj))
            if found is not None:
                out.overlaps.append(Overlap(state, event, i, j, found))


def _vacuities(d: Decider, out: Decision) -> None:
    for i, t in enumerate(d.spec.transitions):
        dead: list[str] = []
        core: tuple[str, ...] = ()
        for state in t.source:
            if state not in d.context:
                continue  # unreachable: the library's own checks report it
            found = d.core(state, t)
            if found is not None:
                dead.append(state)
                core = core or found
        if dead:
            out.vacuities.append(Vacuity(i, tuple(dead), core))


def _selector_gaps(d: Decider, out: Decision) -> None:
    for (state, event), indices in d.groups().items():
        branches = [d.spec.transitions[i] for i in indices]
        if not any(_kind(g.name) == "selector" for t in branches for g in t.guards):
            continue
        meant = z3.Or([z3.And([z3.BoolVal(True)] + d.guards(t, selectors=False)) for t in branches])
        answered = z3.Or([d.passes(t) for t in branches])
        found = d.model(state, meant, z3.Not(answered))
        if found is not None:
            out.gaps.append(Gap(state, event, "selector", tuple(indices), found))


def _lock_gaps(d: Decider, out: Decision) -> None:
    """A state where a code guard counts failures needs the system's lock at the policy maximum."""
    groups = d.groups()
    counting = {s for s, t in ((s, d.spec.transitions[i]) for (s, _), ids in groups.items() for i in ids)
                if any(g.name in CODE_GUARDS for g in t.guards)}  # fmt: skip
    system = d.c.role_index(SYSTEM_ACTOR)
    for state in sorted(counting):
        locks = [
            ids
            for (s, _), ids in groups.items()
            if s == state and any(d.spec.transitions[i].guard("failures_at_limit") for i in ids)
            and any(d.spec.transitions[i].guard("actor_is_system") for i in ids)
        ]  # fmt: skip
        if not locks or system is None:
            out.gaps.append(Gap(state, "", "lock", ()))
            continue
        ids = locks[0]  # the engine fires the first such event
        answered = z3.Or([d.passes(d.spec.transitions[i]) for i in ids])
        at_limit = d.c["failures"] >= d.spec.policy.max_failures
        found = d.model(state, d.c["actor"] == system, at_limit, z3.Not(answered))
        if found is not None:
            out.gaps.append(Gap(state, d.spec.transitions[ids[0]].event, "lock", tuple(ids), found))


def decide(spec: Spec) -> Decision:
    """Every overlap, vacuous transition and completeness gap of ``spec``, with z3's witnesses."""
    started = time.perf_counter()
    d = Decider(spec)
    out = Decision(d.c)
    _overlaps(d, out)
    _vacuities(d, out)
    _selector_gaps(d, out)
    _lock_gaps(d, out)
    out.seconds = time.perf_counter() - started
    return out
