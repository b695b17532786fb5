"""How the spec's edges are drawn: plain arrows, merges and choices.

A transition allowed from several states is drawn once: each source feeds a small
dot (a merge) and one labelled arrow leaves it.  Transitions of one event from one
state that differ only by a selector guard (``cancel_reset`` returning whence it
came) share one labelled stem into a diamond (a choice); each branch names its own
condition.  This halves the labels of a typical spec without losing a fact: every
spec edge maps to the segments it is drawn through.

With ``group_returns``, a choice whose every branch goes back where the confirmation
step was entered from (each branch guarded by ``came_from(ITS DEST)``) is one arrow
into a small "back to the state it came from" box naming those states (shared by
every event that returns to the same states): no long arcs across the drawing, the
same facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from twofa_fsm_tools.diagrams.graph import Edge, Graph, Who, short_guard


@dataclass(frozen=True)
class Junction:
    id: str
    kind: str  # "merge", "choice" or "return"
    tooltip: str
    states: tuple[str, ...] = ()  # a return: the states it goes back to


@dataclass(frozen=True)
class Segment:
    id: str
    tail: str
    head: str
    edges: tuple[Edge, ...]  # the spec edges drawn through this segment
    who: Who
    event: str = ""  # set on the segment that names the event
    roles: tuple[str, ...] = ()
    guards: tuple[str, ...] = ()  # as written; shown in short form
    arrow: bool = True

    @property
    def states(self) -> tuple[str, ...]:
        """Every state this segment's spec edges leave or reach (for filters: "this state's edges")."""
        return tuple(dict.fromkeys(s for e in self.edges for s in (e.source, e.dest)))

    @property
    def short_guards(self) -> tuple[str, ...]:
        return tuple(short_guard(g) for g in self.guards)


@dataclass(frozen=True)
class Drawing:
    junctions: tuple[Junction, ...]
    segments: tuple[Segment, ...]


def _common(guard_lists: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    first = guard_lists[0]
    return tuple(g for g in first if all(g in other for other in guard_lists[1:]))


def _choice_groups(graph: Graph) -> dict[tuple[str, str], list[Edge]]:
    """(source, event) -> its single-source edges, when they fan out to several states alike."""
    sources: dict[int, int] = {}
    for e in graph.edges:
        sources[e.index] = sources.get(e.index, 0) + 1
    groups: dict[tuple[str, str], list[Edge]] = {}
    for e in graph.edges:
        if sources[e.index] == 1:
            groups.setdefault((e.source, e.event), []).append(e)
    return {
        key: edges
        for key, edges in groups.items()
        if len(edges) > 1 and len({e.dest for e in edges}) == len(edges) and len({(e.roles, e.who) for e in edges}) == 1
    }


def is_return(group: Sequence[Edge]) -> bool:
    """Every branch is guarded by ``came_from(ITS DEST)``: the group goes back whence the source was entered."""
    return all(f"came_from({e.dest})" in e.guards for e in group)


def _return(group: Sequence[Edge], junctions: list[Junction]) -> Segment:
    """The group's one segment into the (shared) return box of its source and destinations."""
    edge = group[0]
    dests = tuple(e.dest for e in group)
    box = next((j for j in junctions if j.kind == "return" and j.states == dests and j.id.endswith(edge.source)), None)
    if box is None:
        box = Junction(f"return{len(junctions)}_{edge.source}", "return", "back to the state it came from", dests)
        junctions.append(box)
    common = _common([tuple(g for g in e.guards if not g.startswith("came_from(")) for e in group])
    return Segment(
        f"{box.id}_{edge.event}", edge.source, box.id, tuple(group), edge.who, edge.event, edge.roles, common
    )


def drawing_of(graph: Graph, group_returns: bool = False) -> Drawing:
    """Segments and junctions, in spec order (deterministic)."""
    junctions: list[Junction] = []
    segments: list[Segment] = []
    choices = _choice_groups(graph)
    done: set[str] = set()
    for edge in graph.edges:
        if edge.key in done:
            continue
        fan_in = [e for e in graph.edges if e.index == edge.index]
        group = choices.get((edge.source, edge.event))
        if group is not None and group_returns and is_return(group):
            segments.append(_return(group, junctions))
            done.update(e.key for e in group)
        elif len(fan_in) > 1:
            j = f"merge_t{edge.index}"
            junctions.append(Junction(j, "merge", f"{edge.event} from {', '.join(e.source for e in fan_in)}"))
            for e in fan_in:
                segments.append(Segment(f"{e.key}_in", e.source, j, (e,), e.who, arrow=False))
            segments.append(
                Segment(
                    f"t{edge.index}_out", j, edge.dest, tuple(fan_in), edge.who, edge.event, edge.roles, edge.guards
                )
            )
            done.update(e.key for e in fan_in)
        elif group is not None:
            j = f"choice_{edge.source}_{edge.event}"
            common = _common([e.guards for e in group])
            junctions.append(Junction(j, "choice", f"{edge.event}: the branch whose condition holds"))
            segments.append(
                Segment(
                    f"{j}_stem", edge.source, j, tuple(group), edge.who, edge.event, edge.roles, common, arrow=False
                )
            )
            for e in group:
                segments.append(
                    Segment(
                        f"{e.key}_branch", j, e.dest, (e,), e.who, guards=tuple(g for g in e.guards if g not in common)
                    )
                )
            done.update(e.key for e in group)
        else:
            segments.append(
                Segment(edge.key, edge.source, edge.dest, (edge,), edge.who, edge.event, edge.roles, edge.guards)
            )
            done.add(edge.key)
    return Drawing(tuple(junctions), tuple(segments))


def back_segments(drawing: Drawing, roots: Sequence[str]) -> frozenset[str]:
    """Segments closing a cycle, by a depth-first walk from ``roots`` in spec order.

    The DOT renderer draws them reversed (``dir=back``) so that ``dot`` ranks the
    lifecycle in the order the spec tells it, left to right, instead of its own.
    """
    out: dict[str, list[Segment]] = {}
    for seg in drawing.segments:
        out.setdefault(seg.tail, []).append(seg)
    back: set[str] = set()
    done: set[str] = set()
    for root in roots:
        if root in done:
            continue
        on_path = {root}
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, i = stack.pop()
            segs = out.get(node, [])
            if i >= len(segs):
                on_path.discard(node)
                done.add(node)
                continue
            stack.append((node, i + 1))
            seg = segs[i]
            if seg.head == seg.tail:
                continue
            if seg.head in on_path:
                back.add(seg.id)
            elif seg.head not in done:
                on_path.add(seg.head)
                stack.append((seg.head, 0))
    return frozenset(back)
