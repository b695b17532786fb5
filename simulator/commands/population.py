"""``twofa-fsm population``: simulate many users over many days and summarise what happened.

The same ``--seed`` gives the same numbers whatever ``--jobs`` is.  Bad input (a
spec, a profile, an argument) is one line on stderr and exit 2.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from twofa_fsm_tools.commands.common import fail, one_line_errors, stdout_console

_LIMITS = {"users": (1, 10_000_000), "days": (1, 36_500), "seed": (0, 2**63 - 1), "jobs": (1, 256)}


def _count(option: str) -> Callable[[click.Context, click.Parameter, str], int]:
    """Parse a whole number within limits; a bad one is one line and exit 2 (like every bad input)."""
    low, high = _LIMITS[option]

    def convert(ctx: click.Context, param: click.Parameter, value: str) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            fail(f"--{option}: not a whole number (value {str(value)!r}); fix: write a number from {low} to {high}")
        if not low <= number <= high:
            fail(f"--{option}: out of range (value {number}); fix: use a number from {low} to {high}")
        return number

    return convert


@click.command()
@click.option(
    "--spec",
    "spec_path",
    default="spec/twofa.yaml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="the spec to run",
)
@click.option(
    "--users", default="1000", callback=_count("users"), metavar="N", show_default=True, help="number of users"
)
@click.option("--days", default="365", callback=_count("days"), metavar="N", show_default=True, help="simulated days")
@click.option(
    "--seed",
    default="1",
    callback=_count("seed"),
    metavar="N",
    show_default=True,
    help="the seed: same seed, same numbers",
)
@click.option(
    "--jobs",
    default="1",
    callback=_count("jobs"),
    metavar="N",
    show_default=True,
    help="worker processes (does not change the numbers)",
)
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(dir_okay=False),
    help="profile of daily probabilities (default: simulator/profiles/default.yaml)",
)
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="write the summary as JSON here")
@one_line_errors
def population(
    spec_path: str, users: int, days: int, seed: int, jobs: int, profile_path: str | None, json_out: str | None
) -> None:
    """Simulate a population of users over days: lockouts, resets, time locked out, attacks."""
    from rich.console import Console

    from twofa_fsm_tools.population.block import BLOCK_SIZE, cached_spec
    from twofa_fsm_tools.population.profile import load_profile
    from twofa_fsm_tools.population.render import progress_bar, table
    from twofa_fsm_tools.population.run import simulate

    profile = load_profile(profile_path)
    cached_spec(spec_path)  # a bad spec is bad input: one line, exit 2, before any work
    blocks = -(-users // BLOCK_SIZE)
    with progress_bar(blocks, Console(stderr=True)) as advance:
        summary = simulate(spec_path, profile, users=users, days=days, seed=seed, jobs=jobs, progress=advance)
    stdout_console(160).print(table(summary))
    if json_out:
        Path(json_out).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
