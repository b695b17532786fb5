"""The liveness goals, shared by the built-in lasso search (``liveness.py``) and the SPIN claims
(``promela_props.py``): whenever the account is in a *trigger* state, it eventually reaches a *goal*."""

from __future__ import annotations

from twofa_fsm_tools.checker.derive import Facts

GOALS: dict[str, str] = {
    "pending_reset_ends": "a reset waiting at the confirmation step eventually ends (confirmed, cancelled or expired)",
    "locked_out_regains_access": "a locked-out user eventually gets back to an access state with their own phone",
}

Cond = tuple[frozenset[str], bool]  # (states, and the user holds the bound secret: recovered)


def locked_states(facts: Facts) -> frozenset[str]:
    """Where the lock at the failure limit leads: the spec's locked-out state(s)."""
    return frozenset(t.dest for t in facts.spec.transitions if t.guard("failures_at_limit"))


def goal_states(facts: Facts, name: str) -> tuple[Cond, Cond]:
    """(trigger, goal) of a liveness goal."""
    states = frozenset(facts.spec.states)
    if name == "pending_reset_ends":
        return (facts.confirmation, False), (states - facts.confirmation, False)
    return (locked_states(facts), False), (facts.access, True)
