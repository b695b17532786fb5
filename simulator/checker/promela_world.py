"""The parties of one world of the Promela model, as the built-in checker derives them (``people.py``), and the
tables that describe them to the model: role, tier, organisation, standing, which phone they hold."""

from __future__ import annotations

from dataclasses import dataclass

from twofa_fsm import Spec
from twofa_fsm_tools.checker.derive import Facts
from twofa_fsm_tools.checker.people import FRESH, SELF, STANDS, VENDOR, Colleague, colleagues
from twofa_fsm_tools.checker.references import authorised
from twofa_fsm_tools.checker.world import ORG, OTHER_ORG, PHISHER, THIEF, TIMERS, USER, Harness

CLOCK = "clock"


@dataclass(frozen=True)
class Party:
    """One actor of the model: index into the ``A_*`` tables."""

    key: str  # the checker's actor key (user, phisher, thief, TIMERS, a person's key)
    role: str | None
    same_org: bool
    vendor: bool
    system: bool
    holder: bool  # presents the holder's credentials (the user and the attackers)
    self_: bool  # the engine sees the account's own holder
    fresh: bool
    stands: bool
    bit: int  # the party's phone in the holdings bit masks (0: none)
    person: Colleague | None = None


@dataclass(frozen=True)
class World:
    """One world: the target's role, whether it starts set up, and everyone who acts."""

    facts: Facts
    role: str
    set_up: bool
    parties: tuple[Party, ...]
    rule: dict[tuple[int, str], bool]  # (party index, event) -> the rules' authorisation (people only)

    def index(self, key: str) -> int | None:
        return next((i for i, p in enumerate(self.parties) if p.key == key), None)

    @property
    def first_person(self) -> int:
        return 4


def _scope(spec: Spec, role: str | None) -> str | None:
    info = spec.roles.get(role or "")
    return info.scope if info is not None else None


def build_world(spec: Spec, role: str, set_up: bool, *, lean: bool = False) -> World:
    facts = Facts(spec)
    sysrole = "system" if "system" in spec.roles else None
    parties = [
        Party(USER, role, True, False, False, True, True, False, True, 1),
        Party(PHISHER, role, True, False, False, True, True, False, True, 2),
        Party(THIEF, role, True, False, False, True, True, False, True, 4),
        Party(TIMERS, sysrole, False, False, _scope(spec, sysrole) == "system", False, False, False, True, 0),
    ]
    for p in colleagues(facts, role, ORG, OTHER_ORG, lean=lean):
        vendor = p.standing == VENDOR or _scope(spec, p.role) == "vendor"
        fresh = p.standing in (FRESH, VENDOR, SELF)
        parties.append(
            Party(
                p.key, p.role, p.org == ORG, vendor, False, False, p.standing == SELF, fresh, p.standing in STANDS, 0, p
            )
        )
    h = Harness(spec, role, lean=lean)
    rule: dict[tuple[int, str], bool] = {}
    for i, party in enumerate(parties):
        if party.person is not None:
            for event in spec.events:
                rule[(i, event)] = authorised(h, party.person, event)
    return World(facts, role, set_up, tuple(parties), rule)


def fair_party(world: World, party: str) -> int | None:
    """The actor a fairness declaration names: the holder, the timers, or a role's recently verified holder
    in the target's organisation (a vendor role: its desk)."""
    if party == "user":
        return world.index(USER)
    if party == "system":
        return world.index(TIMERS)
    for key in (f"{party}_fresh", f"{party}_desk"):
        found = world.index(key)
        if found is not None:
            return found
    return None


__all__ = ["CLOCK", "PHISHER", "THIEF", "Party", "World", "build_world", "fair_party"]
