"""The organisation model of one block: users spread across organisations with roles.

Each block lays out its own organisations (drawn from the block's RNG), so that a
block is self-contained: every Owner/Admin who can reset a user is in the same
block, whatever the number of worker processes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from twofa_fsm_tools.population.profile import Organisations


@dataclass(frozen=True, slots=True)
class Seat:
    """One user's place: account id, organisation and role."""

    id: str
    org: str
    role: str


@dataclass(frozen=True, slots=True)
class Layout:
    seats: tuple[Seat, ...]
    orgs: int
    sole_owner_orgs: int


def _sizes(n_users: int, rng: random.Random, p: Organisations) -> list[int]:
    sizes: list[int] = []
    left = n_users
    while left > 0:
        size = min(left, rng.randint(p.size_min, p.size_max))
        sizes.append(size)
        left -= size
    if len(sizes) > 1 and sizes[-1] < p.size_min:  # a too-small remainder joins the previous organisation
        rest = sizes.pop()
        sizes[-1] += rest
    return sizes


def _roles(size: int, sole: bool, rng: random.Random, p: Organisations) -> list[str]:
    owners = 1 if sole or size == 1 else min(p.owners, size - 1)
    admins = max(1 if size >= 4 else 0, round(p.admin_fraction * size))
    admins = min(admins, size - owners)
    roles = ["owner"] * owners + ["admin"] * admins + ["member"] * (size - owners - admins)
    rng.shuffle(roles)
    return roles


def layout(block: int, n_users: int, rng: random.Random, p: Organisations) -> Layout:
    """Organisations for the ``n_users`` users of block ``block``."""
    seats: list[Seat] = []
    sole_orgs = 0
    sizes = _sizes(n_users, rng, p)
    for k, size in enumerate(sizes):
        sole = size == 1 or rng.random() < p.sole_owner_fraction
        sole_orgs += sole
        org = f"org{block}-{k}"
        for role in _roles(size, sole, rng, p):
            seats.append(Seat(f"u{block}-{len(seats)}", org, role))
    return Layout(tuple(seats), len(sizes), sole_orgs)
