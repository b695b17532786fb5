"""The spec's guards and effects as Promela: each allow-listed name becomes a condition or a statement over the
abstract world of ``promela.py`` (nothing in the spec text is ever copied into the model but its names).

A guard reads the acting party through ``Who`` (Promela expressions: the actor's index into the ``A_*`` tables
and the input classes it typed), so the same translation serves a move (variables) and the liveness macros
(one party's best inputs, as constants).
"""

from __future__ import annotations

from dataclasses import dataclass

from twofa_fsm.spec.catalog import GUARDS
from twofa_fsm.spec.model import Policy, Ref, Transition

ORDER = {"selector": 0, "authz": 1, "check": 2}
# input classes
PW = {"none": 0, "right": 1, "wrong": 2}
TK = {"none": 0, "mail": 1, "wrong": 2}
HD = {"none": 0, "own": 1, "wrong": 2}
# which secret a typed code comes from
SN, SB, SP, SD = 0, 1, 2, 3


@dataclass(frozen=True)
class Who:
    """Who acts and what they typed, as Promela expressions."""

    a: str = "a"
    pw: str = "pw"
    tk: str = "tk"
    hd: str = "hd"
    csec: str = "csec"  # SN/SB/SP/SD: the secret the typed code comes from
    coff: str = "coff"  # its time step relative to now
    cmal: str = "cmal"  # malformed
    cgiven: str = "cgiven"  # a code was typed at all


def ordered(t: Transition) -> list[Ref]:
    """Selectors first, then authorisation, then checks; file order within each (the engine's order)."""
    return sorted(t.guards, key=lambda g: ORDER[GUARDS[g.name].kind])


def _code(w: Who, secret: int, policy: Policy) -> tuple[str, str]:
    """(passes, counts as a failed attempt) for a code guard of the bound (SB) or pending (SP) secret."""
    exists = "bnd" if secret == SB else "pnd"
    win = policy.drift_window
    fresh = f" && {w.coff} > lrel" if secret == SB else ""  # a bound code's step must be newer than the last used
    ok = f"({exists} && {w.csec} == {secret} && !{w.cmal} && {w.coff} >= -{win} && {w.coff} <= {win}{fresh})"
    return ok, f"({exists} && {w.cgiven})"


def guard(g: Ref, w: Who, policy: Policy) -> tuple[str, str]:
    """(condition, counts-if-it-fails) for one guard."""
    a = w.a
    if g.name in ("bound_code_valid", "pending_code_valid"):
        return _code(w, SB if g.name == "bound_code_valid" else SP, policy)
    roles = (g.arg,) if isinstance(g.arg, str) else (g.arg or ())
    recent = (
        "0" if policy.recent_auth_seconds is None else f"((A_HOLDER[{a}] && hver) || (!A_HOLDER[{a}] && A_FRESH[{a}]))"
    )
    own_handle = f"({w.hd} == {HD['own']} && hnd != 0 && hnd == A_BIT[{a}])"
    table = {
        "came_from": f"prior == S_{g.arg}",
        "same_organisation": f"(A_VENDOR[{a}] || A_ORG[{a}])",
        "actor_role_in": "(" + " || ".join(f"A_ROLE[{a}] == R_{r}" for r in roles) + ")" if roles else "0",
        "not_self": f"!A_SELF[{a}]",
        "is_self": f"A_SELF[{a}]",
        "actor_is_system": f"A_SYS[{a}]",
        "target_tier_not_above_actor": f"(A_HASROLE[{a}] && TTIER <= A_TIER[{a}])",
        "actor_recently_verified": recent,
        "support_only_for_sole_owner": f"(!A_VENDOR[{a}] || SOLE)",
        "setup_started_by_caller": f"(!hset || {own_handle} || {w.pw} == {PW['right']})",
        "password_valid": f"{w.pw} == {PW['right']}",
        "setup_token_valid": f"(!treq || (tok == 1 && {w.tk} == {TK['mail']} && mailtok))",
        "not_backed_off": "!boff",
        "reset_timed_out": "rdue",
        "setup_timed_out": "stimeout",
        "setup_not_timed_out": "!stimeout",
        "failures_at_limit": f"fails >= {policy.max_failures}",
    }
    return table[g.name], "0"


def chain(t: Transition, w: Who, policy: Policy, skip: str | None = None) -> list[tuple[str, str, str, str]]:
    """The transition's guards in the engine's order: (name, kind, condition, counts); ``skip``: one guard left
    out (the cross-check's own test of itself)."""
    out: list[tuple[str, str, str, str]] = []
    for g in ordered(t):
        if g.name == skip:
            continue
        cond, counts = guard(g, w, policy)
        out.append((g.name, GUARDS[g.name].kind, cond, counts))
    return out


def passes(t: Transition, w: Who, policy: Policy) -> str:
    """One condition: every guard of ``t`` passes."""
    return " && ".join(f"({c})" for _, _, c, _ in chain(t, w, policy)) or "1"


def effect(e: Ref, a: str = "a") -> list[str]:
    """Promela statements for one effect, ``a`` acting (the step's flags record what happened to the secrets)."""
    n = e.name
    table: dict[str, list[str]] = {
        "create_pending_secret": [
            "if :: pnd -> hdead = hdead | hp; if :: rsec == 2 -> rsec = 3 :: else fi :: else fi",
            f"pnd = 1; hp = A_BIT[{a}]; accp = 0; stimeout = 0; hset = 1; hnd = A_BIT[{a}]; created = 1; dirty = 1",
        ],
        "bind_pending_secret": [
            "if :: bnd -> hdead = hdead | hb; if :: rsec == 1 -> rsec = 3 :: else fi :: else fi",
            "if :: rsec == 2 -> rsec = 1 :: else fi",
            "bfromp = pnd; bnd = pnd; hb = hp; accb = accp; bchg = 1",
            "pnd = 0; hp = 0; accp = 0; hset = 0; hnd = 0; stimeout = 0; dirty = 1",
        ],
        "discard_pending_secret": [
            "if :: pnd -> hdead = hdead | hp; dirty = 1; if :: rsec == 2 -> rsec = 3 :: else fi :: else fi",
            "pnd = 0; hp = 0; accp = 0; hset = 0; hnd = 0; stimeout = 0",
        ],
        "revoke_secret": [
            "if :: bnd -> hdead = hdead | hb; bchg = 1; dirty = 1; if :: rsec == 1 -> rsec = 3 :: else fi :: else fi",
            "bnd = 0; hb = 0; accb = 0",
        ],
        "revoke_sessions": ["if :: sess -> dirty = 1 :: else fi; sess = 0"],
        "start_session": ["sess = 1; granted = 1; dirty = 1"],
        "issue_setup_token": ["tok = 1; treq = 1; mailtok = 1; dirty = 1"],
        "consume_setup_token": ["if :: tok != 0 || treq -> dirty = 1 :: else fi; tok = 0; treq = 0; mailtok = 0"],
        "accept_code": ["if :: ok_code && coff > lrel -> lrel = coff :: else fi"],
        "clear_failures": ["if :: fails != 0 -> dirty = 1 :: else fi; fails = 0; boff = 0"],
        "record_verification": ["hver = 1"],
        "remember_prior_state": ["prior = b_st; rdue = 0"],
        "forget_prior_state": ["prior = NONE; rdue = 0"],
        "notify": ["notified_reset = 1"] if e.arg == "reset" else ["skip"],
    }
    return table[n]
