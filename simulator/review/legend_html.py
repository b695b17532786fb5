"""The legend, once for the whole page: colours, state marks, path marks, sequence marks, compact guard names."""

from __future__ import annotations

from collections.abc import Sequence

from twofa_fsm_tools.diagrams import Graph
from twofa_fsm_tools.diagrams.graph import WHO_ORDER
from twofa_fsm_tools.diagrams.legend import guard_rows, role_order
from twofa_fsm_tools.diagrams.style import WHO_TEXT
from twofa_fsm_tools.review.html import Html, el


def _who_items(graphs: Sequence[Graph]) -> list[Html]:
    items: list[Html] = []
    for who in WHO_ORDER:
        roles = sorted({r for g in graphs for e in g.edges if e.who == who for r in e.roles}, key=role_order(graphs[0]))
        if roles:
            items.append(
                el("li", el("span", "━━▶", class_=f"swatch {who}"), f" fired by {WHO_TEXT[who]}: {', '.join(roles)}")
            )
    return items


DRAWING = (
    ("box access", "double green box: the state that grants access"),
    ("box confirm", "yellow box: the confirmation step (Reset / Cancel)"),
    ("dot", "small dot: one event allowed from each state feeding it"),
    ("diamond", "diamond: one event, the branch whose condition holds"),
    ("return", "dashed box: back to the state the confirmation step was entered from"),
)
PATH = (
    ("badge", "3 bob", "the story's step number, then who acted (×N: repeated attempts)"),
    ("badge attacker", "5 mallory", "a step by an attacker"),
    ("refused", "✕ login refused", "a refused attempt, marked at the state it was tried in"),
    ("box final", "", "thick gold border: where the path ended (its own marks stay)"),
    ("grey", "━━▶", "grey: not taken by this path"),
)
SEQUENCE = (
    ("━━▶", "an event sent to the service, its result below (✓ from → to)"),
    ("╍╍✕", "refused: the result says why"),
    ("╍╍▶", "a code read from a phone, a token from a mailbox, mail the service sent"),
)


def legend_block(graphs: Sequence[Graph]) -> Html:
    """The page's one legend (``graphs``: the reviewed spec first, then the article's flow)."""
    guards: dict[str, str] = {}
    for g in graphs:
        for short, meaning in guard_rows(g):
            guards.setdefault(short, meaning)
    return el(
        "details",
        el("summary", "Legend: colours, marks and the compact guard names (for every drawing on this page)"),
        el(
            "div",
            el(
                "div",
                el("div", el("h4", "Who fires an event"), el("ul", _who_items(graphs))),
                el(
                    "div",
                    el("h4", "States and junctions"),
                    el("ul", [el("li", el("span", "", class_=f"swatch {c}"), " ", t) for c, t in DRAWING]),
                ),
                el(
                    "div",
                    el("h4", "A scenario's path"),
                    el("ul", [el("li", el("span", s, class_=f"swatch {c}"), " ", t) for c, s, t in PATH]),
                ),
                el(
                    "div",
                    el("h4", "A scenario's sequence"),
                    el("ul", [el("li", el("span", s, class_="swatch seqmark"), " ", t) for s, t in SEQUENCE]),
                ),
                class_="legend-grid",
            ),
            el("h4", "Guards (compact names on the drawings)"),
            el(
                "dl",
                [el("div", el("dt", el("code", k)), el("dd", v)) for k, v in sorted(guards.items())],
                class_="guards",
            ),
            class_="body",
        ),
        class_="legend",
        id="legend",
        open=True,
    )
