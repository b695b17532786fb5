"""The clock's moves in the Promela model, as the built-in checker's ``moves.world_moves``."""

from __future__ import annotations

from twofa_fsm import Spec


def waits(spec: Spec) -> list[tuple[float, str]]:
    """The clock's moves: (seconds, when offered), as the built-in checker's ``world_moves``."""
    pol = spec.policy
    out = [(float(pol.period), "1"), (pol.backoff_max_seconds + pol.period, "fails > 0")]
    for limit, running in (
        (pol.setup_timeout_seconds, "pnd"),
        (pol.token_lifetime_seconds, "tok == 1"),
        (pol.reset_confirm_seconds, "prior != NONE"),
    ):
        if limit is not None:
            out.append((float(limit + pol.period), running))
    return out
