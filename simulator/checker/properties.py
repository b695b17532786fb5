"""The properties, written once from the rules in docs/background.md (not from the spec under check).

``step_violations`` judges one step; ``state_violations`` one world.  Each violation is
``(property id, message)``.  The same functions serve the checker, the Hypothesis stateful
tests and mutation testing.  A property reads what a step did (access granted, secrets bound or
deleted, the confirmation step entered or left, who acted, which code was typed), never an event
name: a designer's new event is judged by the same rules.  The roles the rules name (Owner, Admin,
Member, vendor support) are the rules' own, in ``references.py``.
"""

from __future__ import annotations

from twofa_fsm.totp import backoff_seconds
from twofa_fsm_tools.checker.actions import Applied, _secret
from twofa_fsm_tools.checker.references import authorised, restores, sole_top
from twofa_fsm_tools.checker.world import PHISHER, THIEF, TIMERS, USER, Harness, Situation

PROPERTIES: dict[str, str] = {
    "access_needs_credentials": "access only to a party holding the password and a device with the bound, verified "
    "secret",
    "access_only_by_login_or_setup": "access only by a code of the bound secret from an access state, or by completing "
    "a setup (a locked-out user needs a reset)",
    "attacker_never_gains_access": "an attacker (phished password, or stolen phone, never the user's email) never "
    "gains access",
    "rebind_needs_proof": "a new secret is shown or bound to an account in an access state only with a current code "
    "of the bound one (otherwise only after a confirmed reset)",
    "dead_secret_rejected": "a revoked or abandoned secret's codes are never accepted",
    "code_used_once": "every code (secret, time step) is accepted at most once",
    "drift_within_one_step": "codes are accepted only within one time step of now",
    "reset_only_by_authorised_actor": "reset steps (and anything done to someone else's account) only by a "
    "same-organisation Owner/Admin, not self, tier not above, recently verified (vendor support for a sole owner)",
    "actor_must_stand": "someone acts on another's account only while their own account is in an access state with "
    "a live session",
    "leave_access_only_by_confirmation": "another person takes an account out of an access state only through the "
    "Reset/Cancel confirmation step",
    "authorised_reset_allowed": "an authorised Owner/Admin (vendor support for a sole owner) is never refused a reset "
    "step as Forbidden",
    "reset_deletes_and_notifies": "a confirmed reset deletes the secret, revokes sessions and notifies the user",
    "cancel_changes_nothing": "Cancel puts the account back exactly as it was",
    "setup_code_fresh": "a setup is completed only within the setup timeout (binding codes are short-lived)",
    "system_events_only_when_due": "locks and expiries only by the system, only when due",
    "backoff_respected": "after a failed code, no code is judged until a back-off (at least 1 s) has run",
    "failures_bounded": "a counted failure that reaches the maximum locks the account at once",
    "refusal_changes_nothing": "a refused action changes nothing but the failure counter",
    "state_matches_secrets": "an access state has a bound secret; a pending secret exists only during setup; the "
    "reset's origin is kept only while it is pending",
    "recoverable": "from every reachable state the user can get back to enrolled with an Owner's or Admin's help",
}

Violation = tuple[str, str]
MIN_BACKOFF = 1.0  # seconds: the rules ask for a back-off after a failed code (a throttle, not a lock)


def _same(a: object, b: object, but: tuple[str, ...]) -> bool:
    """Two accounts equal in every field but ``but``."""
    da, db = vars(a), vars(b)
    return all(da[k] == db[k] for k in da if k not in but)


def step_violations(h: Harness, s: Applied) -> list[Violation]:
    """Every property one step breaks."""
    out: list[Violation] = []
    if s.outcome is not None:
        out += _access(h, s) + _rebind(h, s) + _codes(h, s) + _others(h, s) + _confirmation(h, s) + _system(h, s)
    out += _backoff(h, s) + _refusals(h, s)
    return out


def _access(h: Harness, s: Applied) -> list[Violation]:
    o, b = s.outcome, s.before.account
    assert o is not None
    if not o.access_granted:
        return []
    out: list[Violation] = []
    party = s.action.actor
    bound = _secret(o.account.bound_secret)
    holds = bound is not None and bound in s.after.held(party) and s.code_secret == bound
    if not (party in (USER, PHISHER) and holds):
        out.append(("access_needs_credentials", f"{party} got access without the password and the bound secret's code"))
    login = o.source in h.facts.access and s.code_secret is not None and s.code_secret == _secret(b.bound_secret)
    setup = bound is not None and bound == _secret(b.pending_secret) and s.code_secret == bound
    if not (login or setup):
        out.append(("access_only_by_login_or_setup", f"{o.event} from {o.source} granted access"))
    if party in (PHISHER, THIEF):
        out.append(("attacker_never_gains_access", f"the {party} gained access to {h.target_id}'s account"))
    return out


