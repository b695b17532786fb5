"""The symbolic vocabulary the guards are decided over: one event's context as z3 terms.

A context is what the engine's guards read when an ``actor`` fires an event on a target
account at ``now``: who acts (role, tier and scope come from the spec's roles), who is acted
on, the actor's standing, the account's clocks and counters, its flags, and the inputs given.
Each is one z3 variable (``VARIABLES``); roles and the remembered prior state are small
integers (indices into ``roles`` and ``states``; ``NO_STATE`` when nothing is remembered).
Times are seconds elapsed, as z3 Reals; the policy's limits are constants.

``axioms()`` says which contexts are well formed (what the engine's effects and input checks
guarantee, e.g. the holder acting on their own account has that account's role and
organisation, a failure count above zero has a time); the per-state facts come from
``invariants``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import z3

from twofa_fsm.spec.model import Spec

NO_STATE = -1  # came_from: the account remembers no prior state


@dataclass(frozen=True)
class Variable:
    name: str
    sort: str  # "role", "state", "bool", "int", "real"
    meaning: str


VARIABLES: tuple[Variable, ...] = (
    Variable("actor", "role", "the actor's role (its tier and scope follow from the spec)"),
    Variable("target", "role", "the target account's role (an organisation role)"),
    Variable("self", "bool", "the actor is the target account's holder"),
    Variable("same_org", "bool", "the actor belongs to the target's organisation"),
    Variable("verified", "bool", "the actor has passed 2FA at some time"),
    Variable("verified_age", "real", "seconds since the actor last passed 2FA"),
    Variable("directory", "bool", "a directory of the organisation's roles is wired in"),
    Variable("sole_owner", "bool", "the directory says no other owner of the target's organisation can act"),
    Variable("password_ok", "bool", "the password given is the account's"),
    Variable("handle_issued", "bool", "start_setup issued a setup handle (its digest is stored)"),
    Variable("handle_ok", "bool", "the setup handle given is that one"),
    Variable("token_required", "bool", "the account needs an out-of-band setup token"),
    Variable("token_outstanding", "bool", "a setup token was issued and not spent (digest and expiry stored)"),
    Variable("token_age", "real", "seconds since the setup token was issued"),
    Variable("token_ok", "bool", "the setup token given is the outstanding one"),
    Variable("pending", "bool", "a pending (new, unbound) secret exists: a setup is open"),
    Variable("setup_age", "real", "seconds since the setup started"),
    Variable("pending_code_ok", "bool", "the code given is a fresh, well-formed code of the pending secret"),
    Variable("bound", "bool", "a secret is bound to the account"),
    Variable("bound_code_ok", "bool", "the code given is a fresh, unreplayed code of the bound secret"),
    Variable("failures", "int", "consecutive failed attempts"),
    Variable("failure_age", "real", "seconds since the last failed attempt"),
    Variable("reset_age", "real", "seconds since the confirmation step was entered"),
    Variable("came_from", "state", "the state the confirmation step was entered from (none: not remembered)"),
)


def _make(name: str, sort: str) -> Any:
    if sort in ("role", "state", "int"):
        return z3.Int(name)
    if sort == "real":
        return z3.Real(name)
    return z3.Bool(name)


def exact(value: float) -> Any:
    """A policy number as an exact z3 rational (no float rounding inside the solver)."""
    f = Fraction(value)
    return z3.RealVal(f"{f.numerator}/{f.denominator}")


class Vocabulary:
    """The z3 variables of one spec's contexts, and what its roles and states mean."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.roles: tuple[str, ...] = tuple(spec.roles)
        self.states: tuple[str, ...] = tuple(spec.states)
        self.sorts = {v.name: v.sort for v in VARIABLES}
        self.vars: dict[str, Any] = {v.name: _make(v.name, v.sort) for v in VARIABLES}

    def __getitem__(self, name: str) -> Any:
        return self.vars[name]

    def role_index(self, role: str) -> int | None:
        return self.roles.index(role) if role in self.roles else None

    def state_index(self, state: str) -> int | None:
        return self.states.index(state) if state in self.states else None

    def is_role(self, term: Any, role: str) -> Any:
        index = self.role_index(role)
        return z3.BoolVal(False) if index is None else term == index

    def scope_is(self, term: Any, scope: str) -> Any:
        return z3.Or([z3.BoolVal(False)] + [term == i for i, r in enumerate(self.roles) if self.scope(r) == scope])

    def scope(self, role: str) -> str:
        return self.spec.roles[role].scope

    def tier(self, term: Any) -> Any:
        """The tier of the role ``term`` names (an if-then-else over the spec's roles)."""
        out: Any = z3.IntVal(0)
        for i, role in reversed(list(enumerate(self.roles))):
            out = z3.If(term == i, self.spec.roles[role].tier, out)
        return out

    def top_tier(self) -> int | None:
        """The highest organisation tier (the owners'), or None without organisation roles."""
        return max((r.tier for r in self.spec.roles.values() if r.scope == "organisation"), default=None)

    def axioms(self) -> list[Any]:
        """What every well-formed context satisfies, in every state."""
        v = self.vars
        org_roles = [v["target"] == i for i, r in enumerate(self.roles) if self.scope(r) == "organisation"]
        return [
            z3.And(v["actor"] >= 0, v["actor"] < len(self.roles)),
            z3.Or([z3.BoolVal(False)] + org_roles),
            # the holder acts with their own account's role and organisation
            z3.Implies(v["self"], z3.And(v["actor"] == v["target"], v["same_org"])),
            # the system (timers, counters) is nobody's account and in no organisation
            z3.Implies(self.scope_is(v["actor"], "system"), z3.And(z3.Not(v["self"]), z3.Not(v["same_org"]))),
            # effects set and clear these together
            z3.Implies(v["handle_issued"], v["pending"]),
            z3.Implies(v["pending_code_ok"], v["pending"]),
            z3.Implies(v["bound_code_ok"], v["bound"]),
            v["token_required"] == v["token_outstanding"],
            v["failures"] >= 0,
            # the engine refuses a clock before the account's last recorded change
            v["setup_age"] >= 0,
            v["failure_age"] >= 0,
            v["reset_age"] >= 0,
        ]

    def facts(self, prior: str | None, pending: bool, bound: bool) -> Any:
        """One combination of the per-state flags (see ``invariants``) as a z3 formula."""
        index = NO_STATE if prior is None else self.state_index(prior)
        return z3.And(
            self.vars["came_from"] == (NO_STATE if index is None else index),
            self.vars["pending"] == pending,
            self.vars["bound"] == bound,
        )
