"""``twofa-fsm report --out DIR``: the designers' review page (one self-contained index.html).

Prints the path of the page on stdout; progress and notes go to stderr.  A bad
spec or scenario is one line per problem on stderr and exit 2, nothing written.
"""

from __future__ import annotations

from pathlib import Path

import click

from twofa_fsm_tools.commands.common import collect, exit_on_problems, one_line_errors


@click.command()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="folder to write index.html into")
@click.option(
    "--spec",
    "spec_path",
    default="spec/twofa.yaml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="the spec under review",
)
@click.option(
    "--scenarios",
    default="simulator/scenarios",
    show_default=True,
    type=click.Path(),
    help="scenario files or a folder of them",
)
@click.option("--no-check", is_flag=True, help="skip the exhaustive checker (faster; the page says it was not run)")
@click.option(
    "--mutants",
    type=click.Path(dir_okay=False),
    help="a `twofa-fsm mutate --json` report: the page shows its kill matrix (by class and killer)",
)
@one_line_errors
def report(out: str, spec_path: str, scenarios: str, no_check: bool, mutants: str | None) -> None:
    """Write the review page: spec summary and policy, diagram, who may do what, scenarios, checker,
    article compared."""
    from twofa_fsm import spec_problems
    from twofa_fsm_tools.diagrams.render import DOT_HINT, have_dot
    from twofa_fsm_tools.review import write_report

    exit_on_problems(spec_problems(spec_path))
    files = collect((scenarios,))
    root = Path(scenarios) if Path(scenarios).is_dir() else None
    if not have_dot():
        click.echo(f"twofa-fsm: note: {DOT_HINT}; the page shows DOT text instead of diagrams", err=True)
    index = write_report(
        out,
        spec_path,
        files,
        scenarios_root=root,
        check=not no_check,
        progress=lambda message: click.echo(f"twofa-fsm: {message} ...", err=True),
        mutants=mutants,
    )
    click.echo(str(index))
