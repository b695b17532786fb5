"""How one move changes the checker's world: every engine call goes through the library's shared ``attempt``,
every person acts through their own account (``twofa_fsm.acting.standing``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from twofa_fsm import Account, Actor, DeniedError, Emissions, Forbidden, Outcome, Session
from twofa_fsm.acting import standing
from twofa_fsm.attempt import Attempt, attempt
from twofa_fsm.outcome import NOTHING
from twofa_fsm_tools.checker.moves import Action
from twofa_fsm_tools.checker.people import FRESH, LOGGED_OUT, STALE, Colleague
from twofa_fsm_tools.checker.timers import TIMERS_ACTOR
from twofa_fsm_tools.checker.world import PARTIES, THIEF, TIMERS, USER, Harness, Situation, mailed_token

LOOKALIKE = str.maketrans("0123456789", "０１２３４５６７８９")
OFFSETS = {"current": 0, "prev": -1, "next": 1, "prev2": -2, "next2": 2}


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
    if act.actor not in PARTIES and act.actor != TIMERS:
        step.person = next(p for p in h.people if p.key == act.actor)
        known = _known_forbidden(h, w, act)
        if known is not None:
            step.error, step.emitted = known, known.emitted
            return step
    fire, same = _firing(h, w, act, step)
    done = _same_call(h, w, fire, same)
    step.outcome, step.error, step.emitted = done.outcome, done.error, done.emitted
    if step.person is not None and isinstance(done.error, Forbidden) and done.error.followed_by is None:
        h.forbidden[_memo(h, act, w)] = done.error
    if done.outcome is None and done.error is None:  # a tick with nothing due
        return step
    step.after = _next_world(h, w, step)
    return step


def _memo(h: Harness, act: Action, w: Situation) -> tuple[object, ...]:
    return (act.actor, act.event, w.account.state, w.account.prior_state, h.peer_standing, h.peer_state)


def refused_again(h: Harness, w: Situation, act: Action) -> bool:
    """A person's move the engine already refused as Forbidden for the same memo key (``_known_forbidden``).

    Such a step leaves the world as it was and breaks no step property that its first occurrence did not
    (the refusal is audited, changes nothing, judges no code; whether the person was authorised depends on the
    key alone), so a search may count it and move on without building it again."""
    return act.actor not in PARTIES and act.actor != TIMERS and _memo(h, act, w) in h.forbidden


def _known_forbidden(h: Harness, w: Situation, act: Action) -> DeniedError | None:
    """A Forbidden answer depends only on who asks, the event, the state and where the confirmation
    step came from (selectors and authorisation guards run before any other guard, and read nothing
    else; a person's standing is fixed relative to now, a pair world's peer's is in the key): the engine is
    asked once per such key."""
    known = h.forbidden.get(_memo(h, act, w))
    if known is None:
        return None
    error = type(known).__new__(type(known))  # a plain copy (copy.copy would pickle it, redacted, field by field)
    error.__dict__.update(known.__dict__)
    error.args = known.args
    error.account = w.account
    if known.audit is not None:  # the record of this refusal: now, not when the memo was filled
        error.audit = replace(known.audit, at=w.now)
        error.emitted = Emissions((error.audit,)) if known.emitted.audit == (known.audit,) else known.emitted
    return error


def person_actor(h: Harness, person: Colleague, target: Account, event: str) -> Actor:
    """``person`` as the library lets them act now: through their own account when they have one."""
    now = h.clock.now()
    bare = Actor(person.id, person.role, person.org, now - 5)
    if not person.backed:
        return bare
    own = h.accounts.get(person.id)
    if own is not None and person.standing == LOGGED_OUT:
        own = own.model_copy(update={"sessions": ()})  # logged out, or their sessions were revoked
    elif own is not None and person.standing in (FRESH, STALE):
        recent = h.policy.recent_auth_seconds or 900
        started = now - 5 if person.standing == FRESH else now - recent - 60
        session = Session(digest=h.session_digest(person.id), started_at=started, seen_at=now - 5)
        own = own.model_copy(update={"sessions": (session,)})
    return standing(h.engine, own, Actor(person.id, person.role, person.org), target, event)


Firing = Callable[[Account], Outcome | None]


def _same_call(h: Harness, w: Situation, fire: Firing, same: tuple[object, ...] | None) -> Attempt:
    """``attempt(w.account, fire)``; a holder's call with the same event and inputs as one already made on
    ``w`` (the parties differ in what they hold, the engine sees the same call) is answered as before."""
    if same is None:
        return attempt(w.account, fire)
    if h.calls_on is not w:
        h.calls_on, h.calls = w, {}
    known = h.calls.get(same)
    if known is not None:
        h.entropy.n = known[1]
        return known[0]
    done = attempt(w.account, fire)
    h.calls[same] = (done, h.entropy.n)
    return done


def _firing(h: Harness, w: Situation, act: Action, step: Applied) -> tuple[Firing, tuple[object, ...] | None]:
    """The engine call ``act`` makes on the target account, and (a holder's call) what identifies it."""
    e = h.engine
    if act.actor == TIMERS:
        return (e.tick if act.event == "tick" else (lambda acc: e.fire(acc, act.event, TIMERS_ACTOR))), None
    if step.person is not None:
        person = step.person
        return (lambda acc: e.fire(acc, act.event, person_actor(h, person, acc, act.event))), None
    password = {"right": h.password, "wrong": "guess-123"}.get(act.password or "")
    token = {"mail": w.mail, "old": w.old_mail, "wrong": "deadbeef" * 4}.get(act.token or "")
    handle = {"own": w.handle(act.actor), "wrong": "not-the-handle-0123456789"}.get(act.handle or "")
    code = None
    if act.code is not None:
        code, step.code_secret, step.code_offset = _code_for(h, w, act)
        if step.code_secret is not None and step.code_offset is not None:
            step.code_step = h.step_of(w.now) + step.code_offset
        if act.code == "replay":
            step.code_step = w.account.last_step
    inputs = {"password": password, "code": code, "token": token, "handle": handle}
    given = {k: v for k, v in inputs.items() if k in h.facts.inputs(act.event)}
    return (lambda acc: e.fire(acc, act.event, Actor.holder(acc), **given)), (act.event, *given.values())


def _wrong(h: Harness, secrets: tuple[str | None, ...], step: int) -> str:
    """A well-formed code that no live secret accepts anywhere near now."""
    key = (secrets, step)
    known = h.wrong_codes.get(key)
    if known is None:
        now = step * h.policy.period
        valid = {h.code(s, now, o) for s in secrets if s for o in range(-2, 3)}
        known = next(c for n in range(1_000_000) if (c := f"{n:0{h.policy.digits}d}") not in valid)
        if len(h.wrong_codes) > 100_000:
            h.wrong_codes.clear()
        h.wrong_codes[key] = known
    return known


def _code_for(h: Harness, w: Situation, act: Action) -> tuple[str | None, str | None, int | None]:
    """(code to type, secret it came from, offset) for the action's code class."""
    a, now, held = w.account, w.now, w.held(act.actor)
    bound, pending = _secret(a.bound_secret), _secret(a.pending_secret)
    secret, other = (pending, bound) if h.facts.code_source(act.event) == "pending" else (bound, pending)
    cls = act.code or "current"
    if cls == "replay" and w.last_code is not None:
        return w.last_code[1], w.last_code[0], None
    if cls == "dead" and held & w.dead:
        dead = sorted(held & w.dead)[0]
        return h.code(dead, now), dead, 0
    if cls == "other" and other is not None and other in held:
        return h.code(other, now), other, 0
    if cls in ("wrong", "replay", "dead", "other") or secret is None or secret not in held:
        return _wrong(h, (bound, pending), h.step_of(now)), None, None
    if cls == "lookalike":
        return h.code(secret, now).translate(LOOKALIKE), secret, 0
    offset = OFFSETS[cls]
    return h.code(secret, now, offset), secret, offset


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
    actor = step.action.actor
    pending = _secret(final.pending_secret)
    if out.provisioning_uri is not None and actor in PARTIES and pending:
        holds = list(w.holds)
        holds[PARTIES.index(actor)] = w.held(actor) | {pending}
        changes["holds"] = tuple(holds)
    if out.setup_handle is not None and actor in PARTIES:
        handles = list(w.handles)
        handles[PARTIES.index(actor)] = out.setup_handle
        changes["handles"] = tuple(handles)
    mailed = mailed_token(step.emitted)
    if mailed is not None:
        changes["mail"], changes["old_mail"] = mailed, w.mail
    if step.code_secret is not None and step.code_step is not None:
        code = h.code(step.code_secret, w.now, step.code_offset or 0)
        changes["accepted"] = w.accepted | {(step.code_secret, step.code_step)}
        changes["last_code"] = (step.code_secret, code)
    conf = h.facts.confirmation
    if out.dest in conf and out.source not in conf:
        changes["snapshot"] = w.account
    elif out.source in conf and out.dest not in conf:
        changes["snapshot"] = None
    return changes
