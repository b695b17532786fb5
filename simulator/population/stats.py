"""Block results and the merged summary of a population run.

Everything in ``results`` comes from the simulated clock and the seeded RNGs,
so it is identical whatever ``--jobs`` is; only ``speed`` depends on the machine.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

LOCK_CAUSES = (
    "lost_phone",
    "deleted_app",
    "changed_phone",
    "stolen_phone",
    "brute_force_lock",
    "attacker_reset",
    "attacker_takeover",
    "other",
)
ATTACK_KINDS = ("help_desk", "reset_window", "brute_force", "stolen_phone")


@dataclass
class BlockResult:
    """What one block of users produced (picklable; merged in block order)."""

    block: int
    counts: Counter[str] = field(default_factory=Counter)
    lock_hours: list[float] = field(default_factory=list)  # completed lockouts
    open_lock_hours: list[float] = field(default_factory=list)  # still locked out at the end (censored)


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (0 when there are no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _r(x: float) -> float:
    return round(x, 3)


def merge(blocks: Iterable[BlockResult]) -> tuple[Counter[str], list[float], list[float]]:
    counts: Counter[str] = Counter()
    hours: list[float] = []
    open_hours: list[float] = []
    for b in sorted(blocks, key=lambda b: b.block):
        counts.update(b.counts)
        hours.extend(b.lock_hours)
        open_hours.extend(b.open_lock_hours)
    return counts, hours, open_hours


def results(blocks: Iterable[BlockResult]) -> dict[str, Any]:
    """The deterministic numbers of a run."""
    c, hours, open_hours = merge(blocks)
    return {
        "users": c["users"],
        "organisations": c["orgs"],
        "sole_owner_organisations": c["sole_owner_orgs"],
        "lockouts": c["lockouts"],
        "lockouts_by_cause": {k: c[f"lockouts.{k}"] for k in LOCK_CAUSES},
        "resets": c["resets"],
        "resets_by_support": c["resets_by_support"],
        "cancelled_resets": c["cancelled_resets"],
        "locked_out_hours": {
            "completed": len(hours),
            "median": _r(statistics.median(hours)) if hours else 0.0,
            "p95": _r(percentile(hours, 0.95)),
            "max": _r(max(hours, default=0.0)),
        },
        "still_locked_out_at_end": len(open_hours),
        "stranded": c["stranded"],
        "support_refused": c["support_refused"],
        "abandoned_setups": c["abandoned_setups"],
        "expired_setups": c["setup_expiries"],
        "expired_setup_tokens": c["expired_setup_tokens"],
        "phone_changes_kept_codes": c["phone_changes_kept"],
        "attacker_attempts": sum(c[f"attempts.{k}"] for k in ATTACK_KINDS),
        "attacker_successes": sum(c[f"successes.{k}"] for k in ATTACK_KINDS),
        "attacks": {k: {"attempts": c[f"attempts.{k}"], "successes": c[f"successes.{k}"]} for k in ATTACK_KINDS},
        "engine_logins": c["logins"],
        "engine_events": c["engine_events"],
        "refused_events": c["refused_events"],
        "unexpected_refusals": c["unexpected_refusals"],
        "final_states": {k.removeprefix("state."): v for k, v in sorted(c.items()) if k.startswith("state.")},
    }


def speed(engine_events: int, wall_seconds: float) -> dict[str, float]:
    return {
        "wall_seconds": _r(wall_seconds),
        "events_per_second": round(engine_events / wall_seconds) if wall_seconds > 0 else 0.0,
    }
