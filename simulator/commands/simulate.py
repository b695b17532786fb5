"""``twofa-fsm simulate PATH...``: run scenario files (or folders of them) and report.

Exit 0 when every scenario passed, 1 when some failed, 2 on bad input (one line
per problem on stderr, no traceback).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from simulator.cli import one_line_errors

if TYPE_CHECKING:
    from simulator.scenario.records import ScenarioResult


def collect(paths: tuple[str, ...]) -> list[Path]:
    """The scenario files named, or found (recursively, sorted) in the folders named."""
    from twofa_fsm.errors import SpecError

    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise SpecError(
                    "no scenario files (*.yaml) in this folder",
                    file=name,
                    fix="name a folder of scenarios, e.g. simulator/scenarios",
                )
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise SpecError("no such file or folder", file=name, fix="check the path")
    return files


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="write the results as JSON here")
@click.option(
    "--junit", "junit_out", type=click.Path(dir_okay=False), help="write JUnit XML here (one test case per scenario)"
)
@click.option(
    "--spec",
    "spec_override",
    type=click.Path(dir_okay=False),
    help="run every scenario against this spec instead of its own",
)
@click.option("--brief", is_flag=True, help="print only the summary (and the failed scenarios)")
@click.option(
    "--diagrams",
    "diagrams_out",
    type=click.Path(file_okay=False),
    help="write each scenario's path, drawn on its spec diagram, into this folder (NAME.svg)",
)
@one_line_errors
def simulate(
    paths: tuple[str, ...],
    json_out: str | None,
    junit_out: str | None,
    spec_override: str | None,
    brief: bool,
    diagrams_out: str | None = None,
) -> None:
    """Run scenario files or folders; print a table per scenario and traces of failures."""
    from rich.console import Console

    from simulator.scenario.model import load_scenario
    from simulator.scenario.runner import run_scenario
    from simulator.scenario.terminal import failure_trace, print_results, replay_yaml, to_json, to_junit
    from twofa_fsm import load_spec
    from twofa_fsm.errors import SpecError

    files = collect(paths)
    if spec_override:
        load_spec(spec_override)  # a bad spec is bad input: one line, exit 2
    loaded = []
    bad: list[str] = []
    for path in files:
        try:
            loaded.append((path, *load_scenario(path)))
        except SpecError as err:
            bad.append(str(err))
    results = []
    for path, scenario, lines in loaded:
        try:
            results.append(run_scenario(scenario, file=str(path), lines=lines, spec_override=spec_override))
        except SpecError as err:
            bad.append(str(err))
    if bad:
        for line in bad:
            click.echo(f"twofa-fsm: error: {line}", err=True)
        sys.exit(2)

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    print_results(console, results, brief=brief)
    for r in results:
        if not r.passed:
            click.echo("")
            click.echo(failure_trace(r))
            click.echo(f"\nreplayable scenario of what happened in '{r.name}':\n")
            click.echo(replay_yaml(r))
    for out in (json_out, junit_out):
        if out:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
    if json_out:
        Path(json_out).write_text(json.dumps(to_json(results), indent=2) + "\n", encoding="utf-8")
    if junit_out:
        to_junit(results).write(junit_out, encoding="utf-8", xml_declaration=True)
    if diagrams_out:
        write_path_diagrams(results, diagrams_out)
    if any(not r.passed for r in results):
        sys.exit(1)


def write_path_diagrams(results: list[ScenarioResult], out_dir: str) -> None:
    """``--diagrams DIR``: one overlay per scenario; the DOT text instead when ``dot`` is missing (one line says so)."""
    from simulator.diagrams.render import DOT_HINT
    from simulator.review.paths import write_overlays

    written = write_overlays(results, out_dir)
    for problem in written.problems:
        click.echo(f"twofa-fsm: error: {problem}", err=True)
    kind = "SVG" if written.rendered else "DOT"
    click.echo(f"wrote {len(written.files)} path diagrams ({kind}) to {out_dir}")
    if not written.rendered:
        click.echo(f"twofa-fsm: note: {DOT_HINT}; wrote the DOT text of each path diagram instead", err=True)
