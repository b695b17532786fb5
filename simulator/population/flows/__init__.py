"""The behaviours of a population run: each module registers its event handlers (``events.handles``) on import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from twofa_fsm_tools.population.events import DAY
from twofa_fsm_tools.population.flows import attacks, resets, users

if TYPE_CHECKING:
    from twofa_fsm_tools.population.block import BlockSim

__all__ = ["attacks", "resets", "start", "users"]


def start(sim: BlockSim) -> None:
    """Day 0: everyone sets up 2FA; then each user's first incidents, routine logins and phishes."""
    p = sim.profile
    rate = p.users.login_probability * p.users.engine_login_sample
    for person in sim.people:
        sim.later(sim.rng.uniform(8.0, 18.0) * 3600, "act", person)
        sim.chain(rate, "routine", person)
        for kind in range(len(users.INCIDENTS)):
            sim.chain(users.daily(sim, kind), "incident", person, kind)
        if sim.rng.random() < p.attackers.phished_at_start:
            sim.later(sim.rng.uniform(0.0, DAY), "phished", person, 1)
        sim.chain(p.attackers.phishing, "phished", person)
