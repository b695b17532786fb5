"""What a search found: the counts, the violations with their shortest paths, the parties and moves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from twofa_fsm import Spec
from twofa_fsm_tools.checker.moves import Action
from twofa_fsm_tools.checker.properties import PROPERTIES


@dataclass
class Violation:
    prop: str
    message: str
    target: str  # the target's role
    start: str  # "set-up" (the target starts in an access state) or "new"
    path: list[Action]  # the shortest path, the violating action last
    pair_path: list[Any] | None = None  # a pair world's moves (pair.PairMove), to replay it

    @property
    def description(self) -> str:
        return PROPERTIES[self.prop]


@dataclass
class CheckResult:
    spec: Spec
    states: int = 0
    transitions: int = 0
    seconds: float = 0.0
    violations: list[Violation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    per_target: dict[str, int] = field(default_factory=dict)
    fired: set[str] = field(default_factory=set)  # the events allowed at least once in the explored worlds
    tried: dict[str, set[str]] = field(default_factory=dict)  # event -> who tried it (parties, people, the timers)
    allowed_for: dict[str, set[str]] = field(default_factory=dict)  # event -> for whom it was ever allowed
    inputs: dict[str, set[str]] = field(default_factory=dict)  # event -> the input classes tried (code=prev, ...)
    parties: dict[str, str] = field(default_factory=dict)  # who acts in the worlds, and how they stand
    remembered: bool = False  # read back from an earlier run of the same spec and code (cache.py)

    def merge(self, part: CheckResult) -> None:
        """Add another world's counts, findings and moves."""
        self.states += part.states
        self.transitions += part.transitions
        self.violations += part.violations
        self.notes += part.notes
        self.per_target.update(part.per_target)
        self.fired |= part.fired
        self.parties.update(part.parties)
        for mine, theirs in (
            (self.tried, part.tried),
            (self.allowed_for, part.allowed_for),
            (self.inputs, part.inputs),
        ):
            for event, who in theirs.items():
                mine.setdefault(event, set()).update(who)

    @property
    def ok(self) -> bool:
        return not self.violations

    def violated(self) -> set[str]:
        return {v.prop for v in self.violations}

    def shortest(self) -> list[Violation]:
        """One violation per property: the shortest path, preferring worlds where the target starts
        set up (the article's story), then the earliest world."""
        best: dict[str, Violation] = {}

        def rank(v: Violation) -> tuple[bool, int]:
            return (v.start != "set-up", len(v.path))  # start.SET_UP

        for v in self.violations:
            if v.prop not in best or rank(v) < rank(best[v.prop]):
                best[v.prop] = v
        return [best[p] for p in PROPERTIES if p in best]
