"""A trace overlay numbers the path taken, draws denied attempts red and dashed, highlights the end."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from simulator.diagrams import TraceError, graph_of, overlay_dot, overlay_marks
from simulator.diagrams.graph import Graph
from simulator.diagrams.render import have_dot, render_svg
from simulator.diagrams.style import DENIED, FINAL_FILL, GREY
from twofa_fsm import load_spec

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Step:
    event: str
    source: str
    dest: str
    allowed: bool = True


LOST_PHONE = [
    Step("login", "enrolled", "enrolled"),  # 1
    Step("report_lost_device", "enrolled", "locked_out"),  # 2
    Step("login", "locked_out", "locked_out", allowed=False),  # 3: no login from locked_out: a denied self-loop
    Step("request_reset", "locked_out", "reset_pending"),  # 4
    Step("confirm_reset", "reset_pending", "unenrolled"),  # 5
    Step("start_setup", "unenrolled", "setup_in_progress"),  # 6
    Step("verify_setup", "setup_in_progress", "enrolled"),  # 7
    Step("login", "enrolled", "enrolled"),  # 8
]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return graph_of(load_spec(ROOT / "spec" / "twofa.yaml"))


def _edge_line(dot: str, edge_id: str) -> str:
    return next(line for line in dot.splitlines() if re.search(rf"\bid={edge_id}\b", line))


def _badges(line: str) -> list[int]:
    return [int(n) for n in re.findall(r"<B>(\d+)</B>", line)]


def test_lost_phone_path_is_numbered(graph: Graph) -> None:
    dot = overlay_dot(graph, LOST_PHONE, title="lost phone")
    assert "lost phone" in dot
    assert _badges(_edge_line(dot, "t4_enrolled")) == [1, 8]  # login taken twice lists both numbers
    assert _badges(_edge_line(dot, "t5_enrolled")) == [2]
    assert _badges(_edge_line(dot, "t7_locked_out_in")) == [4]  # request_reset's feed from locked_out
    assert _badges(_edge_line(dot, "t7_out")) == [4]
    assert _badges(_edge_line(dot, "t8_reset_pending")) == [5]
    assert _badges(_edge_line(dot, "t0_unenrolled")) == [6]
    assert _badges(_edge_line(dot, "t1_setup_in_progress")) == [7]
    for taken in ("t4_enrolled", "t5_enrolled", "t8_reset_pending"):
        assert "penwidth=3" in _edge_line(dot, taken)


def test_denied_attempt_is_red_dashed_and_numbered(graph: Graph) -> None:
    dot = overlay_dot(graph, LOST_PHONE)
    denied = _edge_line(dot, "denied_locked_out_login_locked_out")
    assert denied.strip().startswith("locked_out -> locked_out")
    assert f'color="{DENIED}"' in denied and "style=dashed" in denied and "denied" in denied
    assert _badges(denied) == [3]


def test_denied_attempt_points_at_the_intended_state(graph: Graph) -> None:
    steps = [
        Step("report_lost_device", "enrolled", "locked_out"),
        Step("request_reset", "locked_out", "locked_out", allowed=False),
    ]
    marks = overlay_marks(graph, steps)
    assert [(d.source, d.target, d.numbers) for d in marks.denied] == [("locked_out", "reset_pending", (2,))]
    assert marks.final == "locked_out"


def test_final_state_highlighted_and_untouched_edges_grey(graph: Graph) -> None:
    dot = overlay_dot(graph, LOST_PHONE)
    enrolled = next(line for line in dot.splitlines() if line.strip().startswith("enrolled ["))
    assert FINAL_FILL in enrolled and "FINAL STATE" in enrolled
    assert f'color="{GREY}"' in _edge_line(dot, "t3_setup_in_progress")  # expire_setup: never taken
    assert _badges(_edge_line(dot, "t3_setup_in_progress")) == []
    assert overlay_marks(graph, LOST_PHONE).final == "enrolled"


def test_a_move_the_spec_lacks_is_refused(graph: Graph) -> None:
    with pytest.raises(TraceError, match="no transition 'login' from 'locked_out'"):
        overlay_marks(graph, [Step("login", "locked_out", "enrolled")])
    with pytest.raises(TraceError, match="no state 'nowhere'"):
        overlay_marks(graph, [Step("login", "nowhere", "enrolled", allowed=False)])


@pytest.mark.skipif(
    not have_dot(), reason="Graphviz's `dot` is not installed (apt-get install graphviz): overlay SVG not rendered"
)
def test_overlay_svg(graph: Graph) -> None:
    svg = render_svg(overlay_dot(graph, LOST_PHONE, title="lost phone"))
    assert f'stroke="{DENIED.lower()}"' in svg and "stroke-dasharray" in svg
    for n in range(1, len(LOST_PHONE) + 1):
        assert f">{n}</text>" in svg
