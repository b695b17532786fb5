"""Every move of every party, derived from the spec under check.

Each event the target's state allows is tried by the holder, a phisher (the password, never the user's
mail), a thief (a lost phone, never the password), every person around the target (``people.py``) and
the timers, with every input class the event declares: password right / wrong / none; code current,
a step off, replayed, of a dead or the other secret, malformed, wrong or none; token from the mailbox,
an older one, a wrong one or none; the setup handle the party was given, a wrong one or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from twofa_fsm_tools.checker.world import PHISHER, THIEF, TIMERS, USER, Harness, Situation

HOLDER_CODES = ("current", "prev", "next", "prev2", "next2", "wrong", "lookalike", "replay", "dead", "other")


@dataclass(frozen=True, repr=False)
class Action:
    """One thing someone does.  ``actor``: a party, a person key, the timers (TIMERS) or ``clock``.

    Input classes: ``password`` right/wrong; ``code`` one of HOLDER_CODES; ``token`` mail/old/wrong;
    ``handle`` own/wrong; None: not given.
    """

    actor: str
    event: str
    password: str | None = None
    code: str | None = None
    token: str | None = None
    handle: str | None = None
    seconds: float = 0.0
    repeat: int = 1  # > 1: wait out the back-off and try again, that many times
    on: str | None = None  # a pair world: whose account (the actor is then a person's id); None: the target

    def __hash__(self) -> int:  # computed once: the search hashes the same moves again and again
        known: int | None = self.__dict__.get("_hash")
        if known is None:
            known = hash((self.actor, self.event, self.password, self.code, self.token, self.handle, self.seconds))
            object.__setattr__(self, "_hash", known)
        return known

    def __getstate__(self) -> dict[str, Any]:  # string hashes differ between processes: never pickle one
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def __repr__(self) -> str:
        return f"<{self.label()}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # Hypothesis prints drawn moves with this
        printer.text(repr(self))

    def label(self) -> str:
        extra = [
            x
            for x in (
                self.password and f"password={self.password}",
                self.code and f"code={self.code}",
                self.token and f"token={self.token}",
                self.handle and f"handle={self.handle}",
                self.seconds and f"{self.seconds:g}s",
                self.repeat > 1 and f"x{self.repeat}",
            )
            if x
        ]
        where = f" on {self.on}" if self.on else ""
        return f"{self.actor}.{self.event}" + (f"({', '.join(extra)})" if extra else "") + where


def enumerate_actions(h: Harness, w: Situation) -> list[Action]:
    """Every move of every party on ``w``, in a fixed order (the search's shortest paths depend on it)."""
    allowed = h.engine.allowed_events(w.account)
    out: list[Action] = []
    for event in allowed:
        out += _party_moves(h, w, event)
    out += _brute_moves(h, w, allowed)
    for event in allowed:
        out += _others(h, event)
    if h.facts.system_kind:
        out.append(Action(TIMERS, "tick"))
    out += world_moves(h, w)
    return list(dict.fromkeys(out))


def _others(h: Harness, event: str) -> list[Action]:
    """Every person's and the timers' move on ``event``: the same objects every time (hashed once)."""
    known = h.moves_of.get(event)
    if known is None:
        known = h.moves_of[event] = [*(Action(p.key, event) for p in h.people), Action(TIMERS, event)]
    return known


def best(h: Harness, w: Situation, party: str, event: str) -> Action:
    """The strongest try ``party`` can make: what they know and hold."""
    inputs = h.facts.inputs(event)
    password = ("wrong" if party == THIEF else "right") if "password" in inputs else None
    code = "current" if "code" in inputs else None
    token = None
    if "token" in inputs and party != USER:
        token = "wrong"  # attackers never read the user's mail
    elif "token" in inputs and w.mail is not None:
        token = "mail"
    handle = "own" if "handle" in inputs and w.handle(party) is not None else None
    return Action(party, event, password, code, token, handle)


def _party_moves(h: Harness, w: Situation, event: str) -> list[Action]:
    """The holder with every input class, one input varied at a time; each attacker at their best and
    with each input left out."""
    out: list[Action] = []
    for party in (USER, PHISHER, THIEF):
        top = best(h, w, party, event)
        out.append(top)
        for field, classes in _classes(h, w, party, event).items():
            out += [_with(top, field, c) for c in classes]
    return out


def _classes(h: Harness, w: Situation, party: str, event: str) -> dict[str, tuple[str | None, ...]]:
    inputs = h.facts.inputs(event)
    if party != USER:
        return {field: (None,) for field in ("password", "code", "token", "handle") if field in inputs}
    out: dict[str, tuple[str | None, ...]] = {}
    if "password" in inputs:
        out["password"] = ("wrong", None)
    if "code" in inputs:
        out["code"] = (*_holder_codes(h, w, event), None)
    if "token" in inputs:
        out["token"] = ("old", "wrong", None) if w.old_mail is not None else ("wrong", None)
    if "handle" in inputs:
        out["handle"] = ("wrong", None)
    return out


def _holder_codes(h: Harness, w: Situation, event: str) -> tuple[str, ...]:
    held = w.held(USER)
    a = w.account
    other = a.bound_secret if h.facts.code_source(event) == "pending" else a.pending_secret
    skip = {
        "replay": w.last_code is None,
        "dead": not (held & w.dead),
        "other": other is None or other.get_secret_value() not in held,
    }
    return tuple(c for c in HOLDER_CODES if c != "current" and not skip.get(c, False))


def _with(act: Action, field: str, value: str | None) -> Action:
    return Action(
        act.actor,
        act.event,
        value if field == "password" else act.password,
        value if field == "code" else act.code,
        value if field == "token" else act.token,
        value if field == "handle" else act.handle,
    )


def _brute_moves(h: Harness, w: Situation, allowed: list[str]) -> list[Action]:
    """Wrong codes up to one short of the limit, each after the back-off (the states in between behave
    alike): by the holder, with everything else right, on every event that judges a code."""
    top, failures = h.policy.max_failures, w.account.failures
    if not 0 < failures < top - 2:
        return []
    out: list[Action] = []
    for event in allowed:
        if event in h.facts.code_events:
            single = _with(best(h, w, USER, event), "code", "wrong")
            out.append(
                Action(USER, event, single.password, "wrong", single.token, single.handle, 0.0, top - 1 - failures)
            )
    return out


def world_moves(h: Harness, w: Situation) -> list[Action]:
    """Phones lost or wiped, and time passing past every timer that runs."""
    a, pol = w.account, h.policy
    out: list[Action] = []
    if w.held(USER):
        out += [Action(USER, "lose_phone"), Action(USER, "delete_app")]  # the thief picks a lost phone up
    out.append(Action("clock", "wait", seconds=float(pol.period)))
    if a.failures:
        out.append(Action("clock", "wait", seconds=pol.backoff_max_seconds + pol.period))
    timers = (
        (pol.setup_timeout_seconds, a.pending_secret),
        (pol.token_lifetime_seconds, a.token_digest),
        (pol.reset_confirm_seconds, a.reset_requested_at),
    )
    for limit, running in timers:
        if limit is not None and running is not None:
            out.append(Action("clock", "wait", seconds=float(limit + pol.period)))
    return out
