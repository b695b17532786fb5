"""Owners, Admins and vendor support answering reset requests (and help desks fooled by attackers).

The resetting Owner/Admin must have passed 2FA recently: they log in with their
own phone first when their last verification is older than the spec allows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twofa_fsm import Actor, DeniedError, Outcome
from twofa_fsm_tools.population.events import handles
from twofa_fsm_tools.population.people import SimUser

if TYPE_CHECKING:
    from twofa_fsm_tools.population.block import BlockSim

GENUINE, FOOLED, SUPPORT = 0, 1, 2
_RECENT_DEFAULT = 900.0  # how long a verification counts when the spec sets no limit (we still model the login)


def ask_admin(sim: BlockSim, person: SimUser) -> None:
    """The user asks an Owner/Admin for a reset (one request at a time, ``max_tries`` per lockout).

    After ``max_tries`` requests (none could act, or the tokens expired unused) the user
    turns once to vendor support where the spec has it (it may refuse), else is stranded.
    """
    if person.waiting or person.stranded:
        return
    if person.asks >= sim.profile.admins.max_tries:
        if _support_role(sim) is not None and not person.support_tried:
            person.support_tried = True
            _call_support(sim, person)
        else:
            _strand(sim, person)
        return
    person.asks += 1
    person.waiting = True
    sim.later(sim.profile.admins.response_delay_hours.sample(sim.rng) * 3600, "admin", person, GENUINE)


def _call_support(sim: BlockSim, person: SimUser) -> None:
    person.waiting = True
    sim.later(sim.profile.admins.support_delay_hours.sample(sim.rng) * 3600, "admin", person, SUPPORT)


def _reset_roles(sim: BlockSim) -> tuple[str, ...]:
    for t in sim.engine.spec.transitions:
        ref = t.guard("actor_role_in") if t.event == "request_reset" else None
        if ref is not None:
            return (ref.arg,) if isinstance(ref.arg, str) else tuple(ref.arg or ())
    return ()


def _support_role(sim: BlockSim) -> str | None:
    return next((name for name, info in sim.engine.spec.roles.items() if info.scope == "vendor"), None)


def _verified(sim: BlockSim, admin: SimUser) -> bool:
    """The admin has passed 2FA recently, or logs in now with their phone."""
    limit = sim.engine.policy.recent_auth_seconds or _RECENT_DEFAULT
    at = admin.account.last_verified_at
    if at is not None and sim.now - at <= limit - 60:
        return True
    return sim.login(admin)


def _resetter(sim: BlockSim, person: SimUser) -> tuple[Actor | None, bool]:
    """An Owner/Admin of the organisation who can act now, and whether anyone in-app ever could."""
    roles = sim.engine.spec.roles
    allowed = _reset_roles(sim)
    tier = roles[person.role].tier
    candidates = [
        q
        for q in sim.by_org[person.org]
        if q is not person and q.role in allowed and q.role in roles and roles[q.role].tier >= tier
    ]
    available = [q for q in candidates if q.account.state == "enrolled" and q.totp is not None]
    sim.rng.shuffle(available)
    for admin in available:
        if _verified(sim, admin):
            return Actor.holder(admin.account), True
    return None, bool(candidates)


def _fire(sim: BlockSim, person: SimUser, what: str, actor: Actor) -> Outcome | None:
    method = {
        "request": sim.engine.request_reset,
        "confirm": sim.engine.confirm_reset,
        "cancel": sim.engine.cancel_reset,
    }[what]
    try:
        return sim.outcome(person, method(person.account, actor))
    except DeniedError as err:
        sim.refused(person, err)
        return None


@handles("admin")
def respond(sim: BlockSim, person: SimUser, how: int) -> None:
    """An Owner/Admin (or vendor support) acts on a reset request: Reset 2FA, then Reset in the confirmation."""
    if how != FOOLED:
        person.waiting = False
    if "request_reset" not in sim.engine.allowed_events(person.account):  # e.g. already reset: nothing to do
        if how != FOOLED:
            sim.later(sim.next_login(), "act", person)
        return
    actor = _acting(sim, person, how)
    if actor is None:
        return
    sim.advance(5.0)
    if _fire(sim, person, "request", actor) is None:
        _request_refused(sim, person, how)
        return
    sim.advance(5.0)
    if sim.rng.random() < sim.profile.admins.cancel_by_mistake:
        _cancel_by_mistake(sim, person, actor)
    done = _fire(sim, person, "confirm", actor)
    if done is None:
        sim.counts["unexpected_refusals"] += 1
        return
    _after_reset(sim, person, how, informed=how != FOOLED or "reset" in done.notices)


def _acting(sim: BlockSim, person: SimUser, how: int) -> Actor | None:
    """Who acts: vendor support, or an Owner/Admin who can act now (None: nobody can; already handled)."""
    if how == SUPPORT:
        support = _support_role(sim)
        assert support is not None
        return Actor("vendor-support", support, None, sim.now)
    actor, anyone = _resetter(sim, person)
    if actor is None:
        _nobody(sim, person, anyone, how)
    return actor


def _request_refused(sim: BlockSim, person: SimUser, how: int) -> None:
    if how == SUPPORT:  # the last resort: vendor support may act only for a sole owner
        sim.counts["support_refused"] += 1
        _strand(sim, person)
    else:
        sim.counts["unexpected_refusals"] += how != FOOLED
        sim.later(sim.next_login(), "act", person)


def _cancel_by_mistake(sim: BlockSim, person: SimUser, actor: Actor) -> None:
    """The resetter presses Cancel in the confirmation, then asks for the reset again."""
    if _fire(sim, person, "cancel", actor) is not None:
        sim.counts["cancelled_resets"] += 1
    sim.advance(10.0)
    _fire(sim, person, "request", actor)
    sim.advance(5.0)


def _nobody(sim: BlockSim, person: SimUser, anyone: bool, how: int) -> None:
    """No Owner/Admin can act now: ask again later; a sole owner goes to vendor support, if any."""
    if how == FOOLED:
        return  # the help desk could not find anyone to do it
    if anyone:  # they exist but none can act now (all locked out themselves)
        ask_admin(sim, person)
    elif _support_role(sim) is not None:
        _call_support(sim, person)
    else:
        _strand(sim, person)


def _strand(sim: BlockSim, person: SimUser) -> None:
    """Nobody can reset this user: they stay locked out (counted once per lockout)."""
    person.stranded = True
    sim.counts["stranded"] += 1


def _after_reset(sim: BlockSim, person: SimUser, how: int, *, informed: bool) -> None:
    sim.counts["resets"] += 1
    sim.counts["resets_by_support"] += how == SUPPORT
    if how == FOOLED:
        person.lock_cause = "attacker_reset"
        sim.later(sim.rng.uniform(60.0, 600.0), "enrol", person, 1)  # the caller is waiting on the line
    elif person.phished and sim.rng.random() < sim.profile.attackers.watch_reset_window:
        sim.later(sim.profile.attackers.window_lag_hours.sample(sim.rng) * 3600, "enrol", person, 0)
    if informed:  # the user asked, or was told by the reset notice (and its e-mailed token)
        person.totp = None
        sim.later(sim.profile.users.resetup_delay_hours.sample(sim.rng) * 3600, "act", person)
    else:  # nobody told the user: they find out at their next login
        sim.later(sim.next_login(), "act", person)
