"""DOT source of a spec diagram (and of a trace overlay), through the ``graphviz`` package.

The lifecycle reads left to right.  Every edge carries its event, the roles that
may fire it and its other guards; its colour says who fires it.  The initial
state has a start dot, the access state a double green border, the confirmation
step a yellow fill, and a legend spells all of it out.  Edge labels are ordinary
``label``s, which ``dot`` lays out as part of the graph, so they never overlap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

import graphviz

from simulator.diagrams import style
from simulator.diagrams.graph import SHORT_GUARDS, WHO_ORDER, Edge, Graph, Node, describe_effect, describe_guard
from simulator.diagrams.segments import Drawing, Junction, Segment, back_segments, drawing_of

START = "__start"
GUARDS_PER_LINE = 3


@dataclass(frozen=True)
class DeniedMark:
    """A denied attempt drawn red and dashed from ``source`` (to ``target``, or a self-loop)."""

    event: str
    source: str
    target: str
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class Marks:
    """What a trace overlay adds to the spec diagram."""

    taken: dict[str, tuple[int, ...]] = field(default_factory=dict)  # Edge.key -> step numbers
    denied: tuple[DeniedMark, ...] = ()
    final: str | None = None
    visited: frozenset[str] = frozenset()
    title: str = ""


def _html(text: str) -> str:
    return escape(text, quote=True)


def _lines(items: Sequence[str], per_line: int) -> list[str]:
    return [" · ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]


def _badges(numbers: Iterable[int], colour: str) -> str:
    cells = "".join(
        f'<TD BGCOLOR="{colour}" STYLE="rounded" FIXEDSIZE="TRUE" WIDTH="{10 + 8 * len(str(n))}" HEIGHT="17">'
        f'<FONT COLOR="white" POINT-SIZE="11"><B>{n}</B></FONT></TD>'
        for n in numbers
    )
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1"><TR>{cells}</TR></TABLE>'


def segment_label(seg: Segment, numbers: tuple[int, ...] = (), muted: bool = False) -> str:
    """HTML-like label: [step badges,] event, [roles], guards (compact); empty when there is nothing to say."""
    colour = style.GREY_TEXT if muted else style.WHO_COLOUR[seg.who]
    text = style.GREY_TEXT if muted else style.TEXT
    detail = style.GREY_TEXT if muted else style.MUTED
    rows: list[str] = []
    if numbers:
        rows.append(_badges(numbers, style.BADGE))
    if seg.event:
        rows.append(f'<FONT COLOR="{colour}" POINT-SIZE="12"><B>{_html(seg.event)}</B></FONT>')
    if seg.roles:
        rows.append(f'<FONT COLOR="{text}" POINT-SIZE="10">[{_html(", ".join(seg.roles))}]</FONT>')
    for line in _lines(seg.short_guards, GUARDS_PER_LINE):
        font = f'COLOR="{detail if seg.event else colour}" POINT-SIZE="{9 if seg.event else 10}"'
        rows.append(f"<FONT {font}>{_html(line)}</FONT>")
    return _table(rows) if rows else ""


def _table(rows: Sequence[str]) -> str:
    """One cell per line: dot sizes tables exactly (mixed font sizes in <BR/> text it does not)."""
    cells = "".join(f'<TR><TD ALIGN="CENTER">{row}</TD></TR>' for row in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>>'


def edge_tooltip(edge: Edge) -> str:
    parts = [f"{edge.event}: {edge.description.rstrip('.')}" if edge.description else edge.event]
    parts.append("who: " + ", ".join(edge.roles))
    parts += [f"if {describe_guard(g)}" for g in edge.guards]
    parts += [f"then {describe_effect(e)}" for e in edge.effects]
    return "; ".join(parts)


def _node_tags(node: Node) -> list[str]:
    tags: list[str] = []
    if node.initial:
        tags.append("initial state")
    if node.access:
        tags.append("ACCESS GRANTED")
    if node.confirmation:
        tags.append("confirmation: Reset / Cancel")
    return tags


def _node_attrs(node: Node, marks: Marks | None) -> dict[str, str]:
    fill, border, width = style.STATE_FILL, style.TEXT, "1.4"
    peripheries = "1"
    if node.access:
        fill, border, width, peripheries = style.ACCESS_FILL, style.ACCESS_BORDER, "1.6", "2"
    if node.confirmation:
        fill, border = style.CONFIRM_FILL, style.CONFIRM_BORDER
    text = style.TEXT
    rows = [f'<FONT POINT-SIZE="14"><B>{_html(node.id)}</B></FONT>']
    tags = _node_tags(node)
    if marks is not None:
        if node.id == marks.final:
            fill, border, width = style.FINAL_FILL, style.FINAL_BORDER, "3"
            tags.append("FINAL STATE")
        elif node.id not in marks.visited:
            border = text = style.GREY_TEXT
    rows += [f'<FONT POINT-SIZE="9" COLOR="{text}">{_html(t)}</FONT>' for t in tags]
    return {
        "label": "<" + "<BR/>".join(rows) + ">",
        "fillcolor": fill,
        "color": border,
        "fontcolor": text,
        "penwidth": width,
        "peripheries": peripheries,
        "tooltip": node.description or node.id,
    }


def _legend(graph: Graph, marks: Marks | None) -> str:
    """Two columns: what colours and marks mean; what the compact guard names mean."""
    marks_rows: list[tuple[str, str]] = []
    for who in WHO_ORDER:
        roles = sorted({r for e in graph.edges if e.who == who for r in e.roles}, key=_role_order(graph))
        if roles:
            colour = style.WHO_COLOUR[who]
            marks_rows.append(
                (f'<FONT COLOR="{colour}"><B>━━━▶</B></FONT>', f"fired by {style.WHO_TEXT[who]}: [{', '.join(roles)}]")
            )
    marks_rows += [
        (f'<FONT COLOR="{style.ACCESS_BORDER}"><B>▣</B></FONT>', "double green box: the state that grants access"),
        (f'<FONT COLOR="{style.CONFIRM_BORDER}"><B>▣</B></FONT>', "yellow box: the confirmation step (Reset / Cancel)"),
        ("<B>●━▶</B>", "the initial state"),
        ("<B>━●━▶</B>", "small dot: one event, allowed from each state feeding it"),
        ("<B>━◇━▶</B>", "diamond: one event, the branch whose condition holds"),
        ("<B>event</B>", "label: event, [who may fire it], other guards (all must hold)"),
    ]
    if marks is not None:
        marks_rows += [
            (_badges((1, 2), style.BADGE), "trace steps in order (an edge taken twice shows both)"),
            (
                f'<FONT COLOR="{style.DENIED}"><B>╍╍╍▶</B></FONT>',
                "red dashed: a denied attempt, numbered in the same order",
            ),
            ('<FONT COLOR="#B8860B"><B>▣</B></FONT>', "gold box: the state the trace ended in"),
            (f'<FONT COLOR="{style.GREY}"><B>━━━▶</B></FONT>', "grey: not taken by this trace"),
        ]
    used = {x.partition("(")[0] for e in graph.edges for x in e.guards}
    guard_rows = [(SHORT_GUARDS[name], describe_guard(name)) for name in SHORT_GUARDS if name in used]
    if "came_from" in used:
        guard_rows.append(("from STATE", "the confirmation step was entered from STATE"))
    rows = [
        '<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B></TD><TD></TD>'
        '<TD COLSPAN="2" ALIGN="LEFT"><B>Guards (compact names)</B></TD></TR>'
    ]
    for i in range(max(len(marks_rows), len(guard_rows))):
        left = marks_rows[i] if i < len(marks_rows) else ("", "")
        right = guard_rows[i] if i < len(guard_rows) else ("", "")
        rows.append(
            f'<TR><TD ALIGN="CENTER">{left[0]}</TD><TD ALIGN="LEFT">{_html(left[1])}</TD><TD WIDTH="24"></TD>'
            f'<TD ALIGN="LEFT">{_muted(right[0])}</TD><TD ALIGN="LEFT">{_html(right[1])}</TD></TR>'
        )
    table = "".join(rows)
    outer = f'BORDER="1" COLOR="{style.GREY}" STYLE="rounded" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"'
    inner = 'BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2"'
    return f'<<TABLE {outer}><TR><TD><FONT POINT-SIZE="10"><TABLE {inner}>{table}</TABLE></FONT></TD></TR></TABLE>>'


def _muted(text: str) -> str:
    """Grey text; nothing for no text (dot rejects an empty <FONT></FONT>)."""
    return f'<FONT COLOR="{style.MUTED}">{_html(text)}</FONT>' if text else ""


def _role_order(graph: Graph) -> Callable[[str], int]:
    order = {r: i for i, r in enumerate(("user", *graph.roles))}
    return lambda r: order.get(r, len(order))


def build_dot(graph: Graph, marks: Marks | None = None) -> graphviz.Digraph:
    """The spec diagram; with ``marks``, the trace overlay drawn on it."""
    title = graph.title if marks is None or not marks.title else f"{graph.title}: {marks.title}"
    g = graphviz.Digraph(
        name=graph.name,
        comment=f"generated by twofa-fsm from spec '{graph.name}'; do not edit",
        graph_attr={
            "rankdir": "LR",
            "label": _legend(graph, marks),
            "labelloc": "b",
            "labeljust": "l",
            "fontname": style.FONT,
            "nodesep": "0.45",
            "ranksep": "0.8",
            "pad": "0.3",
            "bgcolor": "white",
        },
        node_attr={"fontname": style.FONT, "shape": "box", "style": "rounded,filled", "margin": "0.2,0.1"},
        edge_attr={"fontname": style.FONT, "arrowsize": "0.8"},
    )
    drawing = drawing_of(graph)
    with g.subgraph(name="cluster_lifecycle") as c:
        c.attr(
            label=f'<<FONT POINT-SIZE="18"><B>{_html(title)}</B></FONT>>',
            labelloc="t",
            labeljust="l",
            color="white",
            fontname=style.FONT,
        )
        c.node(
            START,
            label="",
            shape="circle",
            style="filled",
            fillcolor=style.TEXT,
            color=style.TEXT,
            width="0.22",
            tooltip="start",
        )
        for node in graph.nodes:
            c.node(node.id, **_node_attrs(node, marks))
        for j in drawing.junctions:
            _junction(c, j, drawing, marks)
    g.edge(START, graph.initial, color=style.TEXT, penwidth="1.4", tooltip="initial state")
    back = back_segments(drawing, [graph.initial, *(n.id for n in graph.nodes)])
    for seg in drawing.segments:
        _segment(g, seg, marks, reverse=seg.id in back)
    for denied in marks.denied if marks else ():
        label = _table(
            [
                _badges(denied.numbers, style.DENIED),
                f'<FONT COLOR="{style.DENIED}" POINT-SIZE="12"><B>{_html(denied.event)}</B></FONT>',
                f'<FONT COLOR="{style.DENIED}" POINT-SIZE="10">denied</FONT>',
            ]
        )
        g.edge(
            denied.source,
            denied.target,
            label=label,
            color=style.DENIED,
            fontcolor=style.DENIED,
            style="dashed",
            penwidth="2.2",
            id=f"denied_{denied.source}_{denied.event}_{denied.target}",
            tooltip=f"denied: {denied.event} from {denied.source}",
        )
    return g


def _numbers(seg: Segment, marks: Marks | None) -> tuple[int, ...]:
    if marks is None:
        return ()
    return tuple(sorted(n for e in seg.edges for n in marks.taken.get(e.key, ())))


def _junction(g: graphviz.Digraph, j: Junction, drawing: Drawing, marks: Marks | None) -> None:
    segs = [s for s in drawing.segments if j.id in (s.tail, s.head)]
    who = segs[0].who
    muted = marks is not None and not any(_numbers(s, marks) for s in segs)
    colour = style.GREY if muted else style.WHO_COLOUR[who]
    if j.kind == "merge":
        g.node(
            j.id,
            label="",
            shape="circle",
            style="filled",
            width="0.12",
            fillcolor=colour,
            color=colour,
            tooltip=j.tooltip,
        )
    else:
        g.node(
            j.id,
            label="",
            shape="diamond",
            style="filled",
            width="0.3",
            height="0.3",
            fillcolor="white",
            color=colour,
            penwidth="1.6",
            tooltip=j.tooltip,
        )


def _segment(g: graphviz.Digraph, seg: Segment, marks: Marks | None, reverse: bool) -> None:
    numbers = _numbers(seg, marks)
    muted = marks is not None and not numbers
    colour = style.GREY if muted else style.WHO_COLOUR[seg.who]
    attrs = {
        "color": colour,
        "penwidth": "3" if numbers else "1.6",
        "id": seg.id,
        "tooltip": "; ".join(dict.fromkeys(edge_tooltip(e) for e in seg.edges))
        if seg.event or len(seg.edges) == 1
        else seg.edges[0].event,
    }
    label = segment_label(seg, numbers, muted)
    if label:
        attrs["label"] = label
    if reverse:  # drawn from head to tail so that dot ranks the lifecycle in spec order
        attrs["dir"] = "back" if seg.arrow else "none"
        g.edge(seg.head, seg.tail, **attrs)
        return
    if not seg.arrow:
        attrs["arrowhead"] = "none"
    if not seg.arrow and seg.head.startswith(
        "merge_"
    ):  # leave by the right side: clear of self-loop labels above the state
        attrs["tailport"] = "e"
    g.edge(seg.tail, seg.head, **attrs)


def dot_source(graph: Graph, marks: Marks | None = None) -> str:
    """DOT text, ending with one newline (stable byte for byte)."""
    source: str = build_dot(graph, marks).source
    return source.rstrip("\n") + "\n"
