"""The reference model the stateful tests compare the engine with: a few dozen lines of rules,
written from the rules in docs/background.md and the article, independent of the spec
(only its numbers come from the policy)."""

from __future__ import annotations

from dataclasses import dataclass

from twofa_fsm import DeniedError, Forbidden, GuardFailed, Outcome, Policy
from twofa_fsm_tools.checker.people import Colleague
from twofa_fsm_tools.checker.world import Situation

RESETS = ("request_reset", "confirm_reset", "cancel_reset")
HOLDER_EVENTS = ("start_setup", "verify_setup", "abandon_setup", "login", "report_lost_device")
SYSTEM_EVENTS = ("expire_setup", "too_many_failures", "expire_reset")


def secret_of(value: object) -> str | None:
    return None if value is None else value.get_secret_value()  # type: ignore[attr-defined]


# -- the oracle: an independent model of what each action should do -----------------------------

ALLOWED = {
    "unenrolled": {"start_setup", "request_reset"},
    "setup_in_progress": {"verify_setup", "abandon_setup", "expire_setup", "too_many_failures", "request_reset"},
    "enrolled": {"login", "report_lost_device", "too_many_failures", "request_reset"},
    "locked_out": {"request_reset"},
    "reset_pending": {"confirm_reset", "cancel_reset", "expire_reset"},
}
RANK = {"member": 1, "admin": 2, "owner": 3}


@dataclass(frozen=True)
class Expect:
    kind: str  # ok, noop, InvalidEvent, Forbidden, GuardFailed, BadCode
    state: str  # the state after the step (after a lock, if one followed)
    access: bool = False
    counted: bool = False


@dataclass(frozen=True)
class Attempt:
    """What the actor brings: who they are and what they type (the oracle's input)."""

    event: str
    who: str  # holder (presents the target's own credentials), person, system
    person: Colleague | None = None
    password_ok: bool = False
    starter_ok: bool = False  # presents the setup handle start_setup gave them (or no handle was issued)
    token: str | None = None  # mail (the real one), guess, or None
    code_secret: str | None = None  # the secret the code came from, if any
    code_offset: int | None = None  # steps from now; None: not a fresh code of that secret
    code_wellformed: bool = True
    code_is_str: bool = True


