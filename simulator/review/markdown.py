"""``diagrams/NAME.md``: one Markdown page per spec, as a code host renders it (Mermaid blocks).

The lifecycle (Mermaid state diagram), who may do what (the role matrix and the
tier rule: who may act on whom), then every scenario that runs on the spec: its
sequence diagram and its path, coloured by who acted.  Deterministic: scenarios
run on a simulated clock with fixed seeds, and nothing of a run's timing is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from twofa_fsm import Spec, load_spec
from twofa_fsm_tools.diagrams import Graph, graph_of, matrix_markdown, mermaid_source, role_matrix
from twofa_fsm_tools.diagrams.graph import SELF, SYSTEM
from twofa_fsm_tools.diagrams.whom import account_roles, targets
from twofa_fsm_tools.review.paths import attackers, drawn_steps, subject
from twofa_fsm_tools.review.sequence import groups, sequence_of
from twofa_fsm_tools.review.sequence_mermaid import PathStep, path_flowchart, sequence_mermaid
from twofa_fsm_tools.scenario.loading import load_scenario
from twofa_fsm_tools.scenario.records import ScenarioResult
from twofa_fsm_tools.scenario.runner import resolve_spec, run_scenario


def _fence(text: str) -> str:
    return "```mermaid\n" + text + "```\n"


def runs_on(spec_path: Path, scenario_files: Sequence[Path]) -> list[ScenarioResult]:
    """Run every scenario whose file names ``spec_path`` (the others are not run)."""
    want = spec_path.resolve()
    out: list[ScenarioResult] = []
    for path in scenario_files:
        scenario, lines = load_scenario(path)
        if resolve_spec(scenario.spec, str(path), lines).resolve() == want:
            out.append(run_scenario(scenario, file=str(path), lines=lines))
    return out


def whom_table(graph: Graph) -> str:
    """Each role: its tier and the accounts it may act on under the tier rule."""
    held = ", ".join(r.name for r in account_roles(graph))
    lines = ["| role | tier | scope | may act on accounts of |", "|---|:-:|---|---|"]
    for r in graph.role_info:
        if r.name in (SELF, SYSTEM) or r.scope == SYSTEM:
            whom = "none (timers and counters act on any account)" if r.scope == SYSTEM else ""
        else:
            whom = f"tier ≤ {r.tier}: {', '.join(targets(graph, r.name)) or 'nobody'}"
        lines.append(f"| {r.name} | {r.tier} | {r.scope} | {whom} |")
    return "\n".join(lines) + f"\n\nAccounts are held by: {held}. Events guarded by the tier rule follow this table.\n"


def _path_steps(result: ScenarioResult) -> list[PathStep]:
    who, bad = subject(result), attackers(result)
    out: list[PathStep] = []
    for _, s, count in groups(drawn_steps(result)):
        kind = (
            "attacker" if s.actor in bad else "system" if s.actor == SYSTEM else "user" if s.actor == who else "person"
        )
        text = f"{s.event} {s.source} → {s.dest}" if s.allowed else f"{s.event} refused ({s.error_kind or 'refused'})"
        out.append(PathStep(s.step, kind, s.actor, text, not s.allowed, count))
    return out


def scenario_markdown(result: ScenarioResult) -> str:
    who = subject(result)
    story = sequence_of(result, who)
    parts = [
        f"### {result.name} ({'passed' if result.passed else 'FAILED'})\n",
        f"{' '.join(result.description.split())}\n" if result.description else "",
        "Who did what, step by step:\n",
        _fence(sequence_mermaid(story)),
    ]
    steps = _path_steps(result)
    if steps:
        parts += [f"The path of {who}'s account, coloured by who acted (✕: refused):\n", _fence(path_flowchart(steps))]
    return "\n".join(p for p in parts if p)


def spec_page(spec: Spec, stem: str, spec_label: str, results: Sequence[ScenarioResult], scenarios_label: str) -> str:
    graph = graph_of(spec)
    head = [
        f"# {graph.title}\n",
        f"Generated from `{spec_label}` and the scenarios in `{scenarios_label}` by `twofa-fsm diagrams`; do not edit.",
        f"The same lifecycle is drawn by Graphviz in `{stem}.svg`.\n",
        "## The lifecycle\n",
        _fence(mermaid_source(graph)),
        "## Who may do what\n",
        "Who may act on whom (the spec's tier rule: nobody acts on an account of a higher tier):\n",
        whom_table(graph),
        "Every transition, and who may fire it (`user` is the account holder acting on their own account):\n",
        matrix_markdown(role_matrix(graph)),
        f"## Scenarios on this spec ({len(results)})\n",
    ]
    body = [scenario_markdown(r) for r in results] or ["No scenario runs on this spec.\n"]
    return "\n".join(head + body)


def label(path: Path) -> str:
    """A path as the page names it: relative to the working folder, else its last two parts (never absolute)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return "/".join(path.parts[-2:])


def spec_page_for(spec_path: Path, stem: str, scenario_files: Sequence[Path], scenarios: Path) -> str:
    """The page of the spec at ``spec_path`` with the scenarios (of ``scenario_files``) that run on it."""
    results = runs_on(spec_path, scenario_files)
    return spec_page(load_spec(spec_path), stem, label(spec_path), results, label(scenarios))
