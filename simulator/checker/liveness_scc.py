"""Graph walks of the lasso search: strongly connected components, and a cycle through given edges."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

Key = tuple[object, ...]
Edge = tuple[Key, Any, Any]


def components(region: set[Key], edges: Mapping[Key, Sequence[Edge]]) -> list[set[Key]]:
    """Tarjan's strongly connected components of the subgraph on ``region`` (iterative)."""
    index: dict[Key, int] = {}
    low: dict[Key, int] = {}
    stack: list[Key] = []
    on: set[Key] = set()
    out: list[set[Key]] = []
    counter = 0
    for root in region:
        if root in index:
            continue
        work: list[tuple[Key, int]] = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, i = work[-1]
            succ = [e[0] for e in edges.get(node, ()) if e[0] in region]
            if i < len(succ):
                work[-1] = (node, i + 1)
                nxt = succ[i]
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, 0))
                elif nxt in on:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                out.append(_pop(stack, on, node))
    return out


def _pop(stack: list[Key], on: set[Key], node: Key) -> set[Key]:
    """The component rooted at ``node``: the stack down to it."""
    comp: set[Key] = set()
    while True:
        top = stack.pop()
        on.discard(top)
        comp.add(top)
        if top == node:
            return comp


def _walk(src: Key, dst: Key, comp: set[Key], edges: Mapping[Key, Sequence[Edge]]) -> list[Any]:
    """The moves of a shortest path from ``src`` to ``dst`` inside ``comp``."""
    if src == dst:
        return []
    parents: dict[Key, tuple[Key, Any]] = {}
    todo = deque([src])
    seen = {src}
    while todo:
        node = todo.popleft()
        for nxt, move, _ in edges[node]:
            if nxt in comp and nxt not in seen:
                seen.add(nxt)
                parents[nxt] = (node, move)
                if nxt == dst:
                    moves = []
                    while nxt != src:
                        nxt, m = parents[nxt]
                        moves.append(m)
                    return moves[::-1]
                todo.append(nxt)
    raise ValueError("not strongly connected")


def route(
    entry: Key, through: Sequence[tuple[Key, Edge | None]], comp: set[Key], edges: Mapping[Key, Sequence[Edge]]
) -> list[Any]:
    """A cycle from ``entry`` back to it through every ``(state, edge)`` of ``through`` (edge None: the state)."""
    moves: list[Any] = []
    here = entry
    for src, edge in through:
        moves += _walk(here, src, comp, edges)
        here = src
        if edge is not None:
            moves.append(edge[1])
            here = edge[0]
    return moves + _walk(here, entry, comp, edges)
