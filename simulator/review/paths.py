"""A scenario run drawn on its spec diagram: the path its main account took.

A scenario may touch several accounts (Bob logs in before he resets Alice's
2FA); one diagram shows one account's path, so the overlay follows the
scenario's *subject*: the account most of its spec events targeted (the first
one on a tie).  Steps on other accounts are listed by the report, not drawn.

``write_overlays`` is what ``twofa-fsm simulate ... --diagrams DIR`` calls: one
SVG per scenario, or the DOT text when Graphviz's ``dot`` is missing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from twofa_fsm import load_spec
from twofa_fsm_tools.diagrams import Graph, Layout, StepTag, TraceError, graph_of, have_dot, overlay_dot, render_svg
from twofa_fsm_tools.scenario.records import ScenarioResult, StepRecord


@dataclass(frozen=True)
class Diagram:
    """An overlay: its DOT text, its SVG when ``dot`` rendered it, or why it could not be drawn."""

    dot: str
    svg: str | None = None
    error: str | None = None


def subject(result: ScenarioResult) -> str | None:
    """The account the scenario is about: the target of most of its spec events (first seen wins a tie)."""
    counts = Counter(s.target for s in result.steps)
    if not counts:
        return None
    top = max(counts.values())
    return next(s.target for s in result.steps if counts[s.target] == top)


def drawn_steps(result: ScenarioResult) -> tuple[StepRecord, ...]:
    """The spec events on the subject's account, in order: what the overlay numbers 1, 2, 3 ..."""
    who = subject(result)
    return tuple(s for s in result.steps if s.target == who)


def attackers(result: ScenarioResult) -> frozenset[str]:
    return frozenset(a.id for a in result.scenario.attackers) if result.scenario is not None else frozenset()


def step_tags(result: ScenarioResult) -> list[StepTag]:
    """Each drawn step told by its scenario step number and its actor (attackers marked)."""
    bad = attackers(result)
    return [StepTag(s.step, s.actor, s.actor in bad) for s in drawn_steps(result)]


def overlay_title(result: ScenarioResult) -> str:
    who = subject(result)
    verdict = "passed" if result.passed else "FAILED"
    account = f" - {who}'s account" if who else ""
    return f"{result.name}{account} on spec '{result.spec_name}' ({verdict})"


class GraphCache:
    """Spec graphs by spec path, loaded once per run."""

    def __init__(self) -> None:
        self._graphs: dict[str, Graph] = {}

    def get(self, spec_path: str | Path) -> Graph:
        key = str(Path(spec_path).resolve())
        if key not in self._graphs:
            self._graphs[key] = graph_of(load_spec(key))
        return self._graphs[key]


def scenario_diagram(result: ScenarioResult, graph: Graph, render: bool | None = None, legend: bool = True) -> Diagram:
    """The scenario's path drawn on ``graph`` (rendered to SVG when ``render``, default: when ``dot`` is there).

    ``legend=False``: without the legend (the review page shows it once, in HTML).
    """
    try:
        steps, layout = drawn_steps(result), Layout(legend=legend, spec_title=legend)
        dot = overlay_dot(graph, steps, title=overlay_title(result), tags=step_tags(result), layout=layout)
    except TraceError as err:
        return Diagram(dot="", error=str(err))
    if render is None:
        render = have_dot()
    return Diagram(dot=dot, svg=render_svg(dot) if render else None)


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def file_stem(name: str) -> str:
    """A scenario name as a file name: anything but letters, digits, ``_ . -`` becomes ``-``."""
    return _UNSAFE.sub("-", name).strip("-.") or "scenario"


def unique_stems(results: Sequence[ScenarioResult]) -> list[str]:
    seen: Counter[str] = Counter()
    stems: list[str] = []
    for r in results:
        stem = file_stem(r.name)
        seen[stem] += 1
        stems.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
    return stems


@dataclass(frozen=True)
class Written:
    files: tuple[Path, ...]
    rendered: bool  # SVG (True) or DOT text because ``dot`` is missing (False)
    problems: tuple[str, ...]  # one line per scenario that could not be drawn


def write_overlays(results: Iterable[ScenarioResult], out_dir: str | Path) -> Written:
    """Write one path diagram per scenario into ``out_dir``: ``NAME.svg`` (or ``NAME.dot`` without ``dot``)."""
    runs = list(results)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    render = have_dot()
    graphs = GraphCache()
    files: list[Path] = []
    problems: list[str] = []
    for result, stem in zip(runs, unique_stems(runs), strict=True):
        diagram = scenario_diagram(result, graphs.get(result.spec_path), render=render)
        if diagram.error is not None:
            problems.append(f"{result.path}: cannot draw '{result.name}': {diagram.error}")
            continue
        path = out / f"{stem}.svg" if diagram.svg is not None else out / f"{stem}.dot"
        path.write_text(diagram.svg if diagram.svg is not None else diagram.dot, encoding="utf-8")
        files.append(path)
    return Written(tuple(files), render, tuple(problems))
