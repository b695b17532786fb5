"""A trace overlay numbers the path taken by step, says who acted, marks refusals at their state, shows the end."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from twofa_fsm import load_spec
from twofa_fsm_tools.diagrams import StepTag, TraceError, graph_of, overlay_dot, overlay_marks
from twofa_fsm_tools.diagrams.graph import Graph
from twofa_fsm_tools.diagrams.render import have_dot, render_svg
from twofa_fsm_tools.diagrams.style import ACCESS_FILL, ATTACKER, DENIED, FINAL_BORDER, GREY

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
    feed = _edge_line(dot, "t7_locked_out_in")  # request_reset's feed from locked_out: drawn thick, told once
    assert _badges(feed) == [] and "penwidth=3" in feed and "step_4" in feed
    assert _badges(_edge_line(dot, "t7_out")) == [4]
    assert _badges(_edge_line(dot, "t8_reset_pending")) == [5]
    assert _badges(_edge_line(dot, "t0_unenrolled")) == [6]
    assert _badges(_edge_line(dot, "t1_setup_in_progress")) == [7]
    for taken in ("t4_enrolled", "t5_enrolled", "t8_reset_pending"):
        assert "penwidth=3" in _edge_line(dot, taken)


def _node_line(dot: str, state: str) -> str:
    return next(line for line in dot.splitlines() if line.strip().startswith(f"{state} ["))


def test_a_refusal_is_a_mark_at_its_state_not_an_arrow(graph: Graph) -> None:
    dot = overlay_dot(graph, LOST_PHONE)
    assert "denied_" not in dot and "style=dashed" not in dot.split("cluster_lifecycle")[1].split("return")[0]
    locked = _node_line(dot, "locked_out")
    assert "login refused" in locked and f'COLOR="{DENIED}"' in locked and "✕ 3" in locked
    assert "step_3" in locked  # the step-through highlights the state where step 3 was refused


def test_denied_attempt_remembers_the_intended_state(graph: Graph) -> None:
    steps = [
        Step("report_lost_device", "enrolled", "locked_out"),
        Step("request_reset", "locked_out", "locked_out", allowed=False),
    ]
    marks = overlay_marks(graph, steps)
    assert [(d.source, d.target, d.numbers) for d in marks.denied] == [("locked_out", "reset_pending", (2,))]
    assert marks.final == "locked_out"
    dot = overlay_dot(graph, steps)
    assert "request_reset refused" in _node_line(dot, "locked_out")  # drawn at locked_out, not at reset_pending
    assert "refused" not in _node_line(dot, "reset_pending")


def test_badges_are_step_numbers_with_the_actor_and_repeats_collapse(graph: Graph) -> None:
    steps = [Step("login", "enrolled", "enrolled", allowed=False)] * 4 + [
        Step("too_many_failures", "enrolled", "locked_out"),
        Step("request_reset", "locked_out", "reset_pending"),
    ]
    tags = [StepTag(1, "mallory", True), StepTag(2, "mallory", True), StepTag(3, "mallory", True)]
    tags += [StepTag(3, "mallory", True), StepTag(3, "system"), StepTag(7, "bob")]
    dot = overlay_dot(graph, steps, tags=tags)
    enrolled = _node_line(dot, "enrolled")
    assert "✕ 1–3 ×4 mallory" in enrolled and enrolled.count("mallory") == 1  # eleven badges would be one
    assert f'COLOR="{ATTACKER}"' in enrolled  # an attacker is red
    assert "<B>7 bob</B>" in _edge_line(dot, "t7_out") and "<B>3 system</B>" in _edge_line(dot, "t6_out")
    assert "step_7" in _edge_line(dot, "t7_out")
    with pytest.raises(ValueError, match="one tag per step"):
        overlay_marks(graph, steps, tags=tags[:2])


def test_final_state_keeps_its_access_mark(graph: Graph) -> None:
    dot = overlay_dot(graph, LOST_PHONE)
    enrolled = _node_line(dot, "enrolled")
    assert FINAL_BORDER in enrolled and "the path ends here" in enrolled
    assert ACCESS_FILL in enrolled and "ACCESS GRANTED" in enrolled and "peripheries=2" in enrolled
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
    assert f'fill="{DENIED.lower()}"' in svg and "login refused" in svg
    for n in range(1, len(LOST_PHONE) + 1):
        assert f">{n}</text>" in svg or f">✕ {n}</text>" in svg
