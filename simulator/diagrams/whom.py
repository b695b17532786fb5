"""For whom an actor may fire an edge, in words: the spec's tier rule and its other who-on-whom guards.

Everything is read from the graph (role tiers and scopes, guard names from the
library's catalog), so a spec with other roles or tiers reads right without a
change here: "admin → request_reset: for targets of tier ≤ admin (2): member, admin".
"""

from __future__ import annotations

from twofa_fsm_tools.diagrams.graph import SELF, SYSTEM, Edge, Graph, RoleInfo, describe_guard

TIER_GUARD = "target_tier_not_above_actor"
NOT_SELF = "not_self"
SAME_ORG = "same_organisation"
SOLE_OWNER = "support_only_for_sole_owner"
ACCOUNT_SCOPE = "organisation"  # roles of this scope hold accounts in an organisation (the possible targets)


def _guard_names(edge: Edge) -> set[str]:
    return {g.partition("(")[0] for g in edge.guards}


def account_roles(graph: Graph) -> tuple[RoleInfo, ...]:
    """The roles whose holders have accounts (the possible targets), lowest tier first."""
    return tuple(sorted((r for r in graph.role_info if r.scope == ACCOUNT_SCOPE), key=lambda r: (r.tier, r.name)))


def targets(graph: Graph, actor: str) -> tuple[str, ...]:
    """The account roles an actor may act on under the tier rule (tier not above the actor's)."""
    info = graph.role(actor)
    if info is None:
        return ()
    return tuple(r.name for r in account_roles(graph) if r.tier <= info.tier)


def tier_rule(graph: Graph, edge: Edge, actor: str) -> str:
    """``for targets of tier ≤ admin (2): member, admin``; '' when the edge has no tier rule or no such actor."""
    info = graph.role(actor)
    if info is None or TIER_GUARD not in _guard_names(edge):
        return ""
    return f"for targets of tier ≤ {actor} ({info.tier}): {', '.join(targets(graph, actor)) or 'nobody'}"


def for_whom(graph: Graph, edge: Edge, actor: str) -> tuple[str, ...]:
    """On whose accounts ``actor`` may fire ``edge``: phrases, most telling first ('' for self and system edges)."""
    if actor in (SELF, SYSTEM) or actor not in edge.roles:
        return ()
    names = _guard_names(edge)
    info = graph.role(actor)
    parts = [tier_rule(graph, edge, actor) or "for any account"]
    if NOT_SELF in names:
        parts.append("not their own")
    if SAME_ORG in names and info is not None and info.scope == ACCOUNT_SCOPE:
        parts.append("in their organisation")
    if SOLE_OWNER in names and info is not None and info.scope != ACCOUNT_SCOPE:
        parts.append("only if " + describe_guard(SOLE_OWNER))
    return tuple(parts)


def short_for_whom(graph: Graph, edge: Edge, actor: str) -> str:
    """The compact form for a chip: ``tier ≤ 2: member, admin``."""
    info = graph.role(actor)
    if info is None or actor not in edge.roles or TIER_GUARD not in _guard_names(edge):
        return ""
    return f"on tier ≤ {info.tier}: {', '.join(targets(graph, actor)) or 'nobody'}"
