"""The spec diagram shows every transition with its roles and guards, coloured by who fires it."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from twofa_fsm import load_spec
from twofa_fsm_tools.diagrams import Layout, graph_of, mermaid_source, role_matrix
from twofa_fsm_tools.diagrams.dot import dot_source
from twofa_fsm_tools.diagrams.graph import Graph
from twofa_fsm_tools.diagrams.render import have_dot, inline_svg, render_svg
from twofa_fsm_tools.diagrams.segments import drawing_of
from twofa_fsm_tools.diagrams.style import ACCESS_FILL, CONFIRM_FILL, WHO_COLOUR

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return graph_of(load_spec(ROOT / "spec" / "twofa.yaml"))


def _dot_edges(dot: str) -> dict[str, str]:
    """DOT edge statements by their id attribute."""
    return {m.group(1): line for line in dot.splitlines() if " -> " in line and (m := re.search(r"\bid=(\w+)", line))}


def test_graph_data(graph: Graph) -> None:
    assert [n.id for n in graph.nodes] == ["unenrolled", "setup_in_progress", "enrolled", "locked_out", "reset_pending"]
    assert graph.initial == "unenrolled"
    spec = load_spec(ROOT / "spec" / "twofa.yaml")
    assert len(graph.edges) == sum(len(t.source) for t in spec.transitions)  # one per (source, transition)
    by = {(e.event, e.source, e.dest): e for e in graph.edges}
    reset = by[("request_reset", "locked_out", "reset_pending")]
    assert reset.roles == ("owner", "admin", "support") and reset.who == "admin"
    assert "actor_role_in(owner, admin, support)" not in reset.guards and "not_self" in reset.guards
    assert by[("login", "enrolled", "enrolled")].roles == ("user",)
    assert by[("expire_setup", "setup_in_progress", "unenrolled")].who == "system"
    assert graph_of(load_spec(ROOT / "spec" / "twofa.yaml")) == graph  # deterministic


def test_every_transition_is_drawn_with_its_roles_and_guards(graph: Graph) -> None:
    dot = dot_source(graph)
    edges = _dot_edges(dot)
    drawing = drawing_of(graph, group_returns=True)
    returns = {j.id: j for j in drawing.junctions if j.kind == "return"}
    for edge in graph.edges:
        named = [s for s in drawing.segments if edge in s.edges and s.event]
        assert len(named) == 1, edge
        line = edges[named[0].id]
        assert f"<B>{edge.event}</B>" in line
        assert f"[{', '.join(edge.roles)}]" in line
        for guard in edge.short_guards:
            assert guard in line
        assert f'color="{WHO_COLOUR[edge.who]}"' in line
        # the edge's own path (direct, or through its merge dot) runs from its source to its dest; a return goes
        # into the "back to the state it came from" box, which names the dest
        own = [s for s in drawing.segments if edge in s.edges]
        assert own[0].tail == edge.source
        if own[-1].head in returns:
            assert edge.dest in returns[own[-1].head].states and f"came_from({edge.dest})" in edge.guards
        else:
            assert own[-1].head == edge.dest
        assert all(a.head == b.tail for a, b in itertools.pairwise(own))


def test_returns_are_grouped_into_one_box_per_source(graph: Graph) -> None:
    """Cancel and expiry go back whence the confirmation step was entered: one box, no long arcs."""
    drawing = drawing_of(graph, group_returns=True)
    boxes = [j for j in drawing.junctions if j.kind == "return"]
    confirmation = next(n.id for n in graph.nodes if n.confirmation)
    assert len(boxes) == 1 and boxes[0].id.endswith(confirmation)
    came_from = {g[len("came_from(") : -1] for e in graph.edges for g in e.guards if g.startswith("came_from(")}
    assert set(boxes[0].states) == came_from
    into = [s for s in drawing.segments if s.head == boxes[0].id]
    assert sorted(s.event for s in into) == sorted(
        {e.event for e in graph.edges if any(g.startswith("came_from(") for g in e.guards)}
    )
    # without grouping every branch is its own arc again
    plain = drawing_of(graph)
    assert not any(j.kind == "return" for j in plain.junctions)
    assert len(plain.segments) > len(drawing.segments)


def test_marks_and_legend(graph: Graph) -> None:
    dot = dot_source(graph)
    assert "rankdir=TB" in dot and "rankdir=LR" in dot_source(graph, layout=Layout(rankdir="LR"))
    assert "Legend" not in dot_source(graph, layout=Layout(legend=False))
    assert "__start -> unenrolled" in dot
    enrolled = next(line for line in dot.splitlines() if line.strip().startswith("enrolled ["))
    assert "ACCESS GRANTED" in enrolled and "peripheries=2" in enrolled and ACCESS_FILL in enrolled
    pending = next(line for line in dot.splitlines() if line.strip().startswith("reset_pending ["))
    assert "confirmation" in pending and CONFIRM_FILL in pending
    for text in (
        "Legend",
        "fired by the user",
        "fired by another person: [owner, admin, support]",
        "fired by the system",
        "double green box",
        "tier",
    ):
        assert text in dot


def test_no_text_below_eleven_points(graph: Graph) -> None:
    sizes = [float(x) for x in re.findall(r'POINT-SIZE="([\d.]+)"', dot_source(graph))]
    assert sizes and min(sizes) >= 11


def test_elements_carry_filter_classes(graph: Graph) -> None:
    dot = dot_source(graph)
    reset = next(line for line in dot.splitlines() if "id=t7_out" in line)
    assert all(f"r_{r}" in reset for r in ("owner", "admin", "support")) and "r_member" not in reset
    assert "s_reset_pending" in reset and "s_locked_out" in reset
    enrolled = next(line for line in dot.splitlines() if line.strip().startswith("enrolled ["))
    assert 'class="state s_enrolled"' in enrolled


@pytest.mark.skipif(
    not have_dot(), reason="Graphviz's `dot` is not installed (apt-get install graphviz): SVG not rendered"
)
def test_svg_shows_every_transition_with_its_roles(graph: Graph) -> None:
    svg = render_svg(dot_source(graph))
    root = ET.fromstring(svg)
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if (g.get("class") or "").split()[:1] == ["edge"]}
    drawing = drawing_of(graph, group_returns=True)
    for edge in graph.edges:
        seg = next(s for s in drawing.segments if edge in s.edges and s.event)
        texts = [t.text for t in groups[seg.id].iter(f"{SVG}text")]
        assert edge.event in texts and f"[{', '.join(edge.roles)}]" in texts, (edge, texts)
    fragment = inline_svg(svg, "spec")
    assert not fragment.startswith("<?xml") and "<!--" not in fragment and 'id="spec-graph0"' in fragment


def test_mermaid_has_every_transition(graph: Graph) -> None:
    text = mermaid_source(graph)
    assert text.splitlines()[3] == "stateDiagram-v2"
    assert "    [*] --> unenrolled" in text and "class enrolled access" in text
    for edge in graph.edges:
        assert f"    {edge.source} --> {edge.dest} : {edge.event} [{', '.join(edge.roles)}]" in text


def test_role_matrix(graph: Graph) -> None:
    m = role_matrix(graph)
    assert m.columns == ("user", "owner", "admin", "member", "support", "system")
    assert len(m.rows) == len(graph.edges)
    rows = {(r.source, r.event, r.dest): r for r in m.rows}
    assert m.actors(rows[("enrolled", "request_reset", "reset_pending")]) == ("owner", "admin", "support")
    assert m.actors(rows[("enrolled", "login", "enrolled")]) == ("user",)
    assert m.actors(rows[("setup_in_progress", "expire_setup", "unenrolled")]) == ("system",)
    assert not any(r.allowed[m.columns.index("member")] for r in m.rows)
