"""The legend drawn under a diagram: what colours and marks mean, and the compact guard names.

Standalone files (``diagrams/NAME.svg``, ``simulate --diagrams``) carry it; the review
page shows it once in HTML and draws its diagrams without it.
"""

from __future__ import annotations

from collections.abc import Callable

from twofa_fsm_tools.diagrams import style
from twofa_fsm_tools.diagrams.graph import SHORT_GUARDS, WHO_ORDER, Graph, describe_guard
from twofa_fsm_tools.diagrams.labels import MIN_POINT, badges, html

Row = tuple[str, str]


def role_order(graph: Graph) -> Callable[[str], int]:
    order = {r: i for i, r in enumerate(("user", *graph.roles))}
    return lambda r: order.get(r, len(order))


def mark_rows(graph: Graph, overlay: bool) -> list[Row]:
    """(sample, meaning) rows; the trace rows only for an overlay."""
    rows: list[Row] = []
    for who in WHO_ORDER:
        roles = sorted({r for e in graph.edges if e.who == who for r in e.roles}, key=role_order(graph))
        if roles:
            colour = style.WHO_COLOUR[who]
            sample = f'<FONT COLOR="{colour}"><B>━━━▶</B></FONT>'
            rows.append((sample, f"fired by {style.WHO_TEXT[who]}: [{', '.join(roles)}]"))
    rows += [
        (f'<FONT COLOR="{style.ACCESS_BORDER}"><B>▣</B></FONT>', "double green box: the state that grants access"),
        (f'<FONT COLOR="{style.CONFIRM_BORDER}"><B>▣</B></FONT>', "yellow box: the confirmation step (Reset / Cancel)"),
        ("<B>●━▶</B>", "the initial state"),
        ("<B>━●━▶</B>", "small dot: one event, allowed from each state feeding it"),
        ("<B>━◇━▶</B>", "diamond: one event, the branch whose condition holds"),
        ("<B>↩</B>", "loop: one event going back to the state the step was entered from"),
        ("<B>event</B>", "label: event, [who may fire it], other guards (all must hold)"),
    ]
    if overlay:
        rows += [
            (badges((3, 7), style.BADGE), "step numbers of the story, then who acted (×N: repeated attempts)"),
            (badges((5,), style.ATTACKER), "a step by an attacker (red name)"),
            (
                f'<FONT COLOR="{style.DENIED}"><B>✕ event refused</B></FONT>',
                "a refused attempt, at the state it was tried in",
            ),
            (f'<FONT COLOR="{style.FINAL_BORDER}"><B>▣</B></FONT>', "thick gold border: the state the path ended in"),
            (f'<FONT COLOR="{style.GREY}"><B>━━━▶</B></FONT>', "grey: not taken by this path"),
        ]
    return rows


def guard_rows(graph: Graph) -> list[Row]:
    used = {x.partition("(")[0] for e in graph.edges for x in e.guards}
    rows = [(SHORT_GUARDS[name], describe_guard(name)) for name in SHORT_GUARDS if name in used]
    if "came_from" in used:
        rows.append(("from STATE", "the confirmation step was entered from STATE"))
    return rows


def _muted(text: str) -> str:
    """Grey text; nothing for no text (dot rejects an empty <FONT></FONT>)."""
    return f'<FONT COLOR="{style.MUTED}">{html(text)}</FONT>' if text else ""


def legend_label(graph: Graph, overlay: bool) -> str:
    """Two columns: what colours and marks mean; what the compact guard names mean."""
    marks, guards = mark_rows(graph, overlay), guard_rows(graph)
    rows = [
        '<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B></TD><TD></TD>'
        '<TD COLSPAN="2" ALIGN="LEFT"><B>Guards (compact names)</B></TD></TR>'
    ]
    for i in range(max(len(marks), len(guards))):
        left = marks[i] if i < len(marks) else ("", "")
        right = guards[i] if i < len(guards) else ("", "")
        rows.append(
            f'<TR><TD ALIGN="CENTER">{left[0]}</TD><TD ALIGN="LEFT">{html(left[1])}</TD><TD WIDTH="24"></TD>'
            f'<TD ALIGN="LEFT">{_muted(right[0])}</TD><TD ALIGN="LEFT">{html(right[1])}</TD></TR>'
        )
    outer = f'BORDER="1" COLOR="{style.GREY}" STYLE="rounded" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"'
    inner = 'BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2"'
    body = f'<FONT POINT-SIZE="{MIN_POINT}"><TABLE {inner}>{"".join(rows)}</TABLE></FONT>'
    return f"<<TABLE {outer}><TR><TD>{body}</TD></TR></TABLE>>"
