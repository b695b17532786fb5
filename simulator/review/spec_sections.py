"""The spec half of the review page: summary, policy, diagram and who may do what from where."""

from __future__ import annotations

from collections.abc import Sequence

from twofa_fsm_tools.diagrams import Graph, Matrix, MatrixRow
from twofa_fsm_tools.diagrams.graph import SELF
from twofa_fsm_tools.diagrams.style import WHO_TEXT
from twofa_fsm_tools.diagrams.whom import for_whom, tier_rule
from twofa_fsm_tools.review.figure import zoom_figure
from twofa_fsm_tools.review.filters import filter_controls, filter_panel
from twofa_fsm_tools.review.gather import SpecView
from twofa_fsm_tools.review.html import Content, Html, dot_figure, el, esc, pill, table
from twofa_fsm_tools.review.paths import Diagram

POLICY_TEXT: dict[str, str] = {
    "issuer": "name shown in the authenticator app",
    "algorithm": "TOTP hash algorithm",
    "digits": "digits per code",
    "period": "seconds per code (time step)",
    "drift_window": "time steps accepted either side of now (clock drift)",
    "max_failures": "consecutive failed attempts before the account is locked",
    "backoff_base_seconds": "wait after the first failure (doubles per failure)",
    "backoff_max_seconds": "longest wait between attempts",
    "secret_length": "secret length in base32 characters (32 = 160 bits)",
    "recent_auth_seconds": "an Owner/Admin must have passed 2FA this recently to reset someone",
    "setup_timeout_seconds": "a setup left open longer than this expires",
    "token_lifetime_seconds": "lifetime of the emailed setup token after a reset",
}


def actor_label(column: str) -> str:
    return f"{column} (self)" if column == SELF else column


def state_tags(graph: Graph, state: str) -> list[Html]:
    node = graph.node(state)
    tags: list[Html] = []
    if node is None:
        return tags
    if node.initial:
        tags.append(pill("initial", "muted"))
    if node.access:
        tags.append(pill("access granted", "pass"))
    if node.confirmation:
        tags.append(pill("Reset / Cancel", "note"))
    return tags


def diagram_block(diagram: Diagram, prefix: str, caption: str = "", kind: str = "path", extra: Content = None) -> Html:
    """A Graphviz drawing in a zoomable figure (DOT text when ``dot`` is missing; a note when it cannot be drawn)."""
    if diagram.error is not None:
        return el("p", f"This path cannot be drawn: {diagram.error}", class_="note")
    if diagram.svg is None:
        return dot_figure(
            diagram.dot,
            "Graphviz's dot is not installed here, so this diagram is shown as DOT text (apt-get install graphviz).",
        )
    return zoom_figure(diagram.svg, prefix, caption, kind=kind, extra=extra)


def summary_section(view: SpecView) -> Html:
    spec, graph = view.spec, view.graph
    access = [n.id for n in graph.nodes if n.access]
    states = table(
        ["state", "marks", "meaning"],
        [[el("span", n.id, class_="state"), state_tags(graph, n.id), n.description] for n in graph.nodes],
    )
    roles = table(
        ["role", "tier", "scope", "who"],
        [[el("code", name), role.tier, role.scope, role.description] for name, role in spec.roles.items()],
    )
    policy = spec.policy.model_dump()
    rules = table(
        ["setting", "value", "what it means"],
        [
            [el("code", key), "off (not set)" if value is None else value, POLICY_TEXT.get(key, "")]
            for key, value in policy.items()
        ],
    )
    return el(
        "section",
        el("h2", "The spec: summary and policy"),
        el(
            "p",
            el("strong", spec.title or spec.name),
            " ",
            el("span", f"({view.path}, name '{spec.name}')", class_="muted"),
        ),
        el("p", spec.description) if spec.description else None,
        el(
            "p",
            f"{len(graph.nodes)} states, {len(spec.events)} events, {len(graph.edges)} transitions. Access is granted "
            "only in ",
            [el("span", a, class_="state") for a in access],
            "; the lifecycle starts in ",
            el("span", graph.initial, class_="state"),
            ".",
        ),
        el("h3", "States"),
        states,
        el("h3", "Roles"),
        roles,
        el("h3", "Policy"),
        rules,
        id="spec",
    )


def diagram_section(view: SpecView, legend: Html) -> Html:
    graph = view.graph
    figure = diagram_block(
        view.diagram,
        f"spec-{view.spec.name}",
        f"{view.spec.title or view.spec.name}: every transition with its roles and guards",
        kind="spec",
        extra=filter_controls(graph),
    )
    return el(
        "section",
        el("h2", "The lifecycle diagram"),
        el(
            "p",
            "Read top to bottom. Each arrow is an event; its colour says who fires it: ",
            el("span", "blue: " + WHO_TEXT["user"], class_="ev user"),
            " ",
            el("span", "purple: an Owner/Admin (or support)", class_="ev admin"),
            " ",
            el("span", "green: " + WHO_TEXT["system"], class_="ev system"),
            ". Zoom with the buttons (or Ctrl + wheel), drag to pan, open it full size; choose who or a state to see "
            "just their edges.",
            class_="lead",
        ),
        el("div", figure, filter_panel(graph), class_="spec-view", data_filters="1"),
        legend,
        id="diagram",
    )


