"""Diagrams of specs and traces: graph data, DOT/SVG/PNG, Mermaid, the role matrix, overlays.

Typical use::

    from twofa_fsm_tools.diagrams import graph_of, dot_source, render_svg, overlay_svg, inline_svg
    svg = render_svg(dot_source(graph_of(spec)))        # the spec diagram
    path = overlay_svg(spec, steps, title="lost phone")  # a trace drawn on it
    html_fragment = inline_svg(path, prefix="lost-phone")

``dot_source`` / ``overlay_dot`` / ``mermaid_source`` / ``role_matrix`` never need
Graphviz's ``dot``; rendering raises ``DotMissing`` (one line) without it.
"""

from __future__ import annotations

from twofa_fsm_tools.diagrams.dot import Layout, dot_source
from twofa_fsm_tools.diagrams.files import outputs, spec_files, write_outputs
from twofa_fsm_tools.diagrams.graph import Edge, Graph, Node, graph_of
from twofa_fsm_tools.diagrams.mermaid import mermaid_source
from twofa_fsm_tools.diagrams.overlay import StepTag, TraceError, TraceStep, overlay_dot, overlay_marks, overlay_svg
from twofa_fsm_tools.diagrams.render import DotMissing, have_dot, inline_svg, render_dot, render_svg
from twofa_fsm_tools.diagrams.table import Matrix, MatrixRow, matrix_markdown, matrix_text, role_matrix

__all__ = [
    "DotMissing",
    "Edge",
    "Graph",
    "Layout",
    "Matrix",
    "MatrixRow",
    "Node",
    "StepTag",
    "TraceError",
    "TraceStep",
    "dot_source",
    "graph_of",
    "have_dot",
    "inline_svg",
    "matrix_markdown",
    "matrix_text",
    "mermaid_source",
    "outputs",
    "overlay_dot",
    "overlay_marks",
    "overlay_svg",
    "render_dot",
    "render_svg",
    "role_matrix",
    "spec_files",
    "write_outputs",
]
