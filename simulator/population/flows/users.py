"""What users do: log in, lose factors, notice, report, set up again, give up on a setup.

The user is an agent driven by their account's state: whenever they act (a
routine login, noticing a lost phone, reading the reset e-mail) they do what
that state allows them to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twofa_fsm import DeniedError, GuardFailed
from twofa_fsm_tools.population.events import handles
from twofa_fsm_tools.population.flows.resets import ask_admin
from twofa_fsm_tools.population.people import Entry, SimUser

if TYPE_CHECKING:
    from twofa_fsm_tools.population.block import BlockSim

INCIDENTS = ("lost_phone", "deleted_app", "changed_phone", "stolen_phone")


def daily(sim: BlockSim, kind: int) -> float:
    d = sim.profile.devices
    return (d.lose_phone, d.delete_app, d.change_phone, d.stolen_phone)[kind]


@handles("routine")
def routine(sim: BlockSim, person: SimUser, arg: int) -> None:
    """A sampled routine login (the others are only modelled)."""
    u = sim.profile.users
    sim.chain(u.login_probability * u.engine_login_sample, "routine", person)
    act(sim, person, 0)


@handles("incident")
def incident(sim: BlockSim, person: SimUser, kind: int) -> None:
    """The phone is lost, the app deleted, the phone changed or stolen; the user notices at the next login."""
    sim.chain(daily(sim, kind), "incident", person, kind)
    if person.totp is None or person.account.state != "enrolled":
        return  # nothing working to lose
    if kind == 2 and sim.rng.random() < sim.profile.devices.change_phone_keeps_codes:
        sim.counts["phone_changes_kept"] += 1
        return
    if kind == 3:
        person.thief = person.totp
        guesses = sim.profile.attackers.thief_password_guesses
        if guesses:
            sim.later(sim.rng.uniform(0.5, 6.0) * 3600, "thief", person, guesses)
    person.totp = None
    person.lock_cause = INCIDENTS[kind]
    sim.later(sim.next_login(), "act", person)


@handles("act")
def act(sim: BlockSim, person: SimUser, arg: int) -> None:
    """The user wants in: do what the account's state allows."""
    state = person.account.state
    if state == "enrolled":
        if sim.login(person):
            sim.end_lock(person)
            return
        if person.totp is not None:  # a code from our phone was refused: the bound secret is not ours any more
            person.totp = None
            person.lock_cause = person.lock_cause or "attacker_takeover"
        sim.begin_lock(person)
        try:
            sim.outcome(person, sim.engine.report_lost_device(person.account, password=person.password))
        except DeniedError as err:
            sim.refused(person, err)
            sim.counts["unexpected_refusals"] += 1
            return
        ask_admin(sim, person)
    elif state == "locked_out":
        sim.begin_lock(person)
        ask_admin(sim, person)
    elif state == "unenrolled":
        sim.begin_lock(person)
        setup(sim, person)
    elif state == "setup_in_progress":
        sim.begin_lock(person)
        if person.pending is None:  # a setup left open (by us or by someone else): start over
            try:
                sim.outcome(person, sim.engine.abandon_setup(person.account, password=person.password))
            except DeniedError as err:
                sim.refused(person, err)
                return
            setup(sim, person)
        else:
            verify(sim, person)
    else:  # reset_pending: an Owner/Admin is in the middle of it
        sim.begin_lock(person)


def setup(sim: BlockSim, person: SimUser) -> None:
    """Start setup (with the e-mailed token when the account needs one), then verify or abandon."""
    token = sim.mail.token(person.id) if person.account.token_required else None
    try:
        out = sim.outcome(person, sim.engine.start_setup(person.account, password=person.password, token=token))
    except GuardFailed as err:
        sim.refused(person, err)
        if err.guard == "setup_token_valid":
            sim.counts["expired_setup_tokens"] += 1
            ask_admin(sim, person)
        else:
            sim.later(sim.profile.users.retry_setup_hours.sample(sim.rng) * 3600, "act", person)
        return
    except DeniedError as err:
        sim.refused(person, err)
        sim.counts["unexpected_refusals"] += 1
        return
    assert out.provisioning_uri is not None
    person.pending = Entry(out.provisioning_uri)
    u = sim.profile.users
    if sim.rng.random() < u.abandon_setup:
        sim.counts["abandoned_setups"] += 1
        person.pending = None
        timeout = sim.engine.policy.setup_timeout_seconds
        if sim.rng.random() < u.walk_away:
            if timeout is not None:
                sim.later(timeout + 1.0, "expire", person)
        else:
            sim.outcome(person, sim.engine.abandon_setup(person.account, password=person.password))
        sim.later(u.retry_setup_hours.sample(sim.rng) * 3600, "act", person)
        return
    sim.advance(sim.rng.uniform(15.0, 60.0))
    verify(sim, person)


def verify(sim: BlockSim, person: SimUser) -> None:
    assert person.pending is not None
    token = sim.mail.token(person.id) if person.account.token_required else None
    try:
        code = person.pending.code(sim.now)
        verified = sim.engine.verify_setup(person.account, code=code, token=token, password=person.password)
        sim.outcome(person, verified)
    except DeniedError as err:
        sim.refused(person, err)
        person.pending = None
        sim.later(sim.profile.users.retry_setup_hours.sample(sim.rng) * 3600, "act", person)
        return
    person.totp, person.pending = person.pending, None
    person.ever_enrolled = True
    sim.end_lock(person)


@handles("expire")
def expire(sim: BlockSim, person: SimUser, arg: int) -> None:
    """The system's timer: an abandoned setup expires."""
    out = sim.engine.tick(person.account)
    if out is not None:
        sim.outcome(person, out)
        sim.counts["setup_expiries"] += 1
