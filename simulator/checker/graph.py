"""Two walks every search of the checker takes over the states it found: the path back to the start,
and the states from which a good state can be reached."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import TypeVar

Key = tuple[object, ...]
Move = TypeVar("Move")


def path_to(parents: Mapping[Key, tuple[Key, Move] | None], key: Key) -> list[Move]:
    """The moves from the start to ``key``, following each state's parent (a shortest path in a BFS)."""
    out: list[Move] = []
    node = parents[key]
    while node is not None:
        prev, move = node
        out.append(move)
        node = parents[prev]
    return out[::-1]


def reaching(good: Iterable[Key], back: Mapping[Key, set[Key]]) -> set[Key]:
    """``good`` and every state with a path into it (``back``: state -> the states with a step into it)."""
    found = set(good)
    todo = deque(found)
    while todo:
        for prev in back.get(todo.popleft(), ()):
            if prev not in found:
                found.add(prev)
                todo.append(prev)
    return found
