"""What ``check --liveness`` and ``check --cross spin`` print: the liveness results, the property x checker
table, and each disagreement with both counterexamples side by side."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from rich.console import Console
from rich.table import Table

from twofa_fsm import Spec
from twofa_fsm_tools.checker.cross import CrossResult
from twofa_fsm_tools.checker.liveness import LivenessResult, write_lasso
from twofa_fsm_tools.checker.liveness_goals import GOALS


def print_liveness(
    console: Console, live: LivenessResult, spec: Spec, spec_path: str, out_dir: str, recoverable: bool
) -> list[dict[str, Any]]:
    """The liveness goals (and ``recoverable`` beside them); each lasso written as a scenario and drawn."""
    table = Table(
        title="liveness under the spec's declared fairness (weak fairness; time passes)", title_justify="left"
    )
    for col in ("property", "result", "meaning"):
        table.add_column(col)
    for goal, meaning in GOALS.items():
        bad = goal in live.lassos
        table.add_row(goal, "[red]VIOLATED[/red]" if bad else "[green]holds[/green]", meaning)
    table.add_row(
        "recoverable",
        "[green]holds[/green]" if recoverable else "[red]VIOLATED[/red]",
        "(possible, not inevitable: see above)",
    )
    console.print(table)
    console.print(f"liveness: {live.states} states in {live.seconds:.2f} s; {len(spec.fairness)} fairness declarations")
    written: list[dict[str, Any]] = []
    for goal, lasso in live.lassos.items():
        path, drawing = write_lasso(lasso, spec, spec_path, out_dir)
        console.print(f"[red]lasso[/red] {goal} ({lasso.role}, starting {lasso.start}):")
        for i, act in enumerate(lasso.prefix, 1):
            console.print(f"  {i}. {act.label()}")
        for i, act in enumerate(lasso.loop, len(lasso.prefix) + 1):
            console.print(f"  {i}. {act.label()}   (loop)")
        console.print(f"  written to {path} (the loop twice); replay: twofa-fsm simulate {path}; drawn in {drawing}")
        written.append(
            {
                "property": goal,
                "target": lasso.role,
                "start": lasso.start,
                "prefix": [a.label() for a in lasso.prefix],
                "loop": [a.label() for a in lasso.loop],
                "scenario": str(path),
                "diagram": str(drawing),
            }
        )
    return written


def print_cross(console: Console, cross: CrossResult) -> None:
    table = Table(title="cross-check: the built-in checker and SPIN, per property", title_justify="left")
    for col in ("property", "built-in", "spin", ""):
        table.add_column(col)
    for r in cross.rows:
        mark = "" if r.agrees else "[red]DISAGREE[/red]"
        table.add_row(r.prop, r.builtin, r.spin if r.spin != "-" else "- (not modelled)", mark)
    console.print(table)
    run = cross.spin
    console.print(f"SPIN: {run.states} states in the largest model, {run.seconds:.2f} s")
    for r in cross.rows:
        if r.spin_scenario:
            console.print(f"SPIN counterexample of {r.prop}: {r.spin_scenario} (twofa-fsm simulate {r.spin_scenario})")
    for r in cross.rows:
        if not r.agrees:
            side = Table(title=f"disagreement on {r.prop}: built-in {r.builtin}, SPIN {r.spin}", title_justify="left")
            side.add_column("built-in counterexample")
            side.add_column("SPIN counterexample")
            for left, right in zip_longest(r.builtin_path or ["(none)"], r.spin_path or ["(none)"], fillvalue=""):
                side.add_row(left, right)
            console.print(side)