def _rebind(h: Harness, s: Applied) -> list[Violation]:
    o, b = s.outcome, s.before.account
    assert o is not None
    a = o.account
    if o.source not in h.facts.access:
        return []
    shown = a.pending_secret is not None and _secret(a.pending_secret) != _secret(b.pending_secret)
    rebound = a.bound_secret is not None and _secret(a.bound_secret) != _secret(b.bound_secret)
    proved = s.code_secret is not None and s.code_secret == _secret(b.bound_secret)
    if (shown or rebound) and not proved:
        what = "showed a new secret" if shown else "bound a new secret"
        return [("rebind_needs_proof", f"{o.event} by {s.action.actor} {what} from {o.source} without a code")]
    return []


def _codes(h: Harness, s: Applied) -> list[Violation]:
    o, before = s.outcome, s.before
    assert o is not None
    out: list[Violation] = []
    if s.code_secret is not None and s.code_secret in before.dead:
        out.append(("dead_secret_rejected", f"a code of a revoked/abandoned secret was accepted by {o.event}"))
    if s.code_secret is not None and s.code_step is not None and (s.code_secret, s.code_step) in before.accepted:
        out.append(("code_used_once", f"{o.event} accepted a code whose time step was already used"))
    if s.code_offset is not None and abs(s.code_offset) > 1:
        out.append(("drift_within_one_step", f"{o.event} accepted a code {s.code_offset:+d} steps from now"))
    timeout, since = h.policy.setup_timeout_seconds, before.account.pending_since
    binds = o.account.bound_secret is not None and o.account.bound_secret == before.account.pending_secret
    if binds and timeout is not None and since is not None and before.now - since > timeout:
        late = f"{o.event} completed a setup started {before.now - since:.0f} s ago (limit {timeout} s)"
        out.append(("setup_code_fresh", late))
    return out


def _others(h: Harness, s: Applied) -> list[Violation]:
    """Steps one person takes on someone else's account."""
    o, p = s.outcome, s.person
    assert o is not None
    if p is None or p.id == h.target_id:
        return [] if p is None else _by_self(h, s)
    out: list[Violation] = []
    if not p.stands:
        out.append(("actor_must_stand", f"{p.id} ({p.standing}) did {o.event} on {h.target_id}'s account"))
    if not authorised(h, p, o.event):
        out.append(("reset_only_by_authorised_actor", f"{o.event} was allowed for {p.key}"))
    conf, access = h.facts.confirmation, h.facts.access
    if o.source in access and o.dest not in access and o.dest not in conf:
        out.append(("leave_access_only_by_confirmation", f"{p.key}'s {o.event} moved {o.source} to {o.dest}"))
    return out


def _by_self(h: Harness, s: Applied) -> list[Violation]:
    o = s.outcome
    assert o is not None
    if o.event in h.facts.confirmation_steps:
        return [("reset_only_by_authorised_actor", f"{h.target_id} did {o.event} on their own account")]
    return []


def _confirmation(h: Harness, s: Applied) -> list[Violation]:
    """Entering and leaving the Reset/Cancel step, and deleting the bound secret."""
    o, before = s.outcome, s.before
    assert o is not None
    a, b, conf = o.account, before.account, h.facts.confirmation
    out: list[Violation] = []
    crosses = (o.dest in conf) != (o.source in conf)
    if crosses and s.person is None and not (o.actor == TIMERS and o.source in conf):
        out.append(("reset_only_by_authorised_actor", f"{o.event} by {s.action.actor} crossed the confirmation step"))
    if o.source not in conf and b.bound_secret is not None and a.bound_secret is None:
        out.append(("reset_only_by_authorised_actor", f"{o.event} deleted the bound secret without a confirmed reset"))
    if o.source not in conf or o.dest in conf:
        return out
    snap = before.snapshot
    back = snap.state if snap is not None else b.prior_state
    if o.dest == back and restores(h, o.event):
        if snap is None or not _same(a, snap, ("version", "prior_state", "reset_requested_at")):
            out.append(("cancel_changes_nothing", f"{o.event} did not restore the account (now {a.state})"))
        return out
    kept = a.bound_secret is not None or a.pending_secret is not None or bool(a.sessions)
    if kept or "reset" not in {n.kind for n in s.emitted.notices}:  # the catalog's notice of a reset
        out.append(("reset_deletes_and_notifies", f"{o.event} left a secret or a session, or did not notify the user"))
    return out


