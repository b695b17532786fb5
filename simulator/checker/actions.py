"""Every action of every party in the checker's world, and how one step changes the world."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace

from simulator.checker.world import PARTIES, PHISHER, THIEF, USER, Colleague, Harness, Situation, mailed_token
from twofa_fsm import Account, Actor, DeniedError, Emissions, Forbidden, Outcome
from twofa_fsm.attempt import attempt
from twofa_fsm.outcome import NOTHING

LOOKALIKE = str.maketrans("0123456789", "０１２３４５６７８９")
OFFSETS = {"current": 0, "prev": -1, "next": 1, "prev2": -2, "next2": 2}


@dataclass(frozen=True)
class Action:
    """One thing someone does.  ``actor``: a party, a person key, ``system`` or ``clock``."""

    actor: str
    event: str
    code: str | None = None  # current, prev, next, prev2, next2, wrong, lookalike, replay, dead
    token: str | None = None  # mail, guess
    seconds: float = 0.0
    repeat: int = 1  # > 1: wait out the back-off and try again, that many times

    def label(self) -> str:
        extra = [
            x
            for x in (
                self.code and f"code={self.code}",
                self.token and f"token={self.token}",
                self.seconds and f"{self.seconds:g}s",
                self.repeat > 1 and f"x{self.repeat}",
            )
            if x
        ]
        return f"{self.actor}.{self.event}" + (f"({', '.join(extra)})" if extra else "")


@dataclass
class Applied:
    action: Action
    before: Situation
    after: Situation
    outcome: Outcome | None
    error: DeniedError | None
    emitted: Emissions
    code_secret: str | None = None
    code_step: int | None = None
    code_offset: int | None = None
    person: Colleague | None = None

    @property
    def allowed(self) -> bool:
        return self.outcome is not None


def _secret(value: object) -> str | None:
    return None if value is None else value.get_secret_value()  # type: ignore[attr-defined]


def enumerate_actions(h: Harness, w: Situation) -> list[Action]:
    """Every action of every party on ``w``, in a fixed order (the search's shortest paths depend on it)."""
    allowed = set(h.engine.allowed_events(w.account))
    return [
        *_login_moves(w, allowed),
        *_brute_moves(h, w, allowed),
        *_holder_moves(w, allowed),
        *_people_moves(h, allowed),
        *_other_moves(h, allowed),
        *_world_moves(h, w),
    ]


STANDARD = frozenset(
    {"login", "verify_setup", "start_setup", "abandon_setup", "report_lost_device", "request_reset",
     "confirm_reset", "cancel_reset"}
)  # fmt: skip


def _other_moves(h: Harness, allowed: set[str]) -> list[Action]:
    """Any other event of the spec (a designer's own): tried by every party, with the inputs it declares
    (the user's own password, code and mailed token; the phisher's phished password; the thief's phone),
    and by every person around the account."""
    out: list[Action] = []
    for event in sorted(allowed - STANDARD):
        out += [Action(USER, event, code="current", token="mail"), Action(PHISHER, event, code="current")]
        out += [Action(THIEF, event, code="current"), *(Action(p.key, event) for p in h.people)]
    return out


def _login_moves(w: Situation, allowed: set[str]) -> list[Action]:
    if "login" not in allowed:
        return []
    bound, user_held = _secret(w.account.bound_secret), w.held(USER)
    out: list[Action] = []
    for cls in ("current", "prev", "next", "prev2", "next2", "wrong", "lookalike", "replay", "dead"):
        if (cls == "dead" and not (user_held & w.dead)) or (cls == "replay" and w.last_code is None):
            continue
        out.append(Action(USER, "login", code=cls))
    for party in (PHISHER, THIEF):
        held = w.held(party)
        out.append(Action(party, "login", code="current" if bound in held else ("dead" if held & w.dead else "wrong")))
    return out


def _brute_moves(h: Harness, w: Situation, allowed: set[str]) -> list[Action]:
    """Brute force up to one short of the limit (the states in between behave alike)."""
    top, failures = h.policy.max_failures, w.account.failures
    if not (0 < failures < top - 2 and allowed & {"login", "verify_setup"}):
        return []
    if "login" in allowed:
        return [Action(PHISHER, "login", code="wrong", repeat=top - 1 - failures)]
    return [Action(USER, "verify_setup", code="wrong", token="mail", repeat=top - 1 - failures)]


def _holder_moves(w: Situation, allowed: set[str]) -> list[Action]:
    out: list[Action] = []
    if "verify_setup" in allowed:
        out += [Action(USER, "verify_setup", code=cls, token="mail") for cls in ("current", "wrong", "lookalike")]
        if _secret(w.account.pending_secret) in w.held(PHISHER):
            out.append(Action(PHISHER, "verify_setup", code="current", token="guess"))
    if "start_setup" in allowed:
        out += [Action(USER, "start_setup", token="mail"), Action(PHISHER, "start_setup", token="guess")]
    for event in ("abandon_setup", "report_lost_device"):
        if event in allowed:
            out += [Action(USER, event), Action(PHISHER, event)]
    return out


def _people_moves(h: Harness, allowed: set[str]) -> list[Action]:
    out = [Action(p.key, event) for event in ("request_reset", "confirm_reset", "cancel_reset") if event in allowed
           for p in h.people]  # fmt: skip
    if h.engine.spec.events.keys() & {"expire_setup", "too_many_failures"}:
        out.append(Action("system", "tick"))
    return out


def _world_moves(h: Harness, w: Situation) -> list[Action]:
    a, pol = w.account, h.policy
    out: list[Action] = []
    if w.held(USER):
        out += [Action(USER, "lose_phone"), Action(USER, "delete_app")]  # the thief picks a lost phone up
    out.append(Action("clock", "wait", seconds=float(pol.period)))
    if a.failures:
        out.append(Action("clock", "wait", seconds=pol.backoff_max_seconds + pol.period))
    if pol.setup_timeout_seconds is not None and a.pending_secret is not None:
        out.append(Action("clock", "wait", seconds=float(pol.setup_timeout_seconds + pol.period)))
    if pol.token_lifetime_seconds is not None and a.token_digest is not None:
        out.append(Action("clock", "wait", seconds=float(pol.token_lifetime_seconds + pol.period)))
    if pol.reset_confirm_seconds is not None and a.reset_requested_at is not None:
        out.append(Action("clock", "wait", seconds=float(pol.reset_confirm_seconds + pol.period)))
    if pol.reset_confirm_seconds is not None and a.reset_requested_at is not None:
        out.append(Action("clock", "wait", seconds=float(pol.reset_confirm_seconds + pol.period)))
    return out


_WRONG: dict[tuple[object, ...], str] = {}


def _wrong(h: Harness, secrets: tuple[str | None, ...], step: int) -> str:
    """A well-formed code that no live secret accepts anywhere near now."""
    key = (secrets, step)
    if key not in _WRONG:
        now = step * h.policy.period
        valid = {h.code(s, now, o) for s in secrets if s for o in range(-2, 3)}
        _WRONG[key] = next(c for n in range(1_000_000) if (c := f"{n:0{h.policy.digits}d}") not in valid)
        if len(_WRONG) > 100_000:
            _WRONG.clear()
    return _WRONG[key]


def _code_for(h: Harness, w: Situation, act: Action, party: str) -> tuple[str | None, str | None, int | None]:
    """(code to type, secret it came from, offset) for the action's code class."""
    a, now = w.account, w.now
    held = w.held(party)
    pending = any(t.event == act.event and t.guard("pending_code_valid") for t in h.spec.transitions)
    secret = _secret(a.pending_secret) if pending else _secret(a.bound_secret)
    cls = act.code or "current"
    if cls == "replay":
        assert w.last_code is not None
        return w.last_code[1], w.last_code[0], None
    if cls == "dead":
        dead = sorted(held & w.dead)
        return (h.code(dead[0], now), dead[0], 0) if dead else ("000000", None, None)
    if cls == "wrong" or secret is None or secret not in held:
        return _wrong(h, (_secret(a.bound_secret), _secret(a.pending_secret)), h.step_of(now)), None, None
    if cls == "lookalike":
        return h.code(secret, now).translate(LOOKALIKE), secret, 0
    offset = OFFSETS[cls]
    return h.code(secret, now, offset), secret, offset


def apply(h: Harness, w: Situation, act: Action) -> Applied:
    """One action on one world: through the library's shared ``attempt`` (the path the service takes)."""
    if act.repeat > 1:
        pause = h.policy.backoff_max_seconds + h.policy.period
        single = replace(act, repeat=1)
        for _ in range(act.repeat - 1):
            w = apply(h, replace(w, now=w.now + pause), single).after
        return apply(h, replace(w, now=w.now + pause), single)
    h.begin(w)
    step = Applied(act, w, w, None, None, NOTHING)
    if act.actor == "clock":
        step.after = replace(w, now=w.now + act.seconds)
        return step
    if act.event in ("lose_phone", "delete_app"):
        after = w.with_held(USER, frozenset())
        if act.event == "lose_phone":
            after = after.with_held(THIEF, w.held(THIEF) | w.held(USER))
        step.after = after
        return step
    if act.actor not in PARTIES and act.actor != "system":
        step.person = next(p for p in h.people if p.key == act.actor)
        known = _known_forbidden(h, w, act)
        if known is not None:
            step.error = known
            return step
    done = attempt(w.account, _firing(h, w, act, step))
    step.outcome, step.error, step.emitted = done.outcome, done.error, done.emitted
    if step.person is not None and isinstance(done.error, Forbidden) and done.error.followed_by is None:
        h.forbidden[_memo(act, w)] = done.error
    if done.outcome is None and done.error is None:  # a tick with nothing due
        return step
    step.after = _next_world(h, w, step)
    return step


def _memo(act: Action, w: Situation) -> tuple[str, str, str, str | None]:
    return (act.actor, act.event, w.account.state, w.account.prior_state)


def _known_forbidden(h: Harness, w: Situation, act: Action) -> DeniedError | None:
    """A Forbidden answer depends only on who asks, the event, the state and where the confirmation
    step came from (selectors and authorisation guards run before any other guard, and read nothing
    else): the engine is asked once per such key."""
    known = h.forbidden.get(_memo(act, w))
    if known is None:
        return None
    error = copy.copy(known)
    error.account = w.account
    return error


def _firing(h: Harness, w: Situation, act: Action, step: Applied) -> Callable[[Account], Outcome | None]:
    """The engine call ``act`` makes on the target account."""
    e = h.engine
    if act.actor == "system":
        return e.tick
    if step.person is not None:
        actor = h.actor(step.person, w.now)
        return lambda acc: e.fire(acc, act.event, actor)
    password = h.password if act.actor != THIEF else "guess-123"
    token = (w.mail if act.actor == USER else "deadbeef" * 4) if act.token else None
    if act.event in ("login", "verify_setup") or (act.event not in STANDARD and act.code is not None):
        code, step.code_secret, step.code_offset = _code_for(h, w, act, act.actor)
        if step.code_secret is not None and step.code_offset is not None:
            step.code_step = h.step_of(w.now) + step.code_offset
        if act.code == "replay":
            step.code_step = w.account.last_step
        if act.event == "login":
            return lambda acc: e.login(acc, password=password, code=code or "")
        if act.event == "verify_setup":
            return lambda acc: e.verify_setup(acc, code=code or "", token=token, password=password)
        return lambda acc: e.fire(acc, act.event, Actor.holder(acc), password=password, code=code, token=token)
    if act.event == "start_setup":
        return lambda acc: e.start_setup(acc, password=password, token=token)
    if act.event == "report_lost_device":
        return lambda acc: e.report_lost_device(acc, password=password)
    return lambda acc: e.fire(acc, act.event, Actor.holder(acc), password=password)


def _next_world(h: Harness, w: Situation, step: Applied) -> Situation:
    """The world after ``step``: the account the call left (a triggered lock included), and what people now hold."""
    final = step.outcome.account if step.outcome is not None else (step.error.account if step.error else None)
    if final is None or final is w.account:  # a refusal that changed nothing: the same world
        return w
    before = {s for s in (_secret(w.account.bound_secret), _secret(w.account.pending_secret)) if s}
    after = {s for s in (_secret(final.bound_secret), _secret(final.pending_secret)) if s}
    changes: dict[str, object] = {"account": final, "entropy_n": h.entropy.n}
    if before - after:
        changes["dead"] = w.dead | frozenset(before - after)
    if step.outcome is not None:
        changes.update(_allowed_changes(h, w, step, final))
    return replace(w, **changes)  # type: ignore[arg-type]


def _allowed_changes(h: Harness, w: Situation, step: Applied, final: Account) -> dict[str, object]:
    out = step.outcome
    assert out is not None
    changes: dict[str, object] = {}
    pending = _secret(final.pending_secret)
    if out.provisioning_uri is not None and step.action.actor in PARTIES and pending:
        holds = list(w.holds)
        holds[PARTIES.index(step.action.actor)] = w.held(step.action.actor) | {pending}
        changes["holds"] = tuple(holds)
    mailed = mailed_token(step.emitted)
    if mailed is not None:
        changes["mail"] = mailed
    if step.code_secret is not None and step.code_step is not None:
        code = h.code(step.code_secret, w.now, step.code_offset or 0)
        changes["accepted"] = w.accepted | {(step.code_secret, step.code_step)}
        changes["last_code"] = (step.code_secret, code)
    states = h.engine.spec.states
    if out.event == "request_reset":
        changes["snapshot"] = w.account
    elif out.source != out.dest and w.account.state in states and states[w.account.state].confirmation:
        changes["snapshot"] = None
    return changes
