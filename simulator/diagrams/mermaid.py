"""Mermaid ``stateDiagram-v2`` text of a spec, for Markdown documents.

Mermaid cannot colour single transitions of a state diagram, so each label says
in words who may fire it: ``request_reset [owner, admin, support] if same_org ...``.
States keep their names as labels, are marked with a class (access, confirmation), and carry their
role (initial, access, confirmation) in a note.
"""

from __future__ import annotations

import re

from twofa_fsm_tools.diagrams import style
from twofa_fsm_tools.diagrams.graph import Graph

_UNSAFE = re.compile(r"[:;#{}\"<>`]")


def _safe(text: str) -> str:
    """Mermaid treats ``:`` ``;`` ``#`` and friends as syntax: keep labels plain."""
    return " ".join(_UNSAFE.sub(" ", text).split())


def mermaid_source(graph: Graph) -> str:
    lines = [
        "---",
        f"title: {_safe(graph.title)}",
        "---",
        "stateDiagram-v2",
        "    direction LR",
        f"    classDef access fill:{style.ACCESS_FILL},stroke:{style.ACCESS_BORDER},stroke-width:3px",
        f"    classDef confirmation fill:{style.CONFIRM_FILL},stroke:{style.CONFIRM_BORDER},stroke-width:2px",
    ]
    for node in graph.nodes:
        tags = [
            t
            for t, on in (
                ("initial", node.initial),
                ("ACCESS GRANTED", node.access),
                ("confirmation - Reset or Cancel", node.confirmation),
            )
            if on
        ]
        lines.append(f'    state "{node.id}" as {node.id}')  # the state's name stays its label
        if tags:  # a description would replace the name on the box (Mermaid): a note keeps both
            lines.append(f"    note right of {node.id} : {_safe(', '.join(tags))}")
    lines.append(f"    [*] --> {graph.initial}")
    for edge in graph.edges:
        label = f"{edge.event} [{', '.join(edge.roles)}]"
        if edge.guards:
            label += " if " + ", ".join(edge.short_guards)
        lines.append(f"    {edge.source} --> {edge.dest} : {_safe(label)}")
    for node in graph.nodes:
        if node.access:
            lines.append(f"    class {node.id} access")
        if node.confirmation:
            lines.append(f"    class {node.id} confirmation")
    return "\n".join(lines) + "\n"
