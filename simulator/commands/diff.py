"""``twofa-fsm diff SPEC_A SPEC_B``: two specs compared by structure and by behaviour."""

from __future__ import annotations

import click

from twofa_fsm_tools.commands.common import one_line_errors, stdout_console


@click.command()
@click.argument("spec_a", type=click.Path(dir_okay=False))
@click.argument("spec_b", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    default="out/diff",
    show_default=True,
    type=click.Path(file_okay=False),
    help="where the distinguishing scenarios are written",
)
@click.option("--jobs", default=2, show_default=True, type=click.IntRange(1, 64), help="checker processes")
@one_line_errors
def diff(spec_a: str, spec_b: str, out_dir: str, jobs: int) -> None:
    """Compare SPEC_A and SPEC_B: what SPEC_B adds (+), removes (-) or changes (~), then the shortest
    scenario that one spec allows and the other forbids (replay it on each with `twofa-fsm simulate
    FILE --spec`).  Exit 0; 2 on bad input."""
    from twofa_fsm import load_spec
    from twofa_fsm_tools.compare import distinguish, structure

    a, b = load_spec(spec_a), load_spec(spec_b)
    console = stdout_console(160)
    console.print(f"[b]structure[/b]: {spec_b} compared with {spec_a}")
    for line in structure(a, b) or ["(no structural difference)"]:
        console.print(f"  {line}", markup=False, highlight=False)
    console.print("[b]behaviour[/b]: counterexamples of each spec replayed on the other")
    found = distinguish((a, spec_a), (b, spec_b), out_dir, jobs=jobs)
    if not found:
        console.print("  no scenario found that one spec allows and the other forbids")
    for d in found:
        console.print(f"  breaks {d.prop} on {d.fails_on}, passes on {d.passes_on}: {d.message}")
        for i, step in enumerate(d.steps, 1):
            console.print(f"    {i}. {step}", markup=False, highlight=False)
        console.print(f"    scenario: {d.scenario}", markup=False, highlight=False)
