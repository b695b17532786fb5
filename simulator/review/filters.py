"""The spec diagram with its filters: by role ("what can an Admin do, to whom") and by state (its edges).

The choices and the words beside them come from the spec's graph: its roles and
tiers, its states, who may fire each edge and the tier rule's targets.  The page's
script marks the matching edges; the rest fade.
"""

from __future__ import annotations

from twofa_fsm_tools.diagrams import Edge, Graph
from twofa_fsm_tools.diagrams.graph import SELF, SYSTEM
from twofa_fsm_tools.diagrams.whom import for_whom
from twofa_fsm_tools.review.html import Html, el


def actors(graph: Graph) -> list[str]:
    """The account holder, then every role of the spec (a role that may fire nothing is listed too)."""
    seen = [SELF, *graph.roles]
    seen += [r for e in graph.edges for r in e.roles if r not in seen]
    return list(dict.fromkeys(seen))


def actor_title(graph: Graph, actor: str) -> str:
    if actor == SELF:
        return "the account holder, on their own account"
    info = graph.role(actor)
    if info is None:
        return actor
    return f"{actor} (tier {info.tier}, {info.scope})" + (f": {info.description}" if info.description else "")


def _events(graph: Graph, actor: str) -> dict[str, list[Edge]]:
    out: dict[str, list[Edge]] = {}
    for e in graph.edges:
        if actor in e.roles:
            out.setdefault(e.event, []).append(e)
    return out


def role_info(graph: Graph, actor: str) -> Html:
    events = _events(graph, actor)
    items: list[Html] = []
    for event, edges in events.items():
        sources = ", ".join(dict.fromkeys(e.source for e in edges))
        dests = " / ".join(dict.fromkeys(e.dest for e in edges))
        whom = for_whom(graph, edges[0], actor)
        items.append(
            el(
                "li",
                el("span", event, class_=f"ev {edges[0].who}"),
                f" from {sources} → {dests}",
                el("div", "; ".join(whom), class_="whom") if whom else None,
            )
        )
    head = el("strong", actor_title(graph, actor))
    if not items:
        return el("div", head, el("p", "May fire no event of this spec on anyone's account.", class_="note"))
    scope = "" if actor in (SELF, SYSTEM) else " (on others' accounts)"
    return el("div", head, el("p", f"may fire {len(items)} event(s){scope}:", class_="note"), el("ul", items))


def state_info(graph: Graph, state: str) -> Html:
    node = graph.node(state)
    out = [e for e in graph.edges if e.source == state]
    into = [e for e in graph.edges if e.dest == state and e.source != state]

    def item(e: Edge, other: str) -> Html:
        return el(
            "li",
            el("span", e.event, class_=f"ev {e.who}"),
            f" {other} ",
            el("span", f"[{', '.join(e.roles)}]", class_="muted"),
        )

    return el(
        "div",
        el("strong", state),
        el("p", node.description if node else "", class_="note"),
        el("p", f"{len(out)} way(s) out:"),
        el("ul", [item(e, f"→ {e.dest}") for e in out]) if out else el("p", "none", class_="muted"),
        el("p", f"{len(into)} way(s) in:"),
        el("ul", [item(e, f"← {e.source}") for e in into]) if into else el("p", "none", class_="muted"),
    )


def filter_controls(graph: Graph) -> Html:
    role = el(
        "label",
        "Who: ",
        el(
            "select",
            el("option", "everyone", value=""),
            [el("option", f"{a} (self)" if a == SELF else a, value=a) for a in actors(graph)],
            data_filter="role",
            aria_label="show what this role may do",
        ),
    )
    state = el(
        "label",
        "State: ",
        el(
            "select",
            el("option", "all states", value=""),
            [el("option", n.id, value=n.id) for n in graph.nodes],
            data_filter="state",
            aria_label="show the edges of this state",
        ),
    )
    clear = el("button", "Show all", type="button", data_act="clear", title="clear the filters")
    return el("span", role, " ", state, " ", clear, class_="filters")


def filter_panel(graph: Graph) -> Html:
    """What the filters say: one hidden block per role and per state (the script shows the chosen one)."""
    return el(
        "aside",
        el(
            "p",
            "Choose who (what may they do, to whom?) or a state (click it on the drawing): its edges stand out.",
            class_="note",
        ),
        [el("div", role_info(graph, a), class_="filter-info", data_role=a, hidden=True) for a in actors(graph)],
        [el("div", state_info(graph, n.id), class_="filter-info", data_state=n.id, hidden=True) for n in graph.nodes],
        class_="filter-panel",
        aria_live="polite",
    )
