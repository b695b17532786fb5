"""``twofa-fsm coverage``: what the scenario library exercises of a spec."""

from __future__ import annotations

import sys

import click

from twofa_fsm_tools.commands.common import one_line_errors, stdout_console, write_json


@click.command()
@click.option("--spec", "spec_path", default="spec/twofa.yaml", show_default=True, type=click.Path(dir_okay=False))
@click.option(
    "--scenarios", "scenario_dir", default="simulator/scenarios", show_default=True, type=click.Path(file_okay=False)
)
@click.option("--json", "json_file", type=click.Path(dir_okay=False), help="also write the coverage as JSON")
@one_line_errors
def coverage(spec_path: str, scenario_dir: str, json_file: str | None) -> None:
    """Report which transitions of SPEC, and which guard outcomes per role, the scenarios exercise.

    Exit 0 when every transition is exercised, 1 otherwise, 2 on bad input.
    """
    from rich.table import Table

    from twofa_fsm_tools.mutation.run import scenarios_for
    from twofa_fsm_tools.scenario.coverage import measure
    from twofa_fsm_tools.scenario.runner import run_scenario_file

    files = scenarios_for(spec_path, scenario_dir)
    cov = measure(spec_path, [run_scenario_file(f) for f in files])
    console = stdout_console(160)
    edges = Table(title=f"transitions of {spec_path} exercised by {len(cov.scenarios)} scenarios", title_justify="left")
    for col in ("#", "from", "event", "to", "times"):
        edges.add_column(col)
    for i, src, event, dest in cov.all_edges():
        n = cov.edges[(i, src, event, dest)]
        edges.add_row(str(i), src, event, dest, str(n) if n else "[red]never[/red]")
    console.print(edges)
    roles = cov.roles()
    outcomes = Table(title="guard outcomes per role (allowed / denied by which guard)", title_justify="left")
    outcomes.add_column("event")
    for role in roles:
        outcomes.add_column(role, overflow="fold")
    for event in cov.spec.events:
        cells = []
        for role in roles:
            found = sorted((what, n) for (e, r, what), n in cov.outcomes.items() if e == event and r == role)
            cells.append("\n".join(f"{what} ×{n}" for what, n in found) or "-")
        outcomes.add_row(event, *cells)
    console.print(outcomes)
    missing = cov.missing()
    total = len(cov.all_edges())
    console.print(
        f"{total - len(missing)}/{total} transitions exercised"
        + (": missing " + ", ".join(f"{s} -{e}-> {d}" for _, s, e, d in missing) if missing else "")
    )
    if json_file:
        write_json(
            json_file,
            {
                "spec": spec_path,
                "scenarios": cov.scenarios,
                "transitions": [
                    {"index": i, "from": s, "event": e, "to": d, "times": cov.edges[(i, s, e, d)]}
                    for i, s, e, d in cov.all_edges()
                ],
                "outcomes": [
                    {"event": e, "role": r, "outcome": w, "times": n} for (e, r, w), n in sorted(cov.outcomes.items())
                ],
            },
        )
    sys.exit(1 if missing else 0)
