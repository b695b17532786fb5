"""What a trace overlay adds to a spec diagram, as plain data: numbered attempts, refusals, the end.

Every attempt keeps the number the story tells it by (a scenario's step number;
1, 2, 3 ... for a bare trace) and who made it.  Attempts next to each other in
the trace, by the same actor on the same drawn edge or refused at the same
state, collapse into one ``Run``: "1–4 ×11 mallory" instead of eleven badges.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Attempt:
    index: int  # position in the drawn trace (adjacency decides what collapses)
    number: int  # the step number shown on the badge
    actor: str = ""
    attacker: bool = False


@dataclass(frozen=True)
class Run:
    """Consecutive attempts by one actor at one place of the drawing."""

    first: int
    last: int
    actor: str
    attacker: bool
    count: int
    end: int  # trace index of the last attempt

    @property
    def numbers(self) -> str:
        """``3`` or ``1–4``."""
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    @property
    def times(self) -> str:
        """``×11`` for repeated attempts, else ''."""
        return f"×{self.count}" if self.count > 1 else ""

    def steps(self) -> range:
        return range(self.first, self.last + 1)


def collapse(attempts: Iterable[Attempt]) -> tuple[Run, ...]:
    """Runs of attempts, in trace order; adjacent attempts by the same actor merge."""
    runs: list[Run] = []
    for a in sorted(attempts, key=lambda a: a.index):
        last = runs[-1] if runs else None
        if last is not None and last.actor == a.actor and last.end + 1 == a.index:
            runs[-1] = replace(last, last=a.number, count=last.count + 1, end=a.index)
        else:
            runs.append(Run(a.number, a.number, a.actor, a.attacker, 1, a.index))
    return tuple(runs)


@dataclass(frozen=True)
class DeniedMark:
    """Refused attempts of ``event`` at ``source`` (drawn at ``source``; ``target``: where it would have led)."""

    event: str
    source: str
    target: str
    numbers: tuple[int, ...]
    attempts: tuple[Attempt, ...] = ()

    @property
    def runs(self) -> tuple[Run, ...]:
        return collapse(self.attempts)


@dataclass(frozen=True)
class Marks:
    """What a trace overlay adds to the spec diagram."""

    taken: dict[str, tuple[int, ...]] = field(default_factory=dict)  # Edge.key -> step numbers
    denied: tuple[DeniedMark, ...] = ()
    final: str | None = None
    visited: frozenset[str] = frozenset()
    title: str = ""
    attempts: dict[str, tuple[Attempt, ...]] = field(default_factory=dict)  # Edge.key -> who took it, when

    def denied_at(self, state: str) -> tuple[DeniedMark, ...]:
        return tuple(d for d in self.denied if d.source == state)

    def arrivals(self, state: str, dest_of: dict[str, str]) -> tuple[int, ...]:
        """Step numbers of allowed attempts that ended in ``state`` (``dest_of``: Edge.key -> dest)."""
        return tuple(sorted(n for key, ns in self.taken.items() if dest_of.get(key) == state for n in ns))
