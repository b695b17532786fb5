"""``twofa-fsm simulate PATH...``: run scenario files (or folders of them) and report.

Exit 0 when every scenario passed; 1 when some failed or could not run (an errored case, the others
still run); 2 on bad input: a bad option, or not one scenario could run (one line per problem on
stderr, no traceback).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from twofa_fsm_tools.commands.common import collect, one_line_errors, stdout_console, write_json

if TYPE_CHECKING:
    from twofa_fsm_tools.scenario.records import ScenarioResult


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="write the results as JSON here")
@click.option(
    "--junit", "junit_out", type=click.Path(dir_okay=False), help="write JUnit XML here (one test case per scenario)"
)
@click.option(
    "--spec",
    "specs",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="run every scenario on this spec instead of its own (repeat: on each of them)",
)
@click.option("--tag", "tags", multiple=True, help="run only the scenarios with this tag (repeat: any of them)")
@click.option("--brief", is_flag=True, help="print only the summary (and the failed scenarios)")
@click.option(
    "--trace", is_flag=True, help="after each step, print the world: accounts, phones and what they hold, mailboxes"
)
@click.option(
    "--step",
    "step_through",
    is_flag=True,
    help="step through each scenario: after each step, show the world and wait for Enter (q quits)",
)
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
    specs: tuple[str, ...],
    tags: tuple[str, ...],
    brief: bool,
    trace: bool,
    diagrams_out: str | None = None,
    step_through: bool = False,
) -> None:
    """Run scenario files or folders; print a table per scenario and traces of failures."""
    from twofa_fsm_tools.scenario.terminal import print_results

    trace = trace or step_through
    results = [r for spec in (specs or (None,)) for r in _run_all(collect(paths), spec, tags, trace)]
    for r in results:
        if r.error:
            click.echo(f"twofa-fsm: error: {r.error}", err=True)
    print_results(stdout_console(200), results, brief=brief)
    if trace:
        for r in results:
            if not _print_trace(r, wait=step_through):
                break
    _print_failures(results)
    _write_outputs(results, json_out, junit_out, diagrams_out)
    if results and all(r.error for r in results):
        sys.exit(2)  # nothing could run: bad input
    if any(not r.passed for r in results):
        sys.exit(1)


def _run_all(
    files: list[Path], spec_override: str | None, tags: tuple[str, ...] = (), trace: bool = False
) -> list[ScenarioResult]:
    """Run every file; one that does not load or does not fit its spec is an errored case (the others still
    run).  A bad ``--spec`` is bad input: one line, exit 2."""
    from twofa_fsm import load_spec
    from twofa_fsm.errors import SpecError
    from twofa_fsm_tools.scenario.loading import load_scenario
    from twofa_fsm_tools.scenario.records import ScenarioResult
    from twofa_fsm_tools.scenario.runner import run_scenario

    if spec_override:
        load_spec(spec_override)
    results = []
    for path in files:
        try:
            scenario, lines = load_scenario(path)
            if tags and not set(tags) & set(scenario.tags):
                continue
            results.append(
                run_scenario(scenario, file=str(path), lines=lines, spec_override=spec_override, trace=trace)
            )
        except SpecError as err:
            results.append(ScenarioResult.errored(str(path), spec_override or "", str(err)))
    return results


def _print_failures(results: list[ScenarioResult]) -> None:
    from twofa_fsm_tools.scenario.terminal import failure_trace, replay_yaml

    for r in results:
        if not r.passed and not r.error:
            click.echo("")
            click.echo(failure_trace(r))
            click.echo(f"\nreplayable scenario of what happened in '{r.name}':\n")
            click.echo(replay_yaml(r))


def _write_outputs(
    results: list[ScenarioResult], json_out: str | None, junit_out: str | None, diagrams_out: str | None
) -> None:
    from twofa_fsm_tools.scenario.junit import to_junit
    from twofa_fsm_tools.scenario.terminal import to_json

    for out in (json_out, junit_out):
        if out:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
    if json_out:
        write_json(json_out, to_json(results))
    if junit_out:
        to_junit(results).write(junit_out, encoding="utf-8", xml_declaration=True)
    if diagrams_out:
        write_path_diagrams(results, diagrams_out)


def write_path_diagrams(results: list[ScenarioResult], out_dir: str) -> None:
    """``--diagrams DIR``: one overlay per scenario; the DOT text instead when ``dot`` is missing (one line says so)."""
    from twofa_fsm_tools.diagrams.render import DOT_HINT
    from twofa_fsm_tools.review.paths import write_overlays

    written = write_overlays(results, out_dir)
    for problem in written.problems:
        click.echo(f"twofa-fsm: error: {problem}", err=True)
    kind = "SVG" if written.rendered else "DOT"
    click.echo(f"wrote {len(written.files)} path diagrams ({kind}) to {out_dir}")
    if not written.rendered:
        click.echo(f"twofa-fsm: note: {DOT_HINT}; wrote the DOT text of each path diagram instead", err=True)


def _print_trace(result: ScenarioResult, *, wait: bool = False) -> bool:
    """``--trace``: the world after each step (secret-free: who holds which account's secret, not the secret).
    ``wait`` (``--step``): after each step wait for Enter; False when the tester typed q (stop)."""
    if result.error:
        return True
    click.echo(f"\ntrace of '{result.name}' on '{result.spec_name}':")
    done = {r.step: r for r in result.trace if r.step > 0}  # the last record of each step
    for index, world in enumerate(result.after_steps, start=1):
        rec = done.get(index)
        if rec is not None:
            click.echo(f"  step {index}: {rec.actor} {rec.action} -> {rec.result_text}")
        click.echo(f"  after step {index} (t={world['time']:.0f}): accounts: {_accounts(world)}")
        click.echo(f"    phones: {_phones(world)}")
        click.echo(f"    mailboxes: {_mail(world)}")
        if wait and click.prompt("  Enter: next step, q: quit", default="", show_default=False).strip() == "q":
            return False
    return True


def _accounts(world: dict[str, Any]) -> str:
    return "; ".join(
        f"{name} {a['state']} (failures {a['failures']}, sessions {a['sessions']}"
        + (", token outstanding)" if a["token_outstanding"] else ")")
        for name, a in world["accounts"].items()
    )


def _phones(world: dict[str, Any]) -> str:
    return "; ".join(
        f"{pid} held by {p['holder'] or 'nobody'}" + (f", app with {', '.join(p['entries']) or 'no entries'}"
        if p["app"] else ", no app")
        for pid, p in world["phones"].items()
    )  # fmt: skip


def _mail(world: dict[str, Any]) -> str:
    return "; ".join(f"{who}: {m['tokens']} token(s), notices {', '.join(m['notices']) or '-'}"
                     for who, m in world["mail"].items()) or "-"  # fmt: skip
