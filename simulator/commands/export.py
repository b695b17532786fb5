"""``twofa-fsm export SPEC --to promela``: the spec as a Promela model for SPIN (one world of the checker)."""

from __future__ import annotations

import click

from twofa_fsm_tools.commands.common import fail, one_line_errors


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--to", "target", type=click.Choice(["promela"]), default="promela", show_default=True)
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="write the model here (default: stdout)")
@click.option(
    "--world",
    default=None,
    help="the checker's world: ROLE/set-up or ROLE/new (default: the first, the lowest role set up)",
)
@click.option("--liveness", is_flag=True, help="the liveness model (fairness monitor and liveness claims)")
@one_line_errors
def export(spec: str, target: str, out_file: str | None, world: str | None, liveness: bool) -> None:
    """Write SPEC as a Promela model: verify it with `spin -a FILE && gcc -o pan pan.c && ./pan -N PROPERTY`
    (`-a` for the liveness claims).  Exit 0; 2 on bad input."""
    from pathlib import Path

    from twofa_fsm import load_spec
    from twofa_fsm_tools.checker.derive import Facts
    from twofa_fsm_tools.checker.promela import promela_model

    loaded = load_spec(spec)
    starts = Facts(loaded).starts
    names = {f"{role}/{'set-up' if up else 'new'}": (role, up) for role, up in starts}
    chosen = world or next(iter(names), None)
    if chosen not in names:
        fail(f"--world: unknown world '{chosen}'; fix: use one of: {', '.join(names) or '(none: no roles)'}")
    role, set_up = names[chosen]
    text = promela_model(loaded, role, set_up, live=liveness).text
    if out_file is None:
        click.echo(text, nl=False)
        return
    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    Path(out_file).write_text(text, encoding="utf-8")
    click.echo(f"wrote {out_file} ({target}, world {chosen})")
