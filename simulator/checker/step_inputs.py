"""What a checker move typed, as a scenario step's input classes (counterexamples are written as scenarios)."""

from __future__ import annotations

from typing import Any

from twofa_fsm_tools.checker.derive import Facts
from twofa_fsm_tools.checker.moves import Action

CODES = {
    "current": "current",
    "prev": "drift:-1",
    "next": "drift:+1",
    "prev2": "drift:-2",
    "next2": "drift:+2",
    "wrong": "wrong",
    "lookalike": "malformed:fullwidth",
    "replay": "replay",
    "dead": "current",
    "other": "current",
}
PASSWORDS = {"right": "known", "wrong": "wrong"}
TOKENS = {"mail": "mailbox", "old": "stale", "wrong": "wrong"}


def scenario_inputs(facts: Facts, act: Action) -> dict[str, Any]:
    """The step's ``password``, ``code`` (with the authenticator ``entry``), ``token`` and ``handle``: each input
    the event declares, ``none`` when the move gave none."""
    declared = facts.inputs(act.event)
    out: dict[str, Any] = {}
    if "password" in declared:
        out["password"] = PASSWORDS.get(act.password or "", "none")
    if "code" in declared:
        out["code"] = CODES.get(act.code or "", "none")
        if act.code == "dead" or (act.code == "other" and facts.code_source(act.event) == "pending"):
            out["entry"] = "oldest"
    if "token" in declared:
        out["token"] = TOKENS.get(act.token or "", "none")
    if "handle" in declared:
        out["handle"] = act.handle or "none"
    return out
