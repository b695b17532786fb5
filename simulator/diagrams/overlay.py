"""A trace drawn on its spec diagram: the route a scenario (or counterexample) took.

Input is any sequence of steps with ``event``, ``source``, ``dest`` and
``allowed`` (``TraceStep``; the scenario runner's and the checker's steps fit).
Each step is told by a ``StepTag``: its number (a scenario's step number; by
default 1, 2, 3 ... in trace order), who made it and whether that is an attacker.
An allowed step's number and actor go on the edge it took (an edge taken twice
lists both); a refused attempt is a red mark at the state it was tried in, not an
arrow; repeated attempts collapse ("1–4 ×11 mallory").  The state the trace ended
in gets a thick gold border (its own fill, e.g. the access mark, stays); edges
the trace never took are grey.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from twofa_fsm.spec.model import Spec
from twofa_fsm_tools.diagrams.dot import Layout, dot_source
from twofa_fsm_tools.diagrams.graph import Edge, Graph, graph_of
from twofa_fsm_tools.diagrams.marks import Attempt, DeniedMark, Marks
from twofa_fsm_tools.diagrams.render import render_svg


class TraceStep(Protocol):
    """One attempted event of a trace."""

    @property
    def event(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def dest(self) -> str: ...

    @property
    def allowed(self) -> bool: ...


@dataclass(frozen=True)
class StepTag:
    """How one step of a trace is told on the drawing: its number, who acted, an attacker or not."""

    number: int
    actor: str = ""
    attacker: bool = False


def default_tags(steps: Sequence[TraceStep]) -> list[StepTag]:
    """1, 2, 3 ... in trace order, with the step's ``actor`` when it has one."""
    return [StepTag(n, str(getattr(step, "actor", "") or "")) for n, step in enumerate(steps, start=1)]


class TraceError(ValueError):
    """A step that the spec diagram cannot show (an unknown state, or an allowed move the spec lacks)."""


def _as_graph(spec: Spec | Graph) -> Graph:
    return spec if isinstance(spec, Graph) else graph_of(spec)


def _taken_edge(graph: Graph, n: int, step: TraceStep) -> Edge:
    for edge in graph.edges_for(step.event, step.source):
        if edge.dest == step.dest:
            return edge
    raise TraceError(
        f"step {n}: spec '{graph.name}' has no transition '{step.event}' from '{step.source}' to '{step.dest}'; "
        "fix: draw the trace on the spec it was run against"
    )


def _denied_target(graph: Graph, step: TraceStep) -> str:
    """Where the denied event would have led.

    The step's dest if the spec agrees, the one dest the spec has, or a self-loop.
    """
    dests = list(dict.fromkeys(e.dest for e in graph.edges_for(step.event, step.source)))
    if step.dest in dests:
        return step.dest
    if len(dests) == 1:
        return dests[0]
    if step.dest != step.source and graph.node(step.dest) is not None and not dests:
        return step.dest
    return step.source


def _check_states(graph: Graph, n: int, step: TraceStep) -> None:
    for s in (step.source, step.dest) if step.allowed else (step.source,):
        if graph.node(s) is None:
            raise TraceError(
                f"step {n}: spec '{graph.name}' has no state '{s}'; fix: draw the trace on the spec it was run against"
            )


def overlay_marks(
    spec: Spec | Graph, steps: Sequence[TraceStep], title: str = "", tags: Sequence[StepTag] | None = None
) -> Marks:
    graph = _as_graph(spec)
    told = list(tags) if tags is not None else default_tags(steps)
    if len(told) != len(steps):
        raise ValueError(f"{len(told)} tags for {len(steps)} steps: give one tag per step")
    taken: dict[str, list[Attempt]] = {}
    denied: dict[tuple[str, str, str], list[Attempt]] = {}
    visited: set[str] = set()
    state = steps[0].source if steps else graph.initial
    for i, (step, tag) in enumerate(zip(steps, told, strict=True)):
        _check_states(graph, tag.number, step)
        attempt = Attempt(i, tag.number, tag.actor, tag.attacker)
        visited.add(step.source)
        if step.allowed:
            taken.setdefault(_taken_edge(graph, tag.number, step).key, []).append(attempt)
            visited.add(step.dest)
            state = step.dest
        else:
            denied.setdefault((step.event, step.source, _denied_target(graph, step)), []).append(attempt)
            state = step.source
    visited.add(state)
    return Marks(
        taken={key: tuple(a.number for a in attempts) for key, attempts in taken.items()},
        denied=tuple(
            DeniedMark(event, source, target, tuple(a.number for a in attempts), tuple(attempts))
            for (event, source, target), attempts in denied.items()
        ),
        final=state,
        visited=frozenset(visited),
        title=title,
        attempts={key: tuple(attempts) for key, attempts in taken.items()},
    )


def overlay_dot(
    spec: Spec | Graph,
    steps: Sequence[TraceStep],
    title: str = "",
    tags: Sequence[StepTag] | None = None,
    layout: Layout | None = None,
) -> str:
    """DOT source of the spec diagram with the trace drawn on it."""
    graph = _as_graph(spec)
    return dot_source(graph, overlay_marks(graph, steps, title, tags), layout)


def overlay_svg(
    spec: Spec | Graph,
    steps: Sequence[TraceStep],
    title: str = "",
    tags: Sequence[StepTag] | None = None,
    layout: Layout | None = None,
) -> str:
    """SVG of ``overlay_dot`` (needs ``dot``; raises ``DotMissing`` without it)."""
    return render_svg(overlay_dot(spec, steps, title, tags, layout))
