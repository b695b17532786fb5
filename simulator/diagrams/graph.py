"""Plain graph data read from a validated ``Spec``: the one input of every renderer.

Only the inert model is read (states, transitions, guard and effect names), never
the engine or ``transitions``' internals.  Ordering is the spec file's order, so
everything drawn from a ``Graph`` is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from twofa_fsm.spec.catalog import EFFECTS, GUARDS
from twofa_fsm.spec.model import Ref, Spec, Transition

Who = Literal["user", "admin", "system"]
WHO_ORDER: tuple[Who, ...] = ("user", "admin", "system")

# Guards that say who may fire an edge: shown as the edge's roles, not as conditions.
ACTOR_GUARDS: frozenset[str] = frozenset({"actor_role_in", "is_self", "actor_is_system"})

# Compact names for the diagrams' edge labels; the legend spells them out.
SHORT_GUARDS: dict[str, str] = {
    "same_organisation": "same_org",
    "not_self": "not_self",
    "target_tier_not_above_actor": "tier",
    "actor_recently_verified": "recent",
    "support_only_for_sole_owner": "sole_owner",
    "password_valid": "password",
    "setup_token_valid": "token",
    "pending_code_valid": "new_code",
    "bound_code_valid": "code",
    "not_backed_off": "no_backoff",
    "setup_timed_out": "timed_out",
    "reset_timed_out": "reset_timed_out",
    "setup_not_timed_out": "fresh_setup",
    "failures_at_limit": "max_failures",
}

SELF = "user"  # the account holder acting on their own account (is_self)
SYSTEM = "system"  # timers and counters (actor_is_system)


@dataclass(frozen=True)
class Node:
    id: str
    initial: bool
    access: bool
    confirmation: bool
    description: str


@dataclass(frozen=True)
class Edge:
    """One (source, transition) pair of the spec."""

    index: int  # the transition's position in the spec file
    event: str
    source: str
    dest: str
    roles: tuple[str, ...]  # who may fire it: role names, "user" (self), "system"
    who: Who  # colour class
    guards: tuple[str, ...]  # the other guards, as written (``came_from(enrolled)``)
    effects: tuple[str, ...]
    description: str

    @property
    def key(self) -> str:
        """Unique and stable: the transition index and the source state."""
        return f"t{self.index}_{self.source}"

    @property
    def short_guards(self) -> tuple[str, ...]:
        return tuple(short_guard(g) for g in self.guards)


@dataclass(frozen=True)
class RoleInfo:
    """A role of the spec: its tier (who may act on whom) and scope (organisation, vendor, system)."""

    name: str
    tier: int
    scope: str
    description: str


@dataclass(frozen=True)
class Graph:
    name: str
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    roles: tuple[str, ...]  # the spec's role names, in file order
    role_info: tuple[RoleInfo, ...] = ()  # the same roles with their tier and scope

    def role(self, name: str) -> RoleInfo | None:
        return next((r for r in self.role_info if r.name == name), None)

    @property
    def initial(self) -> str:
        return next(n.id for n in self.nodes if n.initial)

    def node(self, state: str) -> Node | None:
        return next((n for n in self.nodes if n.id == state), None)

    def edges_for(self, event: str, source: str) -> tuple[Edge, ...]:
        return tuple(e for e in self.edges if e.event == event and e.source == source)


def short_guard(text: str) -> str:
    """``came_from(enrolled)`` -> ``from enrolled``; ``target_tier_not_above_actor`` -> ``tier``."""
    name, _, arg = text.partition("(")
    arg = arg.rstrip(")")
    if name == "came_from":
        return f"from {arg}"
    short = SHORT_GUARDS.get(name, name)
    return f"{short}({arg})" if arg else short


def describe_guard(text: str) -> str:
    """The catalog's sentence for a guard as written (arguments substituted)."""
    name, _, arg = text.partition("(")
    info = GUARDS.get(name)
    if info is None:
        return text
    arg = arg.rstrip(")")
    return info.description.replace("STATE", arg).replace("ROLES", arg) if arg else info.description


def describe_effect(text: str) -> str:
    name = text.partition("(")[0]
    info = EFFECTS.get(name)
    return f"{text}: {info.description}" if info else text


def _roles(guards: tuple[Ref, ...]) -> tuple[str, ...]:
    roles: list[str] = []
    for g in guards:
        if g.name == "is_self":
            roles.append(SELF)
        elif g.name == "actor_is_system":
            roles.append(SYSTEM)
        elif g.name == "actor_role_in" and g.arg is not None:
            roles.extend((g.arg,) if isinstance(g.arg, str) else g.arg)
    return tuple(dict.fromkeys(roles))


def _who(t: Transition, spec: Spec) -> Who:
    if t.guard("actor_is_system") is not None:
        return "system"
    if t.guard("is_self") is not None:
        return "user"
    roles = _roles(t.guards)
    if roles and all(spec.roles[r].scope == "system" for r in roles if r in spec.roles):
        return "system"
    return "admin"


def graph_of(spec: Spec) -> Graph:
    nodes = tuple(
        Node(id=name, initial=s.initial, access=s.access, confirmation=s.confirmation, description=s.description)
        for name, s in spec.states.items()
    )
    edges: list[Edge] = []
    for index, source, t in spec.edges():
        edges.append(
            Edge(
                index=index,
                event=t.event,
                source=source,
                dest=t.dest,
                roles=_roles(t.guards),
                who=_who(t, spec),
                guards=tuple(str(g) for g in t.guards if g.name not in ACTOR_GUARDS),
                effects=tuple(str(e) for e in t.effects),
                description=t.description or spec.events[t.event].description,
            )
        )
    roles = tuple(RoleInfo(name, r.tier, r.scope, r.description) for name, r in spec.roles.items())
    return Graph(
        name=spec.name,
        title=spec.title or spec.name,
        nodes=nodes,
        edges=tuple(edges),
        roles=tuple(spec.roles),
        role_info=roles,
    )
