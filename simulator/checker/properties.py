"""The properties, written once from the rules in docs/background.md (not from the spec under check).

``step_violations`` judges one step; ``state_violations`` one world.  Each
violation is ``(property id, message)``.  The same functions serve the checker,
the Hypothesis stateful tests and mutation testing.
"""

from __future__ import annotations

from simulator.checker.actions import Applied, _secret
from simulator.checker.world import PHISHER, THIEF, TIERS, USER, Colleague, Harness, Situation
from twofa_fsm.totp import backoff_seconds

PROPERTIES: dict[str, str] = {
    "access_needs_credentials": "access only to a party holding the password and a device with the bound, verified "
    "secret",
    "access_only_by_login_or_setup": "access only by a login from enrolled or by completing setup (a locked-out user "
    "needs a reset)",
    "attacker_never_gains_access": "an attacker (phished password, or stolen phone, never the user's email) never "
    "gains access",
    "dead_secret_rejected": "a revoked or abandoned secret's codes are never accepted",
    "code_used_once": "every code (secret, time step) is accepted at most once",
    "drift_within_one_step": "codes are accepted only within one time step of now",
    "reset_only_by_authorised_actor": "reset steps (request, confirm, cancel) only by same-organisation Owner/Admin, "
    "not self, tier not above, recently verified",
    "authorised_reset_allowed": "an authorised Owner/Admin (vendor support for a sole owner) is never refused a reset "
    "step as Forbidden",
    "reset_deletes_and_notifies": "a confirmed reset deletes the secret, revokes sessions and notifies the user",
    "cancel_changes_nothing": "Cancel puts the account back exactly as it was",
    "setup_code_fresh": "a setup is completed only within the setup timeout (binding codes are short-lived)",
    "system_events_only_when_due": "locks and expiries only by the system, only when due",
    "backoff_respected": "no code is judged while the back-off is running",
    "failures_bounded": "a counted failure that reaches the maximum locks the account at once",
    "refusal_changes_nothing": "a refused action changes nothing but the failure counter",
    "state_matches_secrets": "enrolled has a bound secret; a pending secret exists only during setup; the reset's "
    "origin is kept only while it is pending",
    "recoverable": "from every reachable state the user can get back to enrolled with an Owner's or Admin's help",
}

RESET_EVENTS = ("request_reset", "confirm_reset", "cancel_reset")


def _same(a: object, b: object, but: tuple[str, ...]) -> bool:
    """Two accounts equal in every field but ``but``."""
    da, db = vars(a), vars(b)
    return all(da[k] == db[k] for k in da if k not in but)


def authorised(h: Harness, person: Colleague, event: str) -> bool:
    """The rules for resets, independent of any spec."""
    if person.id == h.target_id:
        return False
    if person.role == "support":
        return h.target_role == "owner"  # the sole owner: only vendor support can help
    if person.org != "acme" or person.role not in ("owner", "admin"):
        return False
    if TIERS[h.target_role] > TIERS[person.role]:
        return False
    return person.fresh or event == "cancel_reset"


Violation = tuple[str, str]


def step_violations(h: Harness, s: Applied) -> list[Violation]:
    """Every property one step breaks."""
    out: list[Violation] = []
    if s.outcome is not None:
        out += _access(h, s) + _codes(h, s) + _resets(h, s) + _system(h, s)
    out += _backoff(h, s) + _refusals(h, s)
    return out


def _access(h: Harness, s: Applied) -> list[Violation]:
    o = s.outcome
    assert o is not None
    if not o.access_granted:
        return []
    out: list[Violation] = []
    party = s.action.actor
    bound = _secret(o.account.bound_secret)
    knows = party in (USER, PHISHER)
    holds = bound is not None and bound in s.after.held(party) and s.code_secret == bound
    if not (knows and holds):
        out.append(("access_needs_credentials", f"{party} got access without the password and the bound secret's code"))
    by_login = o.event == "login" and o.source == "enrolled"
    by_setup = o.event == "verify_setup" and o.source == "setup_in_progress"
    if not (by_login or by_setup):
        out.append(("access_only_by_login_or_setup", f"{o.event} from {o.source} granted access"))
    if party in (PHISHER, THIEF):
        out.append(("attacker_never_gains_access", f"the {party} gained access to {h.target_id}'s account"))
    return out


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
    if o.event == "verify_setup" and timeout is not None and since is not None and before.now - since > timeout:
        late = f"verify_setup completed a setup started {before.now - since:.0f} s ago (limit {timeout} s)"
        out.append(("setup_code_fresh", late))
    return out