def _chip(event: str, dest: str, who: str, guards: str) -> Html:
    """``event → dest``: breaks only around the arrow, never inside a name."""
    return el(
        "span",
        el("span", event, class_="nw"),
        " → ",
        el("span", dest, class_="nw"),
        class_=f"ev {who}",
        title=f"only if {guards}" if guards else None,
    )


def _event_chips(graph: Graph, rows: Sequence[MatrixRow], actor: str) -> list[Html]:
    """One chip per event: ``event → dest`` (several destinations joined by ``/``), and for whom (the tier rule)."""
    events: dict[str, list[MatrixRow]] = {}
    for r in rows:
        events.setdefault(r.event, []).append(r)
    chips: list[Html] = []
    for event, same in events.items():
        dests = " / ".join(dict.fromkeys(r.dest for r in same))
        guards = " · ".join(dict.fromkeys(g for r in same for g in r.guards))
        edge = next(e for e in graph.edges if (e.source, e.event, e.dest) == (same[0].source, event, same[0].dest))
        rule = tier_rule(graph, edge, actor)
        whom = "; ".join(for_whom(graph, edge, actor))
        chips.append(
            el(
                "div",
                _chip(event, dests, same[0].who, guards),
                el("div", f"{actor} → {event}: {rule}", class_="whom", title=whom) if rule else None,
                class_="chip",
            )
        )
    return chips


def glance_table(graph: Graph, matrix: Matrix) -> Html:
    """State × actor: the events each actor may fire from each state, and on whom (the designer's one-look view)."""
    header: list[Content] = ["from state", *(actor_label(c) for c in matrix.columns)]
    rows: list[list[Content]] = []
    for node in graph.nodes:
        mine = [r for r in matrix.rows if r.source == node.id]
        cells: list[Content] = [[el("span", node.id, class_="state"), " ", state_tags(graph, node.id)]]
        for i, column in enumerate(matrix.columns):
            chips = _event_chips(graph, [r for r in mine if r.allowed[i]], column)
            cells.append(el("div", chips, class_="chips") if chips else el("span", "—", class_="none"))
        rows.append(cells)
    return el("div", table(header, rows, class_="glance"), class_="tablewrap")


def matrix_table(graph: Graph, matrix: Matrix) -> Html:
    """One row per (state, transition), grouped by state; a filled cell: that actor may fire it."""
    width = 4 + len(matrix.columns)
    head = el(
        "thead",
        el(
            "tr",
            el("th", "from", scope="col"),
            el("th", "event", scope="col"),
            el("th", "to", scope="col"),
            [el("th", actor_label(c), scope="col", class_="c") for c in matrix.columns],
            el("th", "only if", scope="col"),
        ),
    )
    body: list[Html] = []
    for node in graph.nodes:
        rows = [r for r in matrix.rows if r.source == node.id]
        if not rows:
            continue
        body.append(
            el(
                "tr",
                el("th", el("span", node.id, class_="state"), " ", state_tags(graph, node.id), colspan=width),
                class_="group",
            )
        )
        for r in rows:
            cells = [
                el(
                    "td",
                    "✓" if ok else "",
                    class_=f"yes {r.who}" if ok else "no",
                    title=f"{actor_label(c)} may fire {r.event} from {r.source}" if ok else None,
                )
                for c, ok in zip(matrix.columns, r.allowed, strict=True)
            ]
            body.append(
                el(
                    "tr",
                    el("td", el("span", r.source, class_="state")),
                    el("td", el("strong", r.event)),
                    el("td", el("span", r.dest, class_="state")),
                    cells,
                    el("td", " · ".join(r.guards), class_="muted"),
                )
            )
    return el("div", el("table", head, el("tbody", body), class_="matrix"), class_="tablewrap")


def matrix_section(view: SpecView) -> Html:
    graph, matrix = view.graph, view.matrix
    return el(
        "section",
        el("h2", "Who may do what, from where"),
        el(
            "p",
            "Rows are the states an account can be in; columns are who acts (",
            el("em", "user (self)"),
            " is the account holder acting on their own account). Each chip is an event that actor may fire from "
            "that state, and the state it leads to; under it, on whom (the spec's tier rule: nobody acts on an "
            "account of a higher tier). A dash: nothing.",
            class_="lead",
        ),
        glance_table(graph, matrix),
        el("h3", "Role × transition matrix (with conditions)"),
        el(
            "p",
            "Every transition of the spec, grouped by the state it starts from. A filled cell: that actor may fire it, "
            "provided the conditions in the last column hold.",
            class_="lead",
        ),
        matrix_table(graph, matrix),
        el(
            "p",
            "The compact condition names are spelled out in ",
            el("a", "the legend", href="#legend"),
            ".",
            class_="note",
        ),
        id="matrix",
    )


def cards(items: Sequence[tuple[str, str, str]]) -> Html:
    """Summary cards: (big number or word, caption, kind: ok / bad / warn / '')."""
    return el(
        "div",
        [
            el("div", el("div", big, class_="big"), el("div", caption), class_=f"card {kind}".strip())
            for big, caption, kind in items
        ],
        class_="cards",
    )


__all__ = ["cards", "diagram_block", "diagram_section", "esc", "matrix_section", "summary_section"]
