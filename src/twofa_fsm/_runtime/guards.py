"""Implementations of the guard allow-list (see ``catalog.GUARDS``).

Each guard takes the event context and its argument and returns None when it
passes, or the reason it fails (plus whether that failure is a counted attempt).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable

from twofa_fsm._runtime.context import Ctx
from twofa_fsm.sessions import digest
from twofa_fsm.totp import backoff_seconds

GuardVerdict = tuple[str, bool] | None  # (reason, counts as failed attempt) or None = pass
Arg = str | tuple[str, ...] | None
GuardFn = Callable[[Ctx, Arg], GuardVerdict]


def _scope(ctx: Ctx, role: str) -> str | None:
    info = ctx.rt.spec.roles.get(role)
    return None if info is None else info.scope


def came_from(ctx: Ctx, arg: Arg) -> GuardVerdict:
    prior = ctx.get("prior_state")
    return None if prior == arg else (f"the confirmation step was entered from '{prior}', not '{arg}'", False)


def same_organisation(ctx: Ctx, arg: Arg) -> GuardVerdict:
    if _scope(ctx, ctx.actor.role) == "vendor" or (ctx.actor.org is not None and ctx.actor.org == ctx.account.org):
        return None
    return (f"actor '{ctx.actor.id}' is not in organisation '{ctx.account.org}'", False)


def actor_role_in(ctx: Ctx, arg: Arg) -> GuardVerdict:
    roles = (arg,) if isinstance(arg, str) else (arg or ())
    if ctx.actor.role in roles:
        return None
    return (f"role '{ctx.actor.role}' may not do this (needs one of: {', '.join(roles)})", False)


def not_self(ctx: Ctx, arg: Arg) -> GuardVerdict:
    return None if ctx.actor.id != ctx.account.id else ("an actor cannot do this to their own account", False)


def is_self(ctx: Ctx, arg: Arg) -> GuardVerdict:
    return (
        None
        if ctx.actor.id == ctx.account.id
        else (f"only the account holder may do this, not '{ctx.actor.id}'", False)
    )


def actor_is_system(ctx: Ctx, arg: Arg) -> GuardVerdict:
    return None if _scope(ctx, ctx.actor.role) == "system" else ("only the system may do this", False)


def target_tier_not_above_actor(ctx: Ctx, arg: Arg) -> GuardVerdict:
    roles = ctx.rt.spec.roles
    mine, theirs = roles.get(ctx.actor.role), roles.get(ctx.account.role)
    if mine is not None and theirs is not None and theirs.tier <= mine.tier:
        return None
    return (f"a '{ctx.actor.role}' cannot act on a '{ctx.account.role}' (higher tier)", False)


def actor_recently_verified(ctx: Ctx, arg: Arg) -> GuardVerdict:
    limit = ctx.rt.spec.policy.recent_auth_seconds
    at = ctx.actor.verified_at
    if limit is not None and at is not None and 0 <= ctx.now - at <= limit:
        return None
    return (f"actor '{ctx.actor.id}' has not passed 2FA in the last {limit} s; log in again with a code", False)


def support_only_for_sole_owner(ctx: Ctx, arg: Arg) -> GuardVerdict:
    if _scope(ctx, ctx.actor.role) != "vendor":
        return None
    roles = ctx.rt.spec.roles
    top = max((r.tier for r in roles.values() if r.scope == "organisation"), default=None)
    target = roles.get(ctx.account.role)
    directory = ctx.rt.directory
    if target is None or target.tier != top or directory is None:
        return (
            "vendor support acts only for an organisation's sole owner; an Owner or Admin must reset this user",
            False,
        )
    org, role = ctx.account.org, ctx.account.role
    able = getattr(directory, "count_able_to_act", None)
    if able is not None:  # no other owner can act (the sole owner, or every owner locked out)
        if able(org, role, exclude=ctx.account.id, states=ctx.rt.spec.access_states) == 0:
            return None
        return (
            "vendor support acts only for a sole owner (no other owner can act); another owner must reset this user",
            False,
        )
    if directory.count_role(org, role) == 1:
        return None
    return ("vendor support acts only for an organisation's sole owner; an Owner or Admin must reset this user", False)


def setup_started_by_caller(ctx: Ctx, arg: Arg) -> GuardVerdict:
    expected = ctx.get("setup_handle_digest")
    handle = ctx.handle
    if expected is None:
        return None  # no setup handle was issued (a setup started before handles existed)
    if isinstance(handle, str) and hmac.compare_digest(digest(handle), expected):
        return None
    pw = ctx.password
    if isinstance(pw, str) and ctx.rt.passwords.check(ctx.account.id, pw):
        return None
    return ("only whoever started this setup may go on with it: present the setup handle or the password", False)


def password_valid(ctx: Ctx, arg: Arg) -> GuardVerdict:
    pw = ctx.password
    if isinstance(pw, str) and ctx.rt.passwords.check(ctx.account.id, pw):
        return None
    return ("wrong password", False)


def setup_token_valid(ctx: Ctx, arg: Arg) -> GuardVerdict:
    if not ctx.get("token_required"):
        return None
    digest, expires = ctx.get("token_digest"), ctx.get("token_expires_at")
    if digest is None:
        return ("no setup token is outstanding; ask an Owner or Admin to reset again", False)
    if expires is None or ctx.now >= expires:
        return ("the setup token has expired; ask an Owner or Admin to reset again", False)
    tok = ctx.token
    if not isinstance(tok, str) or len(tok) > 256:
        return ("a setup token from the reset email is required", False)
    if not hmac.compare_digest(hashlib.sha256(tok.encode("utf-8")).hexdigest(), digest):
        return ("wrong setup token", False)
    return None


def _code(ctx: Ctx, secret_field: str, last_step: int | None) -> GuardVerdict:
    secret = ctx.get(secret_field)
    if secret is None:
        return ("no secret to check the code against", False)
    check = ctx.rt.verifier.verify(secret.get_secret_value(), ctx.code, ctx.now, last_step)
    if not check.ok:
        return (check.reason, check.counts)
    ctx.code_step = check.step
    return None


def pending_code_valid(ctx: Ctx, arg: Arg) -> GuardVerdict:
    return _code(ctx, "pending_secret", None)


def setup_not_timed_out(ctx: Ctx, arg: Arg) -> GuardVerdict:
    timeout = ctx.rt.spec.policy.setup_timeout_seconds
    since = ctx.get("pending_since")
    if timeout is not None and since is not None and ctx.now - since > timeout:
        return (f"the setup is older than {timeout} s; start setup again", False)
    return None


def bound_code_valid(ctx: Ctx, arg: Arg) -> GuardVerdict:
    return _code(ctx, "bound_secret", ctx.get("last_step"))


def not_backed_off(ctx: Ctx, arg: Arg) -> GuardVerdict:
    failures = ctx.get("failures")
    last = ctx.get("last_failure_at")
    wait = backoff_seconds(ctx.rt.spec.policy, failures)
    if last is None or ctx.now >= last + wait:
        return None
    return (f"too many failed attempts: retry after {math.ceil(last + wait - ctx.now)} s", False)


def setup_timed_out(ctx: Ctx, arg: Arg) -> GuardVerdict:
    timeout = ctx.rt.spec.policy.setup_timeout_seconds
    since = ctx.get("pending_since")
    if timeout is not None and since is not None and ctx.now - since > timeout:
        return None
    return ("the setup has not timed out yet", False)


def reset_timed_out(ctx: Ctx, arg: Arg) -> GuardVerdict:
    limit = ctx.rt.spec.policy.reset_confirm_seconds
    since = ctx.get("reset_requested_at")
    if limit is not None and since is not None and ctx.now - since > limit:
        return None
    return ("the reset has not waited long enough at the confirmation step", False)


def failures_at_limit(ctx: Ctx, arg: Arg) -> GuardVerdict:
    limit = ctx.rt.spec.policy.max_failures
    return None if ctx.get("failures") >= limit else (f"fewer than {limit} consecutive failures", False)


IMPLEMENTATIONS: dict[str, GuardFn] = {
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
        reset_timed_out,
        setup_not_timed_out,
        failures_at_limit,
    )
}
