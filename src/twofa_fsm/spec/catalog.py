"""The allow-list: every guard and effect name a spec may use, with what it means.

This module is inert data.  The loader checks spec names against it, the engine
binds each name to its implementation (``guards.py``, ``effects.py``), and the
diagrams and reports read the descriptions.  Nothing here is ever evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GuardKind = Literal["selector", "authz", "check"]
ParamKind = Literal["none", "state", "roles", "notice"]
Input = Literal["password", "code", "token", "handle"]


@dataclass(frozen=True)
class GuardInfo:
    name: str
    kind: GuardKind  # selector: picks a branch; authz: Forbidden; check: GuardFailed
    param: ParamKind
    needs: Input | None
    description: str


@dataclass(frozen=True)
class EffectInfo:
    name: str
    param: ParamKind
    description: str


GUARDS: dict[str, GuardInfo] = {
    g.name: g
    for g in (
        GuardInfo("came_from", "selector", "state", None, "the account entered the confirmation step from STATE"),
        GuardInfo(
            "same_organisation",
            "authz",
            "none",
            None,
            "actor and target are in the same organisation (vendor-scope roles act across them)",
        ),
        GuardInfo("actor_role_in", "authz", "roles", None, "the actor's role is one of ROLES"),
        GuardInfo("not_self", "authz", "none", None, "the actor is not the target"),
        GuardInfo("is_self", "authz", "none", None, "the actor is the account holder"),
        GuardInfo("actor_is_system", "authz", "none", None, "the actor is the system (timers, counters)"),
        GuardInfo(
            "target_tier_not_above_actor",
            "authz",
            "none",
            None,
            "the target's role tier is not above the actor's (an Admin cannot reset an Owner)",
        ),
        GuardInfo(
            "actor_recently_verified", "authz", "none", None, "the actor passed 2FA within policy.recent_auth_seconds"
        ),
        GuardInfo(
            "support_only_for_sole_owner",
            "authz",
            "none",
            None,
            "a vendor-scope actor may act only on an owner whom no other owner can help",
        ),
        GuardInfo(
            "setup_started_by_caller",
            "authz",
            "none",
            "handle",
            "the caller holds the handle start_setup returned, or presents the password (a setup is its starter's)",
        ),
        GuardInfo("password_valid", "check", "none", "password", "the password is the account's"),
        GuardInfo(
            "setup_token_valid",
            "check",
            "none",
            "token",
            "the out-of-band setup token matches, is unused and unexpired (or none is required)",
        ),
        GuardInfo(
            "pending_code_valid", "check", "none", "code", "a fresh, well-formed code of the pending (new) secret"
        ),
        GuardInfo("bound_code_valid", "check", "none", "code", "a fresh, well-formed code of the bound secret"),
        GuardInfo("not_backed_off", "check", "none", None, "the back-off after failed attempts has elapsed"),
        GuardInfo(
            "reset_timed_out",
            "check",
            "none",
            None,
            "the reset has waited at the confirmation step longer than policy.reset_confirm_seconds",
        ),
        GuardInfo(
            "setup_timed_out", "check", "none", None, "the setup has been open longer than policy.setup_timeout_seconds"
        ),
        GuardInfo(
            "setup_not_timed_out",
            "check",
            "none",
            None,
            "the setup was started at most policy.setup_timeout_seconds ago (binding codes are short-lived)",
        ),
        GuardInfo("failures_at_limit", "check", "none", None, "consecutive failures reached policy.max_failures"),
    )
}

CODE_GUARDS: frozenset[str] = frozenset({"pending_code_valid", "bound_code_valid"})

NOTICES: tuple[str, ...] = ("enrolled", "locked", "reset", "token_issued")

EFFECTS: dict[str, EffectInfo] = {
    e.name: e
    for e in (
        EffectInfo("create_pending_secret", "none", "draw a fresh secret (CSPRNG) and show it once as an otpauth URI"),
        EffectInfo("bind_pending_secret", "none", "the verified pending secret becomes the bound secret"),
        EffectInfo("discard_pending_secret", "none", "delete the pending secret"),
        EffectInfo("revoke_secret", "none", "delete the bound secret (not a flag)"),
        EffectInfo("revoke_sessions", "none", "end the account's sessions and remembered devices"),
        EffectInfo("start_session", "none", "grant access: open a session"),
        EffectInfo(
            "issue_setup_token", "none", "issue a single-use setup token, delivered out of band, with an expiry"
        ),
        EffectInfo("consume_setup_token", "none", "spend the setup token"),
        EffectInfo("accept_code", "none", "mark the verified code's time step as used"),
        EffectInfo("clear_failures", "none", "a success clears the consecutive-failure count"),
        EffectInfo("record_verification", "none", "remember when the holder last passed 2FA"),
        EffectInfo("remember_prior_state", "none", "remember the state the confirmation step was entered from"),
        EffectInfo("forget_prior_state", "none", "forget that state"),
        EffectInfo("notify", "notice", "notify the user by a separate channel (enrolled, locked, reset, token_issued)"),
    )
}

ACCESS_EFFECT = "start_session"
DESTRUCTIVE_EFFECTS: frozenset[str] = frozenset(
    {"revoke_secret", "discard_pending_secret", "revoke_sessions", "issue_setup_token"}
)
