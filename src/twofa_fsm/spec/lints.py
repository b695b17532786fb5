"""Security lints of a spec whose names all resolve: each rule the article's flow must not break.

Each problem names the transition (or the confirmation state) to fix and how;
``lint_spec`` adds them to a ``Problems`` collector in file order of the rules.
"""

from __future__ import annotations

from twofa_fsm.spec.catalog import ACCESS_EFFECT, CODE_GUARDS, DESTRUCTIVE_EFFECTS
from twofa_fsm.spec.diagnostics import Problems
from twofa_fsm.spec.model import Policy, Spec, Transition
from twofa_fsm.spec.rules import lint_rules
from twofa_fsm.spec.yamlsafe import Place

# guards that read a policy setting, and the setting each needs
_GUARD_SETTINGS = (
    ("setup_token_valid", "token_lifetime_seconds"),
    ("setup_timed_out", "setup_timeout_seconds"),
    ("reset_timed_out", "reset_confirm_seconds"),
    ("setup_not_timed_out", "setup_timeout_seconds"),
    ("actor_recently_verified", "recent_auth_seconds"),
)


def lint_spec(r: Problems, spec: Spec) -> None:
    access = spec.access_states
    confirm = {n for n, s in spec.states.items() if s.confirmation}
    for i, t in enumerate(spec.transitions):
        here: Place = ("transitions", i)
        _lint_codes(r, here, t, access)
        _lint_reset(r, here, t, confirm)
        _lint_policy(r, here, t, spec.policy)
    for state in sorted(confirm):
        _lint_confirmation_step(r, spec, state)
    lint_rules(r, spec)


def _lint_codes(r: Problems, here: Place, t: Transition, access: frozenset[str]) -> None:
    """Access needs a verified code; a code needs the password first and is marked used (no replay)."""
    codes = [g.name for g in t.guards if g.name in CODE_GUARDS]
    restore = t.guard("came_from")
    if t.dest in access and (restore is None or restore.arg != t.dest) and set(t.source) - access and not codes:
        r.add(
            here + ("guards",),
            f"'{t.event}' enters '{t.dest}' without a verified code",
            t.event,
            "add pending_code_valid (or bound_code_valid) to its guards",
        )
    if t.has_effect(ACCESS_EFFECT) and (not codes or t.dest not in access):
        r.add(
            here + ("effects",),
            f"'{t.event}' grants access without a verified code into an access state",
            t.event,
            "remove start_session or add a code guard and target the access state",
        )
    if "bound_code_valid" in codes and not t.guard("password_valid"):
        r.add(
            here + ("guards",),
            f"'{t.event}' checks a code without the password",
            t.event,
            "add password_valid before bound_code_valid",
        )
    if codes and not t.has_effect("accept_code"):
        r.add(
            here + ("effects",),
            f"'{t.event}' accepts codes without marking them used (replay)",
            t.event,
            "add accept_code to its effects",
        )


def _lint_reset(r: Problems, here: Place, t: Transition, confirm: set[str]) -> None:
    """A reset deletes the secret only after a confirmation step, revokes sessions; a cancel restores."""
    restore = t.guard("came_from")
    if t.has_effect("revoke_secret"):
        _lint_revoke(r, here, t, confirm)
    if set(t.source) & confirm and restore is None and not t.has_effect("revoke_secret"):
        r.add(
            here + ("effects",),
            f"'{t.event}' leaves the confirmation step without deleting the secret",
            t.event,
            "add revoke_secret and revoke_sessions, or a {came_from: STATE} guard for a cancel",
        )
    if restore is not None and (
        restore.arg != t.dest or {e.name for e in t.effects} & (DESTRUCTIVE_EFFECTS | {ACCESS_EFFECT})
    ):
        r.add(
            here,
            f"cancel '{t.event}' does not restore exactly '{restore.arg}'",
            t.event,
            "a cancel goes back to its came_from state and changes nothing",
        )
    if t.dest in confirm and not set(t.source) <= confirm and not t.has_effect("remember_prior_state"):
        r.add(
            here + ("effects",),
            f"'{t.event}' enters the confirmation step without remembering where from",
            t.event,
            "add remember_prior_state",
        )


def _lint_revoke(r: Problems, here: Place, t: Transition, confirm: set[str]) -> None:
    if not set(t.source) <= confirm:
        r.add(
            here + ("from",),
            f"'{t.event}' deletes the secret without a confirmation step",
            t.event,
            "fire it only from a state with 'confirmation: true'",
        )
    if not t.has_effect("revoke_sessions"):
        r.add(
            here + ("effects",),
            f"reset '{t.event}' does not revoke sessions",
            t.event,
            "add revoke_sessions to its effects",
        )


def _lint_policy(r: Problems, here: Place, t: Transition, pol: Policy) -> None:
    """Guards and effects that read a policy setting need it set."""
    for name, setting in _GUARD_SETTINGS:
        if t.guard(name) and getattr(pol, setting) is None:
            r.add(here + ("guards",), f"guard '{name}' needs policy.{setting}", name, f"set policy.{setting}")
    if t.has_effect("issue_setup_token") and pol.token_lifetime_seconds is None:
        r.add(
            here + ("effects",),
            "issue_setup_token needs policy.token_lifetime_seconds",
            "issue_setup_token",
            "set policy.token_lifetime_seconds",
        )


def _lint_confirmation_step(r: Problems, spec: Spec, state: str) -> None:
    """A confirmation step has a confirm (deletes the secret) and a cancel back to each state it is entered from."""
    entries = {src for _, src, t in spec.edges() if t.dest == state and src != state}
    outs = [t for t in spec.transitions if state in t.source]
    if not any(t.has_effect("revoke_secret") for t in outs):
        r.add(
            ("states", state),
            f"confirmation step '{state}' has no confirm (a transition that deletes the secret)",
            state,
            "add the confirm transition",
        )
    for src in sorted(entries):
        if not any(t.dest == src and (g := t.guard("came_from")) is not None and g.arg == src for t in outs):
            r.add(
                ("states", state),
                f"confirmation step '{state}' has no cancel back to '{src}'",
                src,
                f"add a transition {state} -> {src} with {{came_from: {src}}}",
            )
