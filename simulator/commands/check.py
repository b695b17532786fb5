"""``twofa-fsm check SPEC``: exhaustive exploration with shortest counterexamples."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from twofa_fsm_tools.commands.common import one_line_errors, stdout_console, write_json

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from twofa_fsm_tools.checker import CheckResult


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    default="out/counterexamples",
    show_default=True,
    type=click.Path(file_okay=False),
    help="where counterexample scenarios are written",
)
@click.option(
    "--limit",
    default=200_000,
    show_default=True,
    type=click.IntRange(100, 10_000_000),
    help="states per world before stopping",
)
@click.option("--json", "json_file", type=click.Path(dir_okay=False), help="also write the results as JSON")
@click.option("--quick", is_flag=True, help="explore two worlds (the lowest and the top role, set up) instead of all")
@click.option(
    "--jobs", default=2, show_default=True, type=click.IntRange(1, 64), help="explore the worlds in this many processes"
)
@click.option(
    "--liveness", is_flag=True, help="also check the liveness goals under the spec's fairness (a lasso search)"
)
@click.option(
    "--cross",
    type=click.Choice(["spin"]),
    help="check again with SPIN on the generated Promela model (implies --liveness); exit 1 if they disagree",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="explore again even if this spec was checked before with the same options and code "
    "(results are remembered in $TWOFA_FSM_CACHE, default ~/.cache/twofa-fsm; TWOFA_FSM_CACHE=off: never)",
)
@one_line_errors
def check(
    spec: str,
    out_dir: str,
    limit: int,
    json_file: str | None,
    quick: bool,
    jobs: int,
    liveness: bool,
    cross: str | None,
    fresh: bool,
) -> None:
    """Explore every reachable state of a small organisation on SPEC and check every property.

    Exit 0 when every property holds, 1 with the shortest counterexample of each
    violated property written as a scenario (replay it with `twofa-fsm simulate`),
    2 on bad input.  Liveness lassos are reported (and written) without changing the
    exit status; with --cross spin, exit 1 when SPIN and the built-in checker disagree,
    2 when spin or gcc is missing.
    """
    if cross:
        from twofa_fsm_tools.checker.cross_spin import missing_tools

        problem = missing_tools()
        if problem is not None:
            click.echo(f"twofa-fsm: error: --cross spin: {problem}", err=True)
            sys.exit(2)
    from rich.table import Table

    from twofa_fsm_tools.checker import check_spec_file
    from twofa_fsm_tools.checker.export import write_counterexample, write_counterexample_diagram
    from twofa_fsm_tools.checker.properties import PROPERTIES

    result = check_spec_file(spec, limit=limit, quick=quick, jobs=jobs, remember=not fresh)
    console = stdout_console(160)
    table = Table(title=f"twofa-fsm check {spec}", title_justify="left")
    table.add_column("world (target / start)")
    table.add_column("states", justify="right")
    for name, count in result.per_target.items():
        table.add_row(name, str(count))
    table.add_row("[b]total[/b]", f"[b]{result.states}[/b]")
    console.print(table)
    console.print(f"{result.states} states, {result.transitions} transitions explored in {result.seconds:.2f} s")
    if result.remembered:
        console.print("(remembered from an earlier run on the same spec, options and code; --fresh explores again)")
    props = Table(title="properties", title_justify="left")
    props.add_column("property")
    props.add_column("result")
    props.add_column("meaning")
    violated = result.violated()
    for prop, meaning in PROPERTIES.items():
        props.add_row(prop, "[red]VIOLATED[/red]" if prop in violated else "[green]holds[/green]", meaning)
    console.print(props)
    console.print(_parties_table(result))
    console.print(_moves_table(result))
    for note in result.notes:
        console.print(f"note: {note}")
    written: list[dict[str, object]] = []
    for v in result.shortest():
        path = write_counterexample(v, result.spec, spec, out_dir)
        console.print(f"[red]counterexample[/red] {v.prop} ({v.target}, starting {v.start}): {v.message}")
        for i, act in enumerate(v.path, 1):
            console.print(f"  {i}. {act.label()}")
        drawing = write_counterexample_diagram(v, result.spec, path)
        console.print(f"  written to {path}; replay: twofa-fsm simulate {path}; path drawn in {drawing}")
        written.append(
            {
                "property": v.prop,
                "target": v.target,
                "start": v.start,
                "message": v.message,
                "path": [a.label() for a in v.path],
                "scenario": str(path),
                "diagram": str(drawing),
            }
        )
    extra = _extra(spec, result, out_dir, quick, limit, liveness or bool(cross), bool(cross), console)
    if json_file:
        write_json(
            json_file,
            {
                "spec": spec,
                "states": result.states,
                "transitions": result.transitions,
                "seconds": round(result.seconds, 3),
                "worlds": result.per_target,
                "properties": {p: p not in violated for p in PROPERTIES},
                "checkers": extra["checkers"],
                "liveness": extra["liveness"],
                "counterexamples": written,
                "notes": result.notes,
                "parties": result.parties,
                "moves": {
                    e: {
                        "tried_by": sorted(who),
                        "inputs": sorted(result.inputs.get(e, ())),
                        "allowed_for": sorted(result.allowed_for.get(e, ())),
                    }
                    for e, who in sorted(result.tried.items())
                },
            },
        )
    sys.exit(1 if violated or extra["disagree"] else 0)


def _extra(
    spec: str, result: CheckResult, out_dir: str, quick: bool, limit: int, live: bool, cross: bool, console: Console
) -> dict[str, Any]:
    """The liveness goals and the SPIN cross-check, when asked for: what --json says of them."""
    from twofa_fsm_tools.checker.cross import VIOLATED, cross_check
    from twofa_fsm_tools.checker.cross_report import print_cross, print_liveness
    from twofa_fsm_tools.checker.liveness import liveness
    from twofa_fsm_tools.checker.properties import PROPERTIES
    from twofa_fsm_tools.checker.search import worlds_of

    violated = result.violated()
    checkers: dict[str, dict[str, str]] = {p: {"builtin": VIOLATED if p in violated else "holds"} for p in PROPERTIES}
    out: dict[str, Any] = {"checkers": checkers, "liveness": None, "disagree": False}
    if not live:
        return out
    worlds = worlds_of(result.spec, quick)
    found = liveness(result.spec, worlds, limit=limit)
    out["liveness"] = print_liveness(console, found, result.spec, spec, out_dir, "recoverable" not in violated)
    if cross:
        crossed = cross_check(result.spec, spec, result, found, worlds, out_dir=Path(out_dir) / "spin")
        print_cross(console, crossed)
        out["checkers"] = crossed.checkers()
        out["disagree"] = not crossed.agrees
    else:
        for goal in ("pending_reset_ends", "locked_out_regains_access"):
            checkers[goal] = {"builtin": VIOLATED if goal in found.lassos else "holds"}
    return out


def _parties_table(result: CheckResult) -> Table:
    from rich.table import Table

    table = Table(title="parties (derived from the spec's roles)", title_justify="left")
    table.add_column("party")
    table.add_column("who")
    for key, text in result.parties.items():
        table.add_row(key, text)
    return table


def _moves_table(result: CheckResult) -> Table:
    """Every event of the spec, who tried it with which inputs, and for whom it was ever allowed."""
    from rich.table import Table

    table = Table(title="moves explored (every event of the spec, by every party)", title_justify="left")
    table.add_column("event")
    table.add_column("tried by", justify="right")
    table.add_column("inputs tried")
    table.add_column("allowed for")
    for event in sorted(result.tried):
        allowed = ", ".join(sorted(result.allowed_for.get(event, ()))) or "never"
        if event not in result.spec.events:
            allowed = "(the system fires what is due)" if event == "tick" else "(a world action)"
        classes = sorted(result.inputs.get(event, ()))
        table.add_row(event, f"{len(result.tried[event])} parties", ", ".join(classes) or "-", allowed)
    return table
