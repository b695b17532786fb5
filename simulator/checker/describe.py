"""The parties of a world in words, for the designer: who the proof let act, and how they stood."""

from __future__ import annotations

from twofa_fsm_tools.checker.people import FRESH, LOCKED, LOGGED_OUT, RESET, SELF, STALE, VENDOR
from twofa_fsm_tools.checker.world import TIMERS, Harness

STANDING_TEXT = {
    FRESH: "own account set up, passed 2FA just now",
    STALE: "own account set up, last 2FA longer ago than the policy's recent window",
    LOGGED_OUT: "own account set up, no live session (logged out or sessions revoked)",
    LOCKED: "own account taken out of its access state by their own first move that does so (e.g. a lost phone)",
    RESET: "own account just created or reset: not set up",
    VENDOR: "vendor staff (verified by the vendor's console)",
}


def describe_parties(h: Harness) -> dict[str, str]:
    """Who acts in a world: the holder, the attackers, the timers and every person, in words."""
    out = {
        "user": "the account's holder: the password, the phone, the mailbox, the setup handle they were given",
        "phisher": "an attacker with the phished password (never the mailbox)",
        "thief": "an attacker with the holder's lost phone (never the password)",
        TIMERS: "timers and counters (and every event fired as their actor)",
    }
    for p in h.people:
        if p.standing == SELF:
            out[p.key] = "the target acting as an organisation actor on their own account"
            continue
        where = (
            "the same organisation" if p.org == h.org else ("the vendor" if p.org is None else "another organisation")
        )
        out[p.key] = f"{p.role} of {where}: {STANDING_TEXT[p.standing]}"
    return out
