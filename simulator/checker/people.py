"""The people around the target, derived from the spec's roles: every organisation role (in the target's
organisation: standing and recently verified, standing but verified long ago, logged out, reset), the top
organisation role of another organisation, every vendor-scope role, and the target acting as a colleague.

An organisation person acts through an account of their own (``start.py`` builds it the way its holder
would); the library's ``twofa_fsm.acting.standing`` decides from that account whether they may act.
"""

from __future__ import annotations

from dataclasses import dataclass

from twofa_fsm_tools.checker.derive import Facts

# How a person stands: may act with a fresh 2FA, with an old one, or not at all (their own account says so)
FRESH, STALE, LOGGED_OUT, LOCKED, RESET = "fresh", "stale", "out", "locked", "reset"
VENDOR, SELF = "vendor", "self"
PEER = "peer"  # the other holder of the target's role in a pair world: stands as their live account says
STANDS = frozenset({FRESH, STALE, VENDOR, SELF, PEER})


@dataclass(frozen=True)
class Colleague:
    """Someone who may act on the target as an organisation (or vendor) actor."""

    key: str
    id: str
    role: str
    org: str | None
    standing: str = FRESH

    @property
    def fresh(self) -> bool:
        """Passed 2FA recently."""
        return self.standing != STALE

    @property
    def stands(self) -> bool:
        """Their own account lets them act at all (access state, live session)."""
        return self.standing in STANDS

    @property
    def backed(self) -> bool:
        """Acts through an account of their own (organisation roles, not the target itself)."""
        return self.standing not in (VENDOR, SELF)


def target_id(role: str) -> str:
    return f"{role}_t"


def colleagues(
    facts: Facts, target_role: str, org: str, other_org: str, *, lean: bool = False
) -> tuple[Colleague, ...]:
    """Everyone who may try an event on the target's account, in a fixed order.  ``lean``: only people whose
    own account stands (the others are refused by the library before the spec's guards run, whatever the
    spec says: a spec's mutants need not meet them again)."""
    out: list[Colleague] = []
    standings = (FRESH, STALE) if lean else (FRESH, STALE, LOGGED_OUT, LOCKED, RESET)
    for role in facts.org_roles:
        if role == target_role == facts.org_roles[0]:
            continue  # the target is the only holder of the top role (so it stays alone there)
        for standing in standings:
            ident = f"{role}_{standing}"
            out.append(Colleague(ident, ident, role, org, standing))
    if facts.org_roles:
        top = facts.org_roles[0]
        out.append(Colleague(f"{top}_other", f"{top}_other", top, other_org))
    out += [Colleague(f"{role}_desk", f"{role}_desk", role, None, VENDOR) for role in facts.vendor_roles]
    out.append(Colleague("self", target_id(target_role), target_role, org, SELF))
    return tuple(out)
