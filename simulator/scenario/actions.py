"""What a scenario's world steps do (no engine involved): time passes, profiles open, phones change hands.

Each returns the sentence the trace shows, or raises ``CannotAct`` when the story is
inconsistent (a phone that is not in the actor's hands, a new phone someone holds).
"""

from __future__ import annotations

from twofa_fsm import Outcome
from twofa_fsm_tools.scenario import credentials
from twofa_fsm_tools.scenario.credentials import CannotAct
from twofa_fsm_tools.scenario.model import Step
from twofa_fsm_tools.scenario.world import World

WORLD_ACTIONS = frozenset(
    {"wait", "open_profile", "authenticate", "lose_device", "steal_device", "delete_app", "install_app",
     "new_phone", "restore_backup"}
)  # fmt: skip


def world_action(w: World, step: Step) -> str:
    """Do ``step`` (one of ``WORLD_ACTIONS``) in ``w``."""
    actor = step.actor
    if step.action == "wait":
        w.clock.advance(step.seconds or 0)
        return f"{step.seconds:g} s pass"
    if step.action == "open_profile":
        assert step.account is not None and step.view is not None
        w.views[step.view] = w.store.load(step.account)
        return f"{actor} opens {step.account}'s profile (view '{step.view}')"
    if step.action == "authenticate":
        w.people[actor].verified_at = w.clock.now()
        return f"{actor} passes 2FA in the vendor console"
    if step.action in ("steal_device", "new_phone"):
        return _acquire(w, actor, step)
    return _handle_phone(w, actor, step)


def _acquire(w: World, actor: str, step: Step) -> str:
    assert step.device is not None
    phone = w.phones[step.device]
    if step.action == "steal_device":
        if phone.holder == actor:
            raise CannotAct(f"{actor} already holds '{phone.id}'")
        before = phone.holder or "nobody"
        w.acquire(phone.id, actor)
        return f"{actor} takes {phone.id} from {before}"
    if phone.holder is not None:
        raise CannotAct(f"phone '{phone.id}' is not new: {phone.holder} holds it")
    w.acquire(phone.id, actor)
    phone.app, phone.entries = True, []
    return f"{actor} gets {phone.id} with an empty authenticator app"


def _handle_phone(w: World, actor: str, step: Step) -> str:
    assert step.device is not None
    phone = w.phones[step.device]
    if phone.holder != actor:
        raise CannotAct(f"phone '{phone.id}' is not in {actor}'s hands (holder: {phone.holder or 'nobody'})")
    if step.action == "lose_device":
        phone.holder = None
        return f"{actor} loses {phone.id}"
    if step.action == "delete_app":
        phone.app, phone.entries = False, []
        return f"{actor} deletes the authenticator app from {phone.id}"
    if step.action == "install_app":
        phone.app = True
        return f"{actor} installs an empty authenticator app on {phone.id}"
    person = w.people.get(actor)
    cloud = person.cloud if person is not None else []
    phone.app, phone.entries = True, list(cloud)
    return f"{actor} restores {len(cloud)} entries from the cloud backup onto {phone.id}"


def scan(w: World, actor: str, step: Step, out: Outcome) -> str:
    """The QR code of ``out`` meets the phone in ``actor``'s hands (if any, with an app)."""
    assert out.provisioning_uri is not None
    phone = credentials.phone_in_hand(w, actor, step)
    if phone is None or not phone.app:
        missing = "no phone is at hand" if phone is None else f"{phone.id} has no authenticator app"
        return "the QR code is shown but " + missing
    person = w.people.get(actor)
    phone.scan(out.provisioning_uri, w.clock.now(), person.cloud if person is not None else None)
    return f"{actor} scans the QR code with {phone.id}"