def _resets(h: Harness, s: Applied) -> list[Violation]:
    o, before = s.outcome, s.before
    assert o is not None
    a = o.account
    out: list[Violation] = []
    if o.event in RESET_EVENTS and (s.person is None or not authorised(h, s.person, o.event)):
        who = s.person.key if s.person else s.action.actor
        out.append(("reset_only_by_authorised_actor", f"{o.event} was allowed for {who}"))
    if o.event != "confirm_reset" and before.account.bound_secret is not None and a.bound_secret is None:
        out.append(("reset_only_by_authorised_actor", f"{o.event} deleted the bound secret without a confirmed reset"))
    notified = "reset" in {n.kind for n in s.emitted.notices}
    kept = a.bound_secret is not None or a.pending_secret is not None or bool(a.sessions)
    if o.event == "confirm_reset" and (kept or not notified):
        left = "confirm_reset left a secret or a session, or did not notify the user"
        out.append(("reset_deletes_and_notifies", left))
    snap = before.snapshot
    ignored = ("version", "prior_state", "reset_requested_at")
    if o.event in ("cancel_reset", "expire_reset") and (snap is None or not _same(a, snap, ignored)):
        out.append(("cancel_changes_nothing", f"{o.event} did not restore the account (now {a.state})"))
    return out


def _system(h: Harness, s: Applied) -> list[Violation]:
    o, before = s.outcome, s.before
    assert o is not None
    if not (o.actor == "system" or o.event in ("too_many_failures", "expire_setup", "expire_reset")):
        return []
    b, pol = before.account, h.policy
    due = False  # a lock is due only right after the failure that reaches the limit (followed_by)
    if o.event == "expire_setup":
        limit = pol.setup_timeout_seconds
        due = limit is not None and b.pending_since is not None and before.now - b.pending_since > limit
    elif o.event == "expire_reset":
        limit, asked = pol.reset_confirm_seconds, b.reset_requested_at
        due = limit is not None and asked is not None and before.now - asked > limit
    if o.actor != "system" or not due:
        return [("system_events_only_when_due", f"{o.event} by {o.actor} when it was not due")]
    return []


def _backoff(h: Harness, s: Applied) -> list[Violation]:
    act, b, now = s.action, s.before.account, s.before.now
    judged = s.outcome is not None or getattr(s.error, "counted", False)  # a code was weighed
    if act.event not in ("login", "verify_setup") or not judged or b.last_failure_at is None:
        return []
    if now < b.last_failure_at + backoff_seconds(h.policy, b.failures):
        return [("backoff_respected", f"{act.event} judged a code during the back-off")]
    return []


def _refusals(h: Harness, s: Applied) -> list[Violation]:
    err, act = s.error, s.action
    if err is None:
        return []
    out: list[Violation] = []
    person = s.person
    if err.kind == "Forbidden" and act.event in RESET_EVENTS and person is not None:
        if authorised(h, person, act.event) and person.role in h.spec.roles:
            out.append(("authorised_reset_allowed", f"{person.key} ({person.role}) was refused {act.event}: {err}"))
    if err.account is None:
        return out
    b, e, pol = s.before.account, err.account, h.policy
    if err.followed_by is None and e is not b and not _same(e, b, ("failures", "last_failure_at", "version")):
        out.append(("refusal_changes_nothing", f"a refused {err.event} changed the account"))
    state = s.after.account.state
    if getattr(err, "counted", False) and e.failures >= pol.max_failures and state in ("enrolled", "setup_in_progress"):
        out.append(("failures_bounded", f"failure {e.failures} (limit {pol.max_failures}) left the account {state}"))
    return out


def state_violations(h: Harness, w: Situation) -> list[tuple[str, str]]:
    a = w.account
    out: list[tuple[str, str]] = []
    if a.state == "enrolled" and a.bound_secret is None:
        out.append(("state_matches_secrets", "enrolled without a bound secret"))
    if a.state == "setup_in_progress" and a.pending_secret is None:
        out.append(("state_matches_secrets", "setup in progress without a pending secret"))
    confirmation = h.spec.states[a.state].confirmation if a.state in h.spec.states else False
    if (
        a.pending_secret is not None
        and a.state != "setup_in_progress"
        and not (confirmation and a.prior_state == "setup_in_progress")
    ):
        out.append(("state_matches_secrets", f"a pending secret outlived its setup (state {a.state})"))
    if a.prior_state is not None and not confirmation:
        out.append(("state_matches_secrets", f"the reset's origin '{a.prior_state}' is still kept in {a.state}"))
    return out


def is_recovered(h: Harness, w: Situation) -> bool:
    a = w.account
    bound = _secret(a.bound_secret)
    return a.state in h.engine.spec.access_states and bound is not None and bound in w.held(USER)


def is_legit(h: Harness, s: Applied) -> bool:
    """Steps the user and the organisation take to recover (no attacker, no lost phones)."""
    act = s.action
    if act.actor in (PHISHER, THIEF) or act.event in ("lose_phone", "delete_app"):
        return False
    if s.person is not None:
        return authorised(h, s.person, act.event)
    return True
