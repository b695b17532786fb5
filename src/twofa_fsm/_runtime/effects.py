"""Implementations of the effect allow-list (see ``catalog.EFFECTS``).

Effects write only into the event context's ``updates``; the engine applies them
to a new ``Account`` when, and only when, the transition completes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from pydantic import SecretStr

from twofa_fsm._runtime.context import Ctx
from twofa_fsm.sessions import SESSION_BYTES, digest, opened
from twofa_fsm.totp import provisioning_uri

HANDLE_BYTES = 16  # 128 bits

Arg = str | tuple[str, ...] | None
EffectFn = Callable[[Ctx, Arg], None]


def create_pending_secret(ctx: Ctx, arg: Arg) -> None:
    policy = ctx.rt.spec.policy
    secret = ctx.rt.entropy.base32(policy.secret_length)
    ctx.updates["pending_secret"] = SecretStr(secret)
    ctx.updates["pending_since"] = ctx.now
    ctx.uri = provisioning_uri(secret, ctx.account.id, policy)
    handle = ctx.rt.entropy.token(HANDLE_BYTES)  # the setup is its starter's: only they get this
    ctx.updates["setup_handle_digest"] = digest(handle)
    ctx.handle_out = handle


def bind_pending_secret(ctx: Ctx, arg: Arg) -> None:
    ctx.updates["bound_secret"] = ctx.get("pending_secret")
    ctx.updates["bound_at"] = ctx.now
    ctx.updates["pending_secret"] = None
    ctx.updates["pending_since"] = None
    ctx.updates["setup_handle_digest"] = None


def discard_pending_secret(ctx: Ctx, arg: Arg) -> None:
    ctx.updates["pending_secret"] = None
    ctx.updates["pending_since"] = None
    ctx.updates["setup_handle_digest"] = None


def revoke_secret(ctx: Ctx, arg: Arg) -> None:
    ctx.updates["bound_secret"] = None
    ctx.updates["bound_at"] = None


def revoke_sessions(ctx: Ctx, arg: Arg) -> None:
    ctx.updates["sessions"] = ()


def start_session(ctx: Ctx, arg: Arg) -> None:
    sid = ctx.rt.entropy.token(SESSION_BYTES)
    ctx.updates["sessions"] = opened(ctx.get("sessions"), sid, ctx.now, ctx.rt.spec.policy)
    ctx.session = sid
    ctx.access = True


def issue_setup_token(ctx: Ctx, arg: Arg) -> None:
    lifetime = ctx.rt.spec.policy.token_lifetime_seconds or 0
    token = ctx.rt.entropy.token(16)
    ctx.updates["token_digest"] = hashlib.sha256(token.encode("utf-8")).hexdigest()
    ctx.updates["token_expires_at"] = ctx.now + lifetime
    ctx.updates["token_required"] = True
    ctx.token_out = token
    ctx.notices.append("token_issued")


def consume_setup_token(ctx: Ctx, arg: Arg) -> None:
    ctx.updates["token_digest"] = None
    ctx.updates["token_expires_at"] = None
    ctx.updates["token_required"] = False


def accept_code(ctx: Ctx, arg: Arg) -> None:
    step = ctx.code_step
    last = ctx.get("last_step")
    if step is not None:
        ctx.updates["last_step"] = step if last is None else max(last, step)


def clear_failures(ctx: Ctx, arg: Arg) -> None:
    ctx.updates["failures"] = 0
    ctx.updates["last_failure_at"] = None


def record_verification(ctx: Ctx, arg: Arg) -> None:
    ctx.updates["last_verified_at"] = ctx.now


def remember_prior_state(ctx: Ctx, arg: Arg) -> None:
    ctx.updates["prior_state"] = ctx.account.state
    ctx.updates["reset_requested_at"] = ctx.now  # when the confirmation step was entered


def forget_prior_state(ctx: Ctx, arg: Arg) -> None:
    ctx.updates["prior_state"] = None
    ctx.updates["reset_requested_at"] = None


def notify(ctx: Ctx, arg: Arg) -> None:
    if isinstance(arg, str):
        ctx.notices.append(arg)


IMPLEMENTATIONS: dict[str, EffectFn] = {
    fn.__name__: fn
    for fn in (
        create_pending_secret,
        bind_pending_secret,
        discard_pending_secret,
        revoke_secret,
        revoke_sessions,
        start_session,
        issue_setup_token,
        consume_setup_token,
        accept_code,
        clear_failures,
        record_verification,
        remember_prior_state,
        forget_prior_state,
        notify,
    )
}
