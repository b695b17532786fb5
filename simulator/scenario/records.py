"""What a scenario run produces: one frozen record per attempt, failures, and the result.

Other tools (diagrams overlay, checker, mutation testing) read these; every
field is secret-free (codes and tokens appear only as classes such as
"code of the bound secret from alice_phone (its entry, current step)").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from twofa_fsm import Outcome
    from twofa_fsm_tools.scenario.model import Scenario
    from twofa_fsm_tools.scenario.world import World

RecordKind = Literal["engine", "auto", "idle", "world", "setup"]


@dataclass(frozen=True, slots=True)
class Mismatch:
    what: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.what}: expected {self.expected}, got {self.actual}"


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One attempt of one step (a step with ``repeat: N`` gives N records).

    ``kind``: ``engine`` (a spec event fired by the step), ``auto`` (an event the
    library fired in consequence, e.g. the lock at the failure limit), ``idle``
    (a tick with nothing due), ``world`` (clock or device action), ``setup``
    (the enrolments made before step 1).  For refused events ``dest == source``.
    """

    step: int  # 1-based index in the scenario's steps (0 for setup)
    line: int | None
    attempt: int
    kind: RecordKind
    action: str
    actor: str
    target: str
    event: str
    source: str
    dest: str
    allowed: bool
    error_kind: str | None
    access_granted: bool
    reason: str = ""
    effects: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    state_after: str = ""
    failures_after: int | None = None
    at: float = 0.0
    known_weakness: str | None = None
    mismatches: tuple[Mismatch, ...] = ()
    guard: str | None = None  # the guard that refused (None: allowed, or the event was not allowed at all)

    @property
    def passed(self) -> bool:
        return not self.mismatches

    @property
    def is_transition(self) -> bool:
        """A spec event that ran (allowed or refused), as opposed to world actions and idle ticks."""
        return self.kind in ("engine", "auto")

    @property
    def result_text(self) -> str:
        if self.kind == "world":
            return "done"
        if self.kind == "idle":
            return "nothing due"
        return "allowed" if self.allowed else (self.error_kind or "refused")


@dataclass(frozen=True, slots=True)
class Failure:
    step: int
    line: int | None
    actor: str
    action: str
    what: str
    expected: str
    actual: str

    def __str__(self) -> str:
        where = f"step {self.step}" + (f" (line {self.line})" if self.line else "")
        return f"{where} {self.actor} {self.action}: {self.what}: expected {self.expected}, got {self.actual}"


@dataclass(frozen=True)
class ScenarioResult:
    """The run of one scenario.  ``steps``: the spec events fired (allowed or refused), in order."""

    name: str
    description: str
    path: str
    spec_path: str
    spec_name: str
    seed: int
    trace: tuple[StepRecord, ...]
    failures: tuple[Failure, ...]
    setup: tuple[StepRecord, ...] = ()
    breaches: tuple[str, ...] = ()
    duration: float = 0.0
    scenario: Scenario | None = field(default=None, repr=False, compare=False)
    world: World | None = field(default=None, repr=False, compare=False)
    error: str = ""  # the one-line error of a file that could not be loaded or run: an errored case
    after_steps: tuple[dict[str, Any], ...] = field(default=(), repr=False, compare=False)  # world per step

    @property
    def passed(self) -> bool:
        return not self.failures and not self.error

    @classmethod
    def errored(cls, path: str, spec_path: str, error: str) -> ScenarioResult:
        """The result of a scenario file that could not be loaded or run (the other files still run)."""
        return cls(Path(path).stem, "", path, spec_path, "", 0, (), (), error=error)

    @property
    def steps(self) -> tuple[StepRecord, ...]:
        return tuple(r for r in self.trace if r.is_transition)

    @property
    def known_weaknesses(self) -> tuple[StepRecord, ...]:
        """Records of steps marked as a known weakness of the spec they ran on."""
        return tuple(
            r
            for r in self.trace
            if r.known_weakness is not None and r.known_weakness == self.spec_name and r.kind == "engine"
        )

    def edges(self) -> set[tuple[str, str, str]]:
        """(source, event, dest) of every transition that completed."""
        return {(r.source, r.event, r.dest) for r in self.steps if r.allowed}

    @property
    def file_name(self) -> str:
        return Path(self.path).name


def world_record(
    index: int, line: int | None, action: str, actor: str, target: str, note: str, at: float
) -> StepRecord:
    """The record of a world step (clock, profile view, device): always done."""
    return StepRecord(
        index, line, 1, "world", action, actor, target, action, "", "", True, None, False, inputs=(note,), at=at
    )


def allowed_record(
    index: int,
    line: int | None,
    attempt: int,
    kind: RecordKind,
    action: str,
    actor: str,
    out: Outcome,
    weakness: str | None,
    inputs: tuple[str, ...],
) -> StepRecord:
    """The record of a completed transition, built from its ``Outcome`` (never by re-reading the store)."""
    return StepRecord(
        index, line, attempt, kind, action, actor, out.target, out.event, out.source, out.dest, True, None,
        out.access_granted, effects=out.effects, notices=out.notices, inputs=inputs, state_after=out.dest,
        failures_after=out.account.failures, at=out.at, known_weakness=weakness,
    )  # fmt: skip
