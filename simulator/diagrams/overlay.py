"""A trace drawn on its spec diagram: the route a scenario (or counterexample) took.

Input is any sequence of steps with ``event``, ``source``, ``dest`` and
``allowed`` (``TraceStep``; the scenario runner's and the checker's steps fit).
Every step is numbered in trace order, 1, 2, 3 ...: an allowed step's number goes
on the edge it took (an edge taken twice lists both numbers); a denied attempt is
a red dashed edge from its source, towards the state the event would have led
to when the spec says which, else a self-loop.  The state the trace ended in is
gold; edges the trace never took are grey.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from simulator.diagrams.dot import DeniedMark, Marks, dot_source
from simulator.diagrams.graph import Edge, Graph, graph_of
from simulator.diagrams.render import render_svg
from twofa_fsm.spec.model import Spec


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


def overlay_marks(spec: Spec | Graph, steps: Sequence[TraceStep], title: str = "") -> Marks:
    graph = _as_graph(spec)
    taken: dict[str, list[int]] = {}
    denied: dict[tuple[str, str, str], list[int]] = {}
    visited: set[str] = set()
    state = steps[0].source if steps else graph.initial
    for n, step in enumerate(steps, start=1):
        for s in (step.source, step.dest) if step.allowed else (step.source,):
            if graph.node(s) is None:
                raise TraceError(
                    f"step {n}: spec '{graph.name}' has no state '{s}'; fix: draw the trace on the spec it was run "
                    "against"
                )
        visited.add(step.source)
        if step.allowed:
            taken.setdefault(_taken_edge(graph, n, step).key, []).append(n)
            visited.add(step.dest)
            state = step.dest
        else:
            denied.setdefault((step.event, step.source, _denied_target(graph, step)), []).append(n)
            state = step.source
    visited.add(state)
    return Marks(
        taken={key: tuple(numbers) for key, numbers in taken.items()},
        denied=tuple(
            DeniedMark(event, source, target, tuple(numbers)) for (event, source, target), numbers in denied.items()
        ),
        final=state,
        visited=frozenset(visited),
        title=title,
    )


def overlay_dot(spec: Spec | Graph, steps: Sequence[TraceStep], title: str = "") -> str:
    """DOT source of the spec diagram with the trace drawn on it."""
    graph = _as_graph(spec)
    return dot_source(graph, overlay_marks(graph, steps, title))


def overlay_svg(spec: Spec | Graph, steps: Sequence[TraceStep], title: str = "") -> str:
    """SVG of ``overlay_dot`` (needs ``dot``; raises ``DotMissing`` without it)."""
    return render_svg(overlay_dot(spec, steps, title))
