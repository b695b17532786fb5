"""The population summary as a rich table (stdout) and a progress bar (stderr, TTY only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from twofa_fsm_tools.population.run import Progress as Advance


def _by(mapping: dict[str, int]) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in mapping.items() if v) or "none"


def table(summary: dict[str, Any]) -> Table:
    run, r, s = summary["run"], summary["results"], summary["speed"]
    hours = r["locked_out_hours"]
    title = (
        f"population: {run['users']} users x {run['days']} days on '{run['spec']}' "
        f"(seed {run['seed']}, profile {run['profile']})"
    )
    t = Table(
        title=title,
        title_justify="left",
    )
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_column("detail")
    rows: list[tuple[str, str, str]] = [
        ("organisations", str(r["organisations"]), f"{r['sole_owner_organisations']} with a sole owner"),
        ("lockouts", str(r["lockouts"]), _by(r["lockouts_by_cause"])),
        (
            "resets",
            str(r["resets"]),
            f"{r['resets_by_support']} by vendor support, {r['cancelled_resets']} cancelled first",
        ),
        ("time locked out, median (h)", f"{hours['median']:.2f}", f"{hours['completed']} lockouts ended"),
        ("time locked out, p95 (h)", f"{hours['p95']:.2f}", f"max {hours['max']:.1f} h"),
        (
            "still locked out at the end",
            str(r["still_locked_out_at_end"]),
            f"{r['stranded']} stranded (no one could reset; vendor support refused {r['support_refused']})",
        ),
        (
            "abandoned setups",
            str(r["abandoned_setups"]),
            f"{r['expired_setups']} expired by tick, {r['expired_setup_tokens']} setup tokens expired before use",
        ),
        ("attacker attempts", str(r["attacker_attempts"]), _by({k: v["attempts"] for k, v in r["attacks"].items()})),
        ("attacker successes", str(r["attacker_successes"]), _by({k: v["successes"] for k, v in r["attacks"].items()})),
        ("engine events", str(r["engine_events"]), f"{r['refused_events']} refused, {r['engine_logins']} logins"),
        ("events per second", str(s["events_per_second"]), f"{s['jobs']} job(s)"),
        ("wall time (s)", f"{s['wall_seconds']:.2f}", f"{run['blocks']} blocks of {run['block_size']} users"),
    ]
    for measure, value, detail in rows:
        style = "bold red" if measure == "attacker successes" and r["attacker_successes"] else None
        t.add_row(measure, value, detail, style=style)
    return t


@contextmanager
def progress_bar(total: int, console: Console) -> Iterator[Advance]:
    """A block counter on ``console`` (stderr), silent when that is not a terminal."""
    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("blocks"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    ) as bar:
        task = bar.add_task("blocks", total=total)

        def advance(n: int) -> None:
            bar.advance(task, n)

        yield advance
