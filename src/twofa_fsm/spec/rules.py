"""Security rules decided on the spec's graph, whatever events, roles and states a designer adds.

Each rule comes from the references (docs/background.md), not from the shipped specs:

- binding a new secret to an account in an access state needs proof of possession of the bound
  secret (a current code), or a confirmed reset (the confirmation step) and its out-of-band token;
- an account leaves an access state by another person's action only through the confirmation step;
- the reset steps (into and out of the confirmation step) are for organisation Owners and Admins,
  and vendor-scope support;
- the back-off exists and can grow; the drift window is one step unless widened knowingly.
"""

from __future__ import annotations

from twofa_fsm.spec.diagnostics import Problems
from twofa_fsm.spec.model import Spec, Transition

RESETTERS = frozenset({"owner", "admin"})  # the organisation roles the article lets reset 2FA


def binding_states(spec: Spec, confirm: frozenset[str]) -> frozenset[str]:
    """States from which a new secret can be bound without passing the confirmation step (a transition that
    deletes the secret is a reset: the rule for resets judges it, so it does not carry binding back here)."""
    binds = {src for _, src, t in spec.edges() if t.has_effect("bind_pending_secret")}
    found = set(binds)
    grew = True
    while grew:
        grew = False
        for _, src, t in spec.edges():
            if t.has_effect("revoke_secret"):
                continue
            if src not in found and src not in confirm and t.dest in found and t.dest not in confirm:
                found.add(src)
                grew = True
    return frozenset(found - confirm)


def _by_holder_or_system(t: Transition) -> bool:
    return t.guard("is_self") is not None or t.guard("actor_is_system") is not None


def lint_rules(r: Problems, spec: Spec) -> None:
    """Add every break of the rules above to ``r``."""
    access = spec.access_states
    confirm = frozenset(n for n, s in spec.states.items() if s.confirmation)
    binding = binding_states(spec, confirm)
    for i, t in enumerate(spec.transitions):
        leaves = set(t.source) & access and t.dest not in access
        if leaves and t.dest not in confirm:
            _binding(r, i, t, binding)
            _others(r, i, t)
        if (t.dest in confirm or set(t.source) & confirm) and not t.guard("actor_is_system"):
            _resetters(r, i, t, spec)
    _policy(r, spec)


def _binding(r: Problems, i: int, t: Transition, binding: frozenset[str]) -> None:
    if (t.dest in binding or t.has_effect("create_pending_secret")) and not t.guard("bound_code_valid"):
        r.add(
            ("transitions", i, "guards"),
            f"'{t.event}' moves an account out of an access state to '{t.dest}', where a new secret can be "
            "bound, without a code of the bound secret (a phished password would re-bind the authenticator)",
            t.event,
            "add password_valid and bound_code_valid to its guards, or go through the confirmation step",
        )


def _others(r: Problems, i: int, t: Transition) -> None:
    if not _by_holder_or_system(t):
        r.add(
            ("transitions", i, "to"),
            f"'{t.event}' lets someone other than the holder move an account out of an access state to "
            f"'{t.dest}' without the Reset/Cancel confirmation step",
            t.dest,
            "target a state with 'confirmation: true', or add is_self to its guards",
        )


def _resetters(r: Problems, i: int, t: Transition, spec: Spec) -> None:
    if _by_holder_or_system(t):
        return
    ref = t.guard("actor_role_in")
    arg = ref.arg if ref is not None else None
    roles = (arg,) if isinstance(arg, str) else tuple(arg or ())
    if not roles:
        r.add(
            ("transitions", i, "guards"),
            f"reset step '{t.event}' is open to any role",
            t.event,
            "add {actor_role_in: [owner, admin]} to its guards",
        )
        return
    org = [x for x in roles if x in spec.roles and spec.roles[x].scope == "organisation"]
    for role in org:
        if role not in RESETTERS:
            r.add(
                ("transitions", i, "guards"),
                f"reset step '{t.event}' lets the organisation role '{role}' act: only an Owner or Admin may "
                "reset a user's 2FA",
                role,
                "remove it from actor_role_in (vendor support is a role with scope: vendor)",
            )


def _policy(r: Problems, spec: Spec) -> None:
    pol = spec.policy
    if pol.backoff_max_seconds < pol.backoff_base_seconds:
        r.add(
            ("policy", "backoff_max_seconds"),
            f"no back-off to speak of: backoff_max_seconds {pol.backoff_max_seconds:g} is below "
            f"backoff_base_seconds {pol.backoff_base_seconds:g}, so failed attempts are never slowed down",
            pol.backoff_max_seconds,
            "set backoff_max_seconds at least backoff_base_seconds (300 is usual)",
        )
    if pol.drift_window > 1 and not pol.drift_widened_knowingly:
        r.add(
            ("policy", "drift_window"),
            f"a drift window of {pol.drift_window} steps accepts codes up to {pol.drift_window * pol.period} s "
            "old (the references allow one step)",
            pol.drift_window,
            "use drift_window: 1, or set drift_widened_knowingly: true to say it is on purpose",
        )
