"""Graphviz HTML-like labels: edges (event, roles, guards, step badges) and states (name, marks, refusals).

No text in a drawing is smaller than ``MIN_POINT`` (11): at the drawing's natural
size, 1 pt of Graphviz is 1.33 px on screen, and a review page never shows it
smaller than 1 px per pt.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from twofa_fsm_tools.diagrams import style
from twofa_fsm_tools.diagrams.graph import Edge, Node, describe_effect, describe_guard
from twofa_fsm_tools.diagrams.marks import DeniedMark, Marks, Run
from twofa_fsm_tools.diagrams.segments import Segment

GUARDS_PER_LINE = 3
RUNS_PER_LINE = 3
MIN_POINT = 11
EVENT_POINT = 13
STATE_POINT = 15


def html(text: str) -> str:
    return escape(text, quote=True)


def lines(items: Sequence[str], per_line: int) -> list[str]:
    return [" · ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]


def table(rows: Sequence[str]) -> str:
    """One cell per line: dot sizes tables exactly (mixed font sizes in <BR/> text it does not)."""
    cells = "".join(f'<TR><TD ALIGN="CENTER">{row}</TD></TR>' for row in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>>'


def badge(text: str, colour: str) -> str:
    width = 10 + 8 * len(text)
    return (
        f'<TD BGCOLOR="{colour}" STYLE="rounded" FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="18">'
        f'<FONT COLOR="white" POINT-SIZE="{MIN_POINT}"><B>{html(text)}</B></FONT></TD>'
    )


def badges(numbers: Sequence[int], colour: str) -> str:
    """Plain numbered badges in a row (the legend's sample)."""
    cells = "".join(badge(str(n), colour) for n in numbers)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1"><TR>{cells}</TR></TABLE>'


def _run_cell(run: Run, refused: bool) -> str:
    """One pill per run: ``9 alice``, ``1–4 ×11 mallory``; dark (red for an attacker), white with red if refused."""
    text = " ".join(t for t in (run.numbers, run.times, run.actor) if t)
    width = 12 + round(7.2 * len(text))
    words = html(text)
    if refused:
        colour = style.ATTACKER if run.attacker else style.DENIED
        font = f'<FONT COLOR="{colour}" POINT-SIZE="{MIN_POINT}">{_bold("✕ " + words, True)}</FONT>'
        return (
            f'<TD BGCOLOR="white" COLOR="{style.DENIED}" BORDER="1" STYLE="rounded" FIXEDSIZE="TRUE" '
            f'WIDTH="{width + 12}" HEIGHT="18">{font}</TD>'
        )
    colour = style.ATTACKER if run.attacker else style.BADGE
    font = f'<FONT COLOR="white" POINT-SIZE="{MIN_POINT}"><B>{words}</B></FONT>'
    return f'<TD BGCOLOR="{colour}" STYLE="rounded" FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="18">{font}</TD>'


def _bold(text: str, on: bool) -> str:
    return f"<B>{text}</B>" if on and text else text


def run_rows(runs: Sequence[Run], refused: bool = False) -> list[str]:
    """Badge rows: each run is its step number(s), then ×N and who, up to three runs a line."""
    out: list[str] = []
    for i in range(0, len(runs), RUNS_PER_LINE):
        cells = "".join(_run_cell(r, refused) for r in runs[i : i + RUNS_PER_LINE])
        out.append(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="1"><TR>{cells}</TR></TABLE>')
    return out


def segment_label(seg: Segment, runs: Sequence[Run] = (), muted: bool = False) -> str:
    """HTML-like label: [step badges,] event, [roles], guards (compact); empty when there is nothing to say."""
    colour = style.GREY_TEXT if muted else style.WHO_COLOUR[seg.who]
    text = style.GREY_TEXT if muted else style.TEXT
    detail = style.GREY_TEXT if muted else style.MUTED
    rows: list[str] = run_rows(runs)
    if seg.event:
        rows.append(f'<FONT COLOR="{colour}" POINT-SIZE="{EVENT_POINT}"><B>{html(seg.event)}</B></FONT>')
    if seg.roles:
        rows.append(f'<FONT COLOR="{text}" POINT-SIZE="{MIN_POINT}">[{html(", ".join(seg.roles))}]</FONT>')
    for line in lines(seg.short_guards, GUARDS_PER_LINE):
        rows.append(f'<FONT COLOR="{detail if seg.event else colour}" POINT-SIZE="{MIN_POINT}">{html(line)}</FONT>')
    return table(rows) if rows else ""


def return_label(states: Sequence[str], muted: bool = False) -> str:
    """The return box: "↩ back to the state it came from", then those states."""
    colour = style.GREY_TEXT if muted else style.TEXT
    rows = [f'<FONT COLOR="{colour}" POINT-SIZE="{MIN_POINT}"><B>↩ back to the state it came from</B></FONT>']
    rows += [f'<FONT COLOR="{colour}" POINT-SIZE="{MIN_POINT}">{html(x)}</FONT>' for x in lines(states, 2)]
    return table(rows)


def edge_tooltip(edge: Edge) -> str:
    parts = [f"{edge.event}: {edge.description.rstrip('.')}" if edge.description else edge.event]
    parts.append("who: " + ", ".join(edge.roles))
    parts += [f"if {describe_guard(g)}" for g in edge.guards]
    parts += [f"then {describe_effect(e)}" for e in edge.effects]
    return "; ".join(parts)


def node_tags(node: Node) -> list[str]:
    tags: list[str] = []
    if node.initial:
        tags.append("initial state")
    if node.access:
        tags.append("ACCESS GRANTED")
    if node.confirmation:
        tags.append("confirmation: Reset / Cancel")
    return tags


def _refusal_rows(denied: Sequence[DeniedMark]) -> list[str]:
    rows: list[str] = []
    for d in denied:
        rows.append(f'<FONT COLOR="{style.DENIED}" POINT-SIZE="{MIN_POINT}"><B>{html(d.event)} refused:</B></FONT>')
        rows += run_rows(d.runs, refused=True)
    return rows


def _style(node: Node, marks: Marks | None) -> tuple[str, str, str, str, list[str]]:
    """fill, border, border width, text colour and tags of a state (with a trace: visited or not, the end)."""
    fill, border, width = style.STATE_FILL, style.TEXT, "1.4"
    if node.access:
        fill, border, width = style.ACCESS_FILL, style.ACCESS_BORDER, "1.6"
    if node.confirmation:
        fill, border = style.CONFIRM_FILL, style.CONFIRM_BORDER
    text, tags = style.TEXT, node_tags(node)
    if marks is not None and node.id == marks.final:
        border, width = style.FINAL_BORDER, "4"  # the fill (and the access mark) stay visible
        tags.append("◆ the path ends here")
    elif marks is not None and node.id not in marks.visited:
        border = text = style.GREY_TEXT
    return fill, border, width, text, tags


def node_attrs(node: Node, marks: Marks | None) -> dict[str, str]:
    fill, border, width, text, tags = _style(node, marks)
    rows = [f'<FONT POINT-SIZE="{STATE_POINT}" COLOR="{text}"><B>{html(node.id)}</B></FONT>']
    rows += [f'<FONT POINT-SIZE="{MIN_POINT}" COLOR="{text}">{html(t)}</FONT>' for t in tags]
    if marks is not None:
        rows += _refusal_rows(marks.denied_at(node.id))
    return {
        "label": table(rows),
        "fillcolor": fill,
        "color": border,
        "fontcolor": text,
        "penwidth": width,
        "peripheries": "2" if node.access else "1",
        "tooltip": node.description or node.id,
    }
