"""Everything the review page shows, computed once: specs, diagrams, scenario runs, checker results.

Only public entry points are used: ``load_spec``, the diagrams package, the
scenario runner and ``twofa_fsm_tools.checker.check_spec_file``.  Nothing here keeps
a secret: scenario runs keep no world, and only records (secret-free) are read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from twofa_fsm import Spec, load_spec
from twofa_fsm.errors import SpecError
from twofa_fsm_tools.checker import CheckResult, check_spec_file
from twofa_fsm_tools.diagrams import Graph, Layout, Matrix, dot_source, graph_of, have_dot, render_svg, role_matrix
from twofa_fsm_tools.review.paths import (
    Diagram,
    GraphCache,
    attackers,
    drawn_steps,
    scenario_diagram,
    subject,
    unique_stems,
)
from twofa_fsm_tools.review.sequence import SequenceStory, sequence_of
from twofa_fsm_tools.scenario.loading import load_scenario
from twofa_fsm_tools.scenario.records import ScenarioResult, StepRecord
from twofa_fsm_tools.scenario.runner import run_scenario

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SpecView:
    path: str  # as given (for display)
    spec: Spec
    graph: Graph
    matrix: Matrix
    diagram: Diagram


@dataclass(frozen=True)
class ScenarioView:
    result: ScenarioResult
    number: int  # 1, 2, 3 ... in page order (prefixes the ids inside its diagrams)
    anchor: str  # unique, id-safe
    file: str  # the scenario file, relative to the scenarios folder
    subject: str | None
    drawn: tuple[StepRecord, ...]
    diagram: Diagram
    notes: dict[int, str]  # step number -> the scenario's note for it
    story: SequenceStory  # the run as a sequence diagram
    attackers: frozenset[str] = frozenset()

    @property
    def denied(self) -> int:
        return sum(1 for s in self.drawn if not s.allowed)

    @property
    def final_state(self) -> str:
        return self.drawn[-1].dest if self.drawn else "-"


@dataclass(frozen=True)
class ReportData:
    spec: SpecView
    article: SpecView | None  # the article's flow, when it sits beside the spec
    scenarios: tuple[ScenarioView, ...]
    check: CheckResult | None  # None: not checked (--no-check)
    article_check: CheckResult | None
    rendered: bool  # diagrams are SVG (False: DOT text, Graphviz missing)
    mutants: dict[str, Any] | None = None  # a `twofa-fsm mutate --json` report, when given

    @property
    def checked(self) -> bool:
        return self.check is not None


def spec_view(path: str | Path, render: bool) -> SpecView:
    spec = load_spec(path)
    graph = graph_of(spec)
    dot = dot_source(graph, layout=Layout(legend=False))  # the page shows the legend once, in HTML
    return SpecView(
        str(path), spec, graph, role_matrix(graph), Diagram(dot=dot, svg=render_svg(dot) if render else None)
    )


def run_scenarios(files: Sequence[Path], root: Path | None, render: bool) -> tuple[ScenarioView, ...]:
    """Run each scenario against its own spec and draw its path (bad scenario files raise ``SpecError``)."""
    runs: list[tuple[Path, ScenarioResult]] = []
    for path in files:
        scenario, lines = load_scenario(path)
        runs.append((path, run_scenario(scenario, file=str(path), lines=lines)))
    graphs = GraphCache()
    views: list[ScenarioView] = []
    for number, ((path, result), stem) in enumerate(
        zip(runs, unique_stems([r for _, r in runs]), strict=True), start=1
    ):
        notes: dict[int, str] = {}
        if result.scenario is not None:
            notes = {i: s.note for i, s in enumerate(result.scenario.steps, start=1) if s.note}
        shown = str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else path.name
        views.append(
            ScenarioView(
                result=result,
                number=number,
                anchor=f"scenario-{stem}",
                file=shown,
                subject=subject(result),
                drawn=drawn_steps(result),
                diagram=scenario_diagram(result, graphs.get(result.spec_path), render=render, legend=False),
                notes=notes,
                story=sequence_of(result, subject(result)),
                attackers=attackers(result),
            )
        )
    return tuple(views)


def article_beside(spec_path: Path) -> Path | None:
    """``article.yaml`` next to the spec under review (not the spec itself), if there is one."""
    article = spec_path.with_name("article.yaml")
    if not article.is_file() or article.resolve() == spec_path.resolve():
        return None
    return article


def gather_data(
    spec_path: str | Path,
    scenario_files: Sequence[Path],
    *,
    scenarios_root: Path | None = None,
    check: bool = True,
    progress: Progress | None = None,
) -> ReportData:
    """Load, run, draw and check everything the page shows (``SpecError`` on a bad spec or scenario)."""
    say = progress or (lambda _message: None)
    render = have_dot()
    path = Path(spec_path)
    main = spec_view(path, render)
    article_path = article_beside(path)
    article: SpecView | None = None
    if article_path is not None:
        try:
            article = spec_view(article_path, render)
        except SpecError:
            article = None  # a broken neighbour does not stop the review of the spec itself
    say(f"running {len(scenario_files)} scenarios")
    scenarios = run_scenarios(scenario_files, scenarios_root, render)
    result = article_result = None
    if check:
        say(f"checking {path} (exhaustive; takes a few seconds)")
        result = check_spec_file(path, jobs=2, remember=True)
        if article is not None:
            say(f"checking {article.path}")
            article_result = check_spec_file(article.path, jobs=2, remember=True)
    return ReportData(main, article, scenarios, result, article_result, render)