@dataclass
class Oracle:
    """What the hardened lifecycle (docs/background.md) should do: kept apart from the engine's code."""

    role: str
    target_id: str
    policy: Policy  # the numbers (limits, timeouts); the rules are the oracle's own
    state: str
    bound: str | None = None
    pending: str | None = None
    pending_since: float | None = None
    prior: str | None = None
    reset_since: float | None = None
    failures: int = 0
    last_failure: float | None = None
    last_step: int | None = None
    token_until: float | None = None  # a setup token is required, valid until then
    session: bool = False

    def _may_reset(self, p: Colleague, event: str) -> bool:
        if p.id == self.target_id or not p.stands:  # their own account must let them act at all
            return False
        if p.role == "support":
            return self.role == "owner"  # each organisation has one owner: the sole owner
        fresh = p.fresh or event == "cancel_reset"
        return p.org == "acme" and p.role in ("owner", "admin") and RANK[self.role] <= RANK[p.role] and fresh

    def _fail(self, now: float, kind: str) -> Expect:
        self.failures += 1
        self.last_failure = now
        if self.failures >= self.policy.max_failures:  # the engine locks at once
            self.state, self.pending, self.pending_since, self.session = "locked_out", None, None, False
        return Expect(kind, self.state, counted=True)

    def _code_ok(self, a: Attempt, secret: str | None, step: int, replay_guard: bool) -> bool:
        if (
            a.code_secret is None
            or a.code_secret != secret
            or a.code_offset is None
            or abs(a.code_offset) > self.policy.drift_window
        ):
            return False
        return not (replay_guard and self.last_step is not None and step + a.code_offset <= self.last_step)

    def _setup_too_old(self, now: float) -> bool:
        limit = self.policy.setup_timeout_seconds
        return limit is not None and self.pending_since is not None and now - self.pending_since > limit

    def _system(self, a: Attempt, ev: str, now: float) -> Expect:
        """The system fires one of its events directly: as ``tick`` would, when that event is due."""
        due = self.step(Attempt("tick", "system"), now, None) if ev != "too_many_failures" else None
        if due is None or due.kind == "noop":
            return Expect("GuardFailed", self.state)
        return due

    def step(self, a: Attempt, now: float, new_pending: str | None) -> Expect:  # noqa: C901 - one decision table, read top to bottom beside the rules
        """Predict the outcome of ``a`` at ``now`` and move the model along with it."""
        ev, st_ = a.event, self.state
        if a.who == "system" and ev == "tick":
            if st_ == "setup_in_progress" and self._setup_too_old(now):
                self.state, self.pending, self.pending_since = "unenrolled", None, None
                return Expect("ok", self.state)
            limit = self.policy.reset_confirm_seconds
            if st_ == "reset_pending" and limit is not None and self.reset_since is not None:
                if now - self.reset_since > limit:  # a reset nobody confirmed ends as a Cancel would
                    assert self.prior is not None
                    self.state, self.prior, self.reset_since = self.prior, None, None
                    return Expect("ok", self.state)
            return Expect("noop", st_)
        if ev not in ALLOWED[st_]:
            return Expect("InvalidEvent", st_)
        if ev in HOLDER_EVENTS and a.who != "holder":
            return Expect("Forbidden", st_)
        if ev in SYSTEM_EVENTS:  # only the system fires these, and only when due
            return self._system(a, ev, now) if a.who == "system" else Expect("Forbidden", st_)
        if a.who == "system":
            return Expect("Forbidden", st_)
        if ev in RESETS:
            if a.person is None or not self._may_reset(a.person, ev):
                return Expect("Forbidden", st_)
            if ev == "request_reset":
                self.prior, self.state, self.reset_since = st_, "reset_pending", now
            elif ev == "cancel_reset":
                assert self.prior is not None
                self.state, self.prior, self.reset_since = self.prior, None, None
            else:
                self.state, self.prior, self.bound, self.pending, self.pending_since = (
                    "unenrolled",
                    None,
                    None,
                    None,
                    None,
                )
                self.session, self.token_until = False, now + (self.policy.token_lifetime_seconds or 0)
                self.reset_since = None
            return Expect("ok", self.state)
        if ev in ("verify_setup", "abandon_setup") and not a.starter_ok:
            return Expect("Forbidden", st_)  # a setup is its starter's (the handle, or the password): nothing counted
        if ev == "abandon_setup":
            self.state, self.pending, self.pending_since = "unenrolled", None, None
            return Expect("ok", self.state)
        pol = self.policy
        wait = (
            0.0
            if self.failures == 0
            else min(pol.backoff_max_seconds, pol.backoff_base_seconds * 2.0 ** (self.failures - 1))
        )
        backed_off = ev != "report_lost_device" and self.last_failure is not None and now < self.last_failure + wait
        token_ok = self.token_until is None or (a.token == "mail" and now < self.token_until)
        step = int(now // pol.period)
        if backed_off or (ev in ("start_setup", "login", "report_lost_device") and not a.password_ok):
            return Expect("GuardFailed", st_)
        if ev in ("start_setup", "verify_setup") and not token_ok:
            return Expect("GuardFailed", st_)
        if ev == "start_setup":
            self.state, self.pending, self.pending_since = "setup_in_progress", new_pending, now
            return Expect("ok", self.state)
        if ev == "report_lost_device":
            self.state, self.session = "locked_out", False
            return Expect("ok", self.state)
        if ev == "verify_setup" and self._setup_too_old(now):
            return Expect("GuardFailed", st_)  # refused, not counted: start setup again
        if not (a.code_is_str and a.code_wellformed):
            return self._fail(now, "BadCode") if a.code_is_str else Expect("BadCode", st_)
        if not self._code_ok(a, self.bound if ev == "login" else self.pending, step, replay_guard=ev == "login"):
            return self._fail(now, "BadCode")
        assert a.code_offset is not None
        used = step + a.code_offset
        self.last_step = used if self.last_step is None else max(self.last_step, used)
        self.session = True
        self.failures, self.last_failure = 0, None  # a success clears the count (a login or a completed setup)
        if ev != "login":
            self.state, self.bound, self.pending, self.pending_since, self.token_until = (
                "enrolled",
                self.pending,
                None,
                None,
                None,
            )
        return Expect("ok", self.state, access=True)

    def mismatches(self, w: Situation) -> list[str]:
        a = w.account
        want = {
            "state": self.state,
            "failures": self.failures,
            "last_step": self.last_step,
            "bound": self.bound,
            "pending": self.pending,
            "token_required": self.token_until is not None,
            "session": self.session,
        }
        got = {
            "state": a.state,
            "failures": a.failures,
            "last_step": a.last_step,
            "bound": secret_of(a.bound_secret),
            "pending": secret_of(a.pending_secret),
            "token_required": a.token_required,
            "session": bool(a.sessions),
        }
        return [f"{k}: oracle {want[k]!r}, engine {got[k]!r}" for k in want if want[k] != got[k]]


def observed(outcome: Outcome | None, error: DeniedError | None, state: str) -> Expect:
    """What the engine did, in the oracle's terms."""
    if outcome is not None:
        return Expect("ok", state, access=outcome.access_granted)
    if error is not None:
        kind = "Forbidden" if isinstance(error, Forbidden) else type(error).__name__  # InvalidSession is one
        return Expect(kind, state, counted=isinstance(error, GuardFailed) and error.counted)
    return Expect("noop", state)
