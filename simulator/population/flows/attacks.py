"""Attackers: phished passwords, help-desk reset calls, reset-window enrolments, brute force, phone thieves.

An attacker presents the victim's credentials (so the engine sees the account's
holder): the phished password, their own authenticator, or a stolen phone's
codes.  A success is access gained or an authenticator of theirs bound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twofa_fsm import BadCode, DeniedError, GuardFailed, InvalidEvent
from twofa_fsm_tools.population.events import handles
from twofa_fsm_tools.population.flows.resets import FOOLED
from twofa_fsm_tools.population.people import Entry, SimUser

if TYPE_CHECKING:
    from twofa_fsm_tools.population.block import BlockSim


def _attempt(sim: BlockSim, kind: str) -> None:
    sim.counts[f"attempts.{kind}"] += 1


def _success(sim: BlockSim, kind: str) -> None:
    sim.counts[f"successes.{kind}"] += 1


@handles("phished")
def phished(sim: BlockSim, person: SimUser, arg: int) -> None:
    """An attacker now holds the password and picks a plan: help desk, brute force, or wait for a reset."""
    a = sim.profile.attackers
    if arg == 0:
        sim.chain(a.phishing, "phished", person)
    person.phished = True
    pick = sim.rng.random()
    wait = a.act_after_hours.sample(sim.rng) * 3600
    if pick < a.help_desk:
        sim.later(wait, "help_desk", person)
    elif pick < a.help_desk + a.brute_force:
        sim.later(wait, "brute", person, a.brute_force_guesses)


@handles("help_desk")
def help_desk(sim: BlockSim, person: SimUser, arg: int) -> None:
    """The attacker calls the help desk as the victim; a fooled Owner/Admin will reset (after their usual delay)."""
    _attempt(sim, "help_desk")
    if sim.rng.random() < sim.profile.attackers.help_desk_fooled:
        sim.later(sim.profile.admins.response_delay_hours.sample(sim.rng) * 3600, "admin", person, FOOLED)


@handles("enrol")
def enrol(sim: BlockSim, person: SimUser, from_help_desk: int) -> None:
    """The attacker logs in with the phished password during a reset window and enrols their own phone."""
    kind = "help_desk" if from_help_desk else "reset_window"
    if not from_help_desk:
        _attempt(sim, kind)
    try:
        started = sim.outcome(person, sim.engine.start_setup(person.account, password=person.password, token=None))
        assert started.provisioning_uri is not None
        entry = Entry(started.provisioning_uri)
        sim.advance(20.0)
        code = entry.code(sim.now)
        done = sim.outcome(person, sim.engine.verify_setup(person.account, code=code, handle=started.setup_handle))
    except DeniedError as err:
        sim.refused(person, err)
        return
    if done.access_granted or done.account.state == "enrolled":
        person.attacker = entry
        _success(sim, kind)


def _guess(sim: BlockSim) -> str:
    digits = sim.engine.policy.digits
    return f"{sim.rng.randrange(10**digits):0{digits}d}"


def _backoff(sim: BlockSim, failures: int) -> float:
    p = sim.engine.policy
    if failures <= 0:
        return 0.0
    return float(min(p.backoff_max_seconds, p.backoff_base_seconds * 2 ** min(failures - 1, 62)))


@handles("brute")
def brute(sim: BlockSim, person: SimUser, left: int) -> None:
    """One guessed code with the phished password; then wait out the back-off and guess again."""
    if left == sim.profile.attackers.brute_force_guesses:
        _attempt(sim, "brute_force")
    try:
        sim.outcome(person, sim.engine.login(person.account, password=person.password, code=_guess(sim)))
    except BadCode as err:
        sim.refused(person, err)
        if err.locked:  # the failure limit: the victim is locked out and finds out at the next login
            person.lock_cause = "brute_force_lock"
            sim.later(sim.next_login(), "act", person)
            return
    except GuardFailed as err:  # backed off: wait the longest back-off and go on
        sim.refused(person, err)
        sim.later(sim.engine.policy.backoff_max_seconds + 1.0, "brute", person, left)
        return
    except DeniedError as err:
        sim.refused(person, err)
        return
    else:
        _success(sim, "brute_force")
        return
    if left > 1:
        sim.later(_backoff(sim, person.account.failures) + 1.0, "brute", person, left - 1)


@handles("thief")
def thief(sim: BlockSim, person: SimUser, left: int) -> None:
    """A thief with the stolen phone (valid codes) guesses the password."""
    if left == sim.profile.attackers.thief_password_guesses:
        _attempt(sim, "stolen_phone")
    if person.thief is None:
        return
    try:
        sim.outcome(
            person,
            sim.engine.login(
                person.account, password=f"guess-{sim.rng.getrandbits(32):08x}", code=person.thief.code(sim.now)
            ),
        )
    except InvalidEvent as err:  # the victim already reported the phone: login is closed
        sim.refused(person, err)
        return
    except DeniedError as err:
        sim.refused(person, err)
        if left > 1:
            sim.later(600.0, "thief", person, left - 1)
        return
    _success(sim, "stolen_phone")
