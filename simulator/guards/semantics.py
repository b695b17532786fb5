"""The formal meaning of every allow-listed guard, as a z3 formula over the ``Vocabulary``.

Each entry of ``MEANINGS`` builds, for a guard and its argument, the condition under which
the engine's implementation (``twofa_fsm._runtime.guards``) lets the guard pass.  The formulas
mirror the engine's code branch by branch; ``tests/guards/test_semantics.py`` checks them
against the engine on concrete contexts, and a test fails when a catalog guard has no meaning.
Spec text is never evaluated: a guard's argument is only looked up among the spec's names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3

from twofa_fsm.spec.model import Policy
from twofa_fsm_tools.guards.vocabulary import NO_STATE, Vocabulary, exact

Arg = str | tuple[str, ...] | None
Meaning = Callable[[Vocabulary, Arg], Any]


def backoff(policy: Policy, failures: Any) -> Any:
    """``twofa_fsm.totp.backoff_seconds`` as a term: 0, then base * 2^(n-1) capped at the maximum."""
    base, cap = policy.backoff_base_seconds, policy.backoff_max_seconds
    steps: list[float] = []
    for n in range(1, 64):  # the engine caps the exponent at 62
        steps.append(min(cap, base * 2.0 ** (n - 1)))
        if steps[-1] >= cap:
            break
    out: Any = exact(steps[-1])
    for n in range(len(steps) - 1, 0, -1):
        out = z3.If(failures <= n, exact(steps[n - 1]), out)
    return z3.If(failures <= 0, exact(0), out)


def came_from(c: Vocabulary, arg: Arg) -> Any:
    index = c.state_index(arg) if isinstance(arg, str) else None
    return z3.BoolVal(False) if index is None else c["came_from"] == index


def same_organisation(c: Vocabulary, arg: Arg) -> Any:
    return z3.Or(c.scope_is(c["actor"], "vendor"), c["same_org"])


def actor_role_in(c: Vocabulary, arg: Arg) -> Any:
    roles = (arg,) if isinstance(arg, str) else (arg or ())
    return z3.Or([z3.BoolVal(False)] + [c.is_role(c["actor"], r) for r in roles])


def not_self(c: Vocabulary, arg: Arg) -> Any:
    return z3.Not(c["self"])


def is_self(c: Vocabulary, arg: Arg) -> Any:
    return c["self"]


def actor_is_system(c: Vocabulary, arg: Arg) -> Any:
    return c.scope_is(c["actor"], "system")


def target_tier_not_above_actor(c: Vocabulary, arg: Arg) -> Any:
    return c.tier(c["target"]) <= c.tier(c["actor"])


def actor_recently_verified(c: Vocabulary, arg: Arg) -> Any:
    limit = c.spec.policy.recent_auth_seconds
    if limit is None:
        return z3.BoolVal(False)
    age = c["verified_age"]
    return z3.And(c["verified"], age >= 0, age <= limit)


def support_only_for_sole_owner(c: Vocabulary, arg: Arg) -> Any:
    top = c.top_tier()
    vendor = c.scope_is(c["actor"], "vendor")
    if top is None:
        return z3.Not(vendor)
    return z3.Or(z3.Not(vendor), z3.And(c.tier(c["target"]) == top, c["directory"], c["sole_owner"]))


def setup_started_by_caller(c: Vocabulary, arg: Arg) -> Any:
    return z3.Or(z3.Not(c["handle_issued"]), c["handle_ok"], c["password_ok"])


def password_valid(c: Vocabulary, arg: Arg) -> Any:
    return c["password_ok"]


def setup_token_valid(c: Vocabulary, arg: Arg) -> Any:
    lifetime = c.spec.policy.token_lifetime_seconds or 0  # issue_setup_token: no lifetime, expired at once
    fresh = z3.And(c["token_outstanding"], c["token_age"] < lifetime, c["token_ok"])
    return z3.Or(z3.Not(c["token_required"]), fresh)


def pending_code_valid(c: Vocabulary, arg: Arg) -> Any:
    return z3.And(c["pending"], c["pending_code_ok"])


def bound_code_valid(c: Vocabulary, arg: Arg) -> Any:
    return z3.And(c["bound"], c["bound_code_ok"])


def not_backed_off(c: Vocabulary, arg: Arg) -> Any:
    return c["failure_age"] >= backoff(c.spec.policy, c["failures"])


def setup_timed_out(c: Vocabulary, arg: Arg) -> Any:
    timeout = c.spec.policy.setup_timeout_seconds
    if timeout is None:
        return z3.BoolVal(False)
    return z3.And(c["pending"], c["setup_age"] > timeout)


def setup_not_timed_out(c: Vocabulary, arg: Arg) -> Any:
    timeout = c.spec.policy.setup_timeout_seconds
    if timeout is None:
        return z3.BoolVal(True)
    return z3.Or(z3.Not(c["pending"]), c["setup_age"] <= timeout)


def reset_timed_out(c: Vocabulary, arg: Arg) -> Any:
    limit = c.spec.policy.reset_confirm_seconds
    if limit is None:
        return z3.BoolVal(False)
    return z3.And(c["came_from"] != NO_STATE, c["reset_age"] > limit)  # the step's time is kept with its state


def failures_at_limit(c: Vocabulary, arg: Arg) -> Any:
    return c["failures"] >= c.spec.policy.max_failures


MEANINGS: dict[str, Meaning] = {
    fn.__name__: fn
    for fn in (
        came_from,
        same_organisation,
        actor_role_in,
        not_self,
        is_self,
        actor_is_system,
        target_tier_not_above_actor,
        actor_recently_verified,
        support_only_for_sole_owner,
        setup_started_by_caller,
        password_valid,
        setup_token_valid,
        pending_code_valid,
        bound_code_valid,
        not_backed_off,
        setup_timed_out,
        setup_not_timed_out,
        reset_timed_out,
        failures_at_limit,
    )
}


def meaning(c: Vocabulary, name: str, arg: Arg) -> Any:
    """The guard's formula; a name outside the allow-list (the loader reports it) is an unknown condition."""
    fn = MEANINGS.get(name)
    return z3.Bool(f"unknown_guard_{name}") if fn is None else fn(c, arg)