def _system(h: Harness, s: Applied) -> list[Violation]:
    o, before = s.outcome, s.before
    assert o is not None
    if not (o.actor == TIMERS or o.event in h.facts.system_kind):
        return []
    b, pol, now = before.account, h.policy, before.now
    setup, confirm = pol.setup_timeout_seconds, pol.reset_confirm_seconds
    due = (
        (setup is not None and b.pending_since is not None and now - b.pending_since > setup)
        or (confirm is not None and b.reset_requested_at is not None and now - b.reset_requested_at > confirm)
        or b.failures >= pol.max_failures
    )
    if o.actor != TIMERS or not due:
        return [("system_events_only_when_due", f"{o.event} by {o.actor} when it was not due")]
    return []


def _backoff(h: Harness, s: Applied) -> list[Violation]:
    act, b, now = s.action, s.before.account, s.before.now
    judged = s.outcome is not None or getattr(s.error, "counted", False)  # a code was weighed
    if act.event not in h.facts.code_events or not judged or b.last_failure_at is None or act.code is None:
        return []
    if now < b.last_failure_at + backoff_seconds(h.policy, b.failures):
        return [("backoff_respected", f"{act.event} judged a code during the back-off")]
    if b.failures and now - b.last_failure_at < MIN_BACKOFF:
        return [("backoff_respected", f"{act.event} judged a code {now - b.last_failure_at:g} s after a failed one")]
    return []


def _refusals(h: Harness, s: Applied) -> list[Violation]:
    err, act, person = s.error, s.action, s.person
    if err is None:
        return []
    out: list[Violation] = []
    steps = h.facts.confirmation_steps
    if err.kind == "Forbidden" and act.event in steps and person is not None and person.role in h.spec.roles:
        if authorised(h, person, act.event):
            out.append(("authorised_reset_allowed", f"{person.key} ({person.role}) was refused {act.event}: {err}"))
    if err.account is None:
        return out
    b, e, pol = s.before.account, err.account, h.policy
    if err.followed_by is None and e is not b and not _same(e, b, ("failures", "last_failure_at", "version")):
        out.append(("refusal_changes_nothing", f"a refused {err.event} changed the account"))
    if getattr(err, "counted", False) and e.failures >= pol.max_failures:
        state = s.after.account.state
        if any(ev in h.facts.code_events for ev in h.engine.allowed_events(s.after.account)):
            out.append(
                ("failures_bounded", f"failure {e.failures} (limit {pol.max_failures}) left the account {state}")
            )
    return out


def state_violations(h: Harness, w: Situation) -> list[Violation]:
    a, f = w.account, h.facts
    out: list[Violation] = []
    if a.state in f.access and a.bound_secret is None:
        out.append(("state_matches_secrets", f"{a.state} (an access state) without a bound secret"))
    if a.state in f.pending_states and a.pending_secret is None:
        out.append(("state_matches_secrets", f"{a.state} (a setup) without a pending secret"))
    confirmation = a.state in f.confirmation
    during = a.state in f.pending_states or (confirmation and a.prior_state in f.pending_states)
    if a.pending_secret is not None and not during:
        out.append(("state_matches_secrets", f"a pending secret outlived its setup (state {a.state})"))
    if a.prior_state is not None and not confirmation:
        out.append(("state_matches_secrets", f"the reset's origin '{a.prior_state}' is still kept in {a.state}"))
    return out


def is_recovered(h: Harness, w: Situation) -> bool:
    a = w.account
    bound = _secret(a.bound_secret)
    return a.state in h.facts.access and bound is not None and bound in w.held(USER)


def is_legit(h: Harness, s: Applied) -> bool:
    """Steps the user and the organisation take to recover (no attacker, no lost phones)."""
    act = s.action
    if act.actor in (PHISHER, THIEF) or act.event in ("lose_phone", "delete_app"):
        return False
    if s.person is not None:
        return authorised(h, s.person, act.event)
    return True


__all__ = ["PROPERTIES", "is_legit", "is_recovered", "restores", "sole_top", "state_violations", "step_violations"]
