"""``twofa-fsm mutate SPEC``: break the spec on purpose; every break must be caught."""

from __future__ import annotations

import fnmatch
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from twofa_fsm_tools.commands.common import one_line_errors, stdout_console, write_json

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from twofa_fsm import Spec
    from twofa_fsm_tools.mutation.kinds import Mutant
    from twofa_fsm_tools.mutation.run import Verdict


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option(
    "--scenarios",
    "scenario_dir",
    default="simulator/scenarios",
    show_default=True,
    type=click.Path(file_okay=False),
    help="the scenario library to run on each mutant",
)
@click.option("--jobs", default=2, show_default=True, type=click.IntRange(1, 64), help="worker processes")
@click.option("--only", "patterns", multiple=True, help="run only mutants whose id matches this glob (repeatable)")
@click.option("--quick", is_flag=True, help="explore fewer worlds per mutant (faster, for the fast test subset)")
@click.option(
    "--hypothesis", is_flag=True, help="also run the Hypothesis stateful machine on each mutant (a fourth killer)"
)
@click.option("--json", "json_file", type=click.Path(dir_okay=False), help="also write the verdicts as JSON")
@click.option("--list", "list_only", is_flag=True, help="list the mutants' ids and descriptions, run nothing")
@one_line_errors
def mutate(
    spec: str,
    scenario_dir: str,
    jobs: int,
    patterns: tuple[str, ...],
    quick: bool,
    hypothesis: bool,
    json_file: str | None,
    list_only: bool,
) -> None:
    """Generate broken versions of SPEC and run validation, the checker and the scenario library on each
    (and, with --hypothesis, the stateful machine), every killer on every mutant: the kill matrix says which
    of them catches what.

    Exit 0 when every mutant is killed (or listed as equivalent, with its reason),
    1 when any survives, 2 on bad input.
    """
    from twofa_fsm import load_spec
    from twofa_fsm_tools.mutation.hypothesis_killer import available
    from twofa_fsm_tools.mutation.run import KILLERS, matrix, scenarios_for

    mutants = _select(load_spec(spec), patterns)
    if list_only:
        for m in mutants:
            click.echo(f"{m.id}\t{m.description}")
        return
    files = scenarios_for(spec, scenario_dir)
    console = stdout_console(160)
    missing = available() if hypothesis else None
    if missing:
        console.print(f"note: the Hypothesis killer is skipped: {missing}")
    hypothesis = hypothesis and missing is None
    killers = [k for k in KILLERS if hypothesis or k != "hypothesis"]
    console.print(
        f"{len(mutants)} mutants of {spec}; checks: validate, checker{' (quick)' if quick else ''}, {len(files)} "
        "scenarios" + (", Hypothesis" if hypothesis else "")
    )
    verdicts = _run_table(console, mutants, files, jobs, quick, hypothesis)
    survived = _summary(console, verdicts)
    table = matrix(verdicts)
    console.print(_matrix_table(table, killers))
    if json_file:
        report = {"spec": spec, "killers": killers, "matrix": table, "verdicts": [v.__dict__ for v in verdicts]}
        write_json(json_file, report)
    sys.exit(1 if survived else 0)


def _select(spec: Spec, patterns: tuple[str, ...]) -> list[Mutant]:
    """The mutants of ``spec`` whose id matches one of ``patterns`` (all when there is none)."""
    from twofa_fsm_tools.mutation.mutants import generate

    mutants = [m for m in generate(spec) if not patterns or any(fnmatch.fnmatch(m.id, p) for p in patterns)]
    if not mutants:
        raise click.BadParameter(
            f"no mutant id matches {', '.join(patterns)}; see them with --list", param_hint="--only"
        )
    return mutants


def _run_table(
    console: Console, mutants: list[Mutant], files: list[Path], jobs: int, quick: bool, hypothesis: bool
) -> list[Verdict]:
    """Run every mutant and print one row per verdict."""
    from rich.table import Table

    from twofa_fsm_tools.mutation.run import run_all

    table = Table(title="mutants", title_justify="left")
    for col in ("mutant", "result", "killed by", "detail"):
        table.add_column(col, overflow="fold")
    verdicts = []
    with console.status("running mutants ...") if console.is_terminal else _Null():
        for v in run_all(mutants, files, jobs=jobs, quick=quick, hypothesis=hypothesis):
            verdicts.append(v)
            colour = {"killed": "green", "equivalent": "yellow", "survived": "red"}[v.status]
            table.add_row(v.id, f"[{colour}]{v.status}[/{colour}]", ", ".join(v.killed_by) or "-", v.detail)
    console.print(table)
    return verdicts


def _summary(console: Console, verdicts: list[Verdict]) -> list[Verdict]:
    """Print the kill rate, the equivalent mutants and the survivors; return the survivors."""
    killed = sum(v.status == "killed" for v in verdicts)
    equivalent = [v for v in verdicts if v.status == "equivalent"]
    survived = [v for v in verdicts if v.status == "survived"]
    by: dict[str, int] = {}
    for v in verdicts:
        for k in v.killed_by:
            by[k] = by.get(k, 0) + 1
    judged = len(verdicts) - len(equivalent)
    console.print(
        f"{killed}/{judged} non-equivalent mutants killed ({100 * killed / max(judged, 1):.0f}%); "
        f"{len(equivalent)} equivalent; {len(survived)} survived; kills by check: "
        + ", ".join(f"{k} {n}" for k, n in sorted(by.items()))
    )
    for v in equivalent:
        console.print(f"[yellow]equivalent[/yellow] {v.id}: {v.detail}")
    for v in survived:
        console.print(f"[red]SURVIVED[/red] {v.id}: {v.description}")
    return survived


def _matrix_table(rows: dict[str, dict[str, int]], killers: list[str]) -> Table:
    """The kill matrix: per mutant class, how many each killer kills (a mutant may fall to several)."""
    from rich.table import Table

    table = Table(title="kill matrix (mutants killed, by class and killer)", title_justify="left")
    for col in ("class", "mutants", *killers, "equivalent", "survived"):
        table.add_column(col, justify="left" if col == "class" else "right")
    for kind, row in rows.items():
        table.add_row(kind, *(str(row[c]) for c in ("mutants", *killers, "equivalent", "survived")))
    return table


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None
