"""``twofa-fsm conform --driver MODULE:OBJECT``: is a tester's backend faithful to the spec?

Every case of the chosen suites runs on the driver and on the engine running the spec (the oracle),
step by step.  Exit 0 when every case conforms (or was skipped, with its reason); 1 when one diverged
(each divergence is written into ``--out`` as a scenario that ``twofa-fsm simulate`` replays); 2 on bad
input: a bad ``MODULE:OBJECT``, an object that is no driver, a bad spec (one line on stderr).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from twofa_fsm_tools.commands.common import fail, one_line_errors, write_json


@click.command()
@click.option("--driver", "driver_ref", required=True, metavar="MODULE:OBJECT",
              help="the driver: an object with the Driver methods, or a class or function that makes one")  # fmt: skip
@click.option("--spec", "spec_path", default="spec/twofa.yaml", show_default=True, type=click.Path(dir_okay=False))
@click.option("--suite", type=click.Choice(["scenarios", "paths", "walks", "all"]), default="all", show_default=True)
@click.option("--walks", type=click.IntRange(min=1, max=100_000), default=20, show_default=True,
              help="random walks per generated world")  # fmt: skip
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--scenarios", "scenario_dir", type=click.Path(file_okay=False, exists=True),
              help="a folder of scenario files for the scenarios suite (default: the shipped library)")  # fmt: skip
@click.option("--junit", "junit_out", type=click.Path(dir_okay=False), help="write JUnit XML here")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="write the verdicts as JSON here")
@click.option("--out", "out_dir", default="out/conform", show_default=True, type=click.Path(file_okay=False),
              help="where each divergence is written as a scenario file")  # fmt: skip
@click.option("--verbose", is_flag=True, help="also list the skipped cases with their reasons")
@one_line_errors
def conform(
    driver_ref: str,
    spec_path: str,
    suite: str,
    walks: int,
    seed: int,
    scenario_dir: str | None,
    junit_out: str | None,
    json_out: str | None,
    out_dir: str,
    verbose: bool,
) -> None:
    """Run the conformance suites against a driver of your backend; compare with the spec's engine."""
    from twofa_fsm import load_spec
    from twofa_fsm_tools.conform import report
    from twofa_fsm_tools.conform.library import LIBRARY
    from twofa_fsm_tools.conform.suites import SUITES, DriverError, check_case, conformance_cases, controls_clock
    from twofa_fsm_tools.conform.suites import load_driver as load

    spec = load_spec(spec_path)  # a bad spec: SpecError, one line
    try:
        factory = load(driver_ref, spec_path)
        clock = controls_clock(factory)
    except DriverError as err:
        fail(str(err))
    suites = SUITES if suite == "all" else (suite,)
    cases = conformance_cases(spec_path, suites=suites, walks=walks, seed=seed, folder=scenario_dir or LIBRARY,
                              clock=clock)  # fmt: skip
    if not clock:
        click.echo("note: the driver cannot move its clock: generated cases let no time pass", err=True)
    verdicts = [check_case(c, spec, factory, f"c{n}_", clock=clock) for n, c in enumerate(cases, start=1)]
    for line in report.summary(verdicts) + (report.skipped_reasons(verdicts) if verbose else []):
        click.echo(line)
    written = report.write_divergences(verdicts, out_dir)
    if written:
        click.echo(f"wrote {len(written)} divergence scenarios to {out_dir} (replay: twofa-fsm simulate FILE)")
    meta = {"driver": driver_ref, "spec": spec_path, "spec_name": spec.name, "suites": list(suites), "seed": seed}
    if json_out:
        write_json(json_out, report.to_json(verdicts, meta))
    if junit_out:
        Path(junit_out).parent.mkdir(parents=True, exist_ok=True)
        report.to_junit(verdicts).write(junit_out, encoding="utf-8", xml_declaration=True)
    if any(v.status == "diverged" for v in verdicts):
        sys.exit(1)
