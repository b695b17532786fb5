"""Who may reset whom, as the rules say it (docs/background.md), whatever roles a spec declares.

Only an organisation Owner or Admin resets someone's 2FA; never their own; an Admin never an Owner;
only after a recent 2FA of their own (Cancel, which changes nothing, excepted); vendor support only
for an Owner whom no other Owner can help.  These names are the rules' words, not the spec's: a spec
that gives the right to reset to any other role breaks the rules.
"""

from __future__ import annotations

from twofa_fsm_tools.checker.people import PEER, VENDOR, Colleague
from twofa_fsm_tools.checker.world import ORG, Harness

RESETTERS = ("owner", "admin")  # the rules' Owner and Admin
OWNER = "owner"
SOLE_TOP_NOTE = (
    "sole owner: {message}; nobody in the organisation can reset an Owner - keep two Owners, or use vendor support"
)
VENDOR_TOO = " even with vendor support"
TIERS = {"owner": 3, "admin": 2, "member": 1}  # the rules' order: an Admin cannot reset an Owner


def sole_top(h: Harness) -> bool:
    """The target is an Owner and no other Owner can act (the single worlds keep the top role's holder alone;
    a pair world says whether the other one can act now)."""
    return h.target_role == OWNER and not h.other_can_act


def _tier(h: Harness, role: str) -> int:
    if role in TIERS:
        return TIERS[role]
    info = h.spec.roles.get(role)
    return info.tier if info is not None else 0


def restores(h: Harness, event: str) -> bool:
    """``event`` only leaves the confirmation step back to where it came from (a Cancel): every transition of
    it from a confirmation state goes to the state its ``came_from`` selector names."""
    conf = h.facts.confirmation
    ts = [t for t in h.facts.transitions(event) if set(t.source) & conf]
    return bool(ts) and all((g := t.guard("came_from")) is not None and g.arg == t.dest for t in ts)


def authorised(h: Harness, person: Colleague, event: str) -> bool:
    """The rules for acting on someone else's account, independent of any spec (asked once per person and
    event in a world: the answer depends on nothing else)."""
    key = (person.key, event, h.peer_standing)
    known = h.rulings.get(key)
    if known is None:
        known = h.rulings[key] = _authorised(h, person, event)
    return known


def _authorised(h: Harness, person: Colleague, event: str) -> bool:
    if person.standing == PEER:  # the other holder in a pair world: as their live account stands now
        access, session, fresh = h.peer_standing
        ok = access and session and (fresh or restores(h, event)) and person.role in RESETTERS
        return ok and _tier(h, h.target_role) <= _tier(h, person.role)
    if not person.stands or person.id == h.target_id:
        return False
    if person.standing == VENDOR:
        return sole_top(h)
    if person.org != ORG or person.role not in RESETTERS:
        return False
    if _tier(h, h.target_role) > _tier(h, person.role):
        return False
    return person.fresh or restores(h, event)
