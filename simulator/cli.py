"""The ``twofa-fsm`` command line (tools side: the library never imports it).

This module only assembles the subcommands: each lives in its own module under
``twofa_fsm_tools.commands`` and shares its helpers through ``twofa_fsm_tools.commands.common``.
The command modules import their heavy dependencies inside the commands, so
importing them all here keeps ``--help`` fast.  Bad input (a spec, a scenario, an
argument) is one line on stderr and exit 2.
"""

from __future__ import annotations

import sys

import click

from twofa_fsm_tools.commands import check, conform, coverage, diagrams, diff, mutate, population, report, simulate
from twofa_fsm_tools.commands import export as export_command
from twofa_fsm_tools.commands.common import one_line_errors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="twofa-fsm")
def main() -> None:
    """Model, check and simulate the TOTP 2FA lifecycle of an organisation's users."""


@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@one_line_errors
def validate(specs: tuple[str, ...]) -> None:
    """Validate SPEC files: exit 0 when all are valid, 2 with one line per problem otherwise.

    After the library's checks, z3 decides the guards: overlapping and never-firing transitions
    are errors, completeness gaps warnings (see docs/specs.md, "Guards decided by a solver")."""
    from twofa_fsm import spec_problems
    from twofa_fsm_tools.guards import findings_for_file

    bad = 0
    for path in specs:
        problems = spec_problems(path)
        for problem in problems:
            click.echo(f"twofa-fsm: error: {problem}", err=True)
        findings = findings_for_file(path)
        for finding in findings:
            click.echo(f"twofa-fsm: {finding}", err=True)
        if problems or any(f.severity == "error" for f in findings):
            bad += 1
        else:
            click.echo(f"{path}: valid")
    if bad:
        sys.exit(2)


@main.command()
@click.option(
    "--out", default="spec/schema.json", show_default=True, type=click.Path(dir_okay=False), help="where to write it"
)
@one_line_errors
def schema(out: str) -> None:
    """Write the spec files' JSON Schema (for editors)."""
    from twofa_fsm_tools.scenario.schemas import write_schemas

    for path in write_schemas(out):
        click.echo(f"wrote {path}")


for _command in (
    simulate.simulate,
    population.population,
    check.check,
    mutate.mutate,
    coverage.coverage,
    diagrams.diagrams,
    report.report,
    diff.diff,
    conform.conform,
    export_command.export,
):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
