"""The behaviours of a population run, registered as event handlers on import."""

from __future__ import annotations

from simulator.population.block import DAY, BlockSim
from simulator.population.flows import attacks, resets, users

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
