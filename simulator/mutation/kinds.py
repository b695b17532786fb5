"""A mutant, and the names the mutant generators share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Mutant:
    id: str
    kind: str
    description: str
    data: dict[str, Any]


def name_of(ref: Any) -> str:
    """The name of a guard or effect reference (``name`` or ``{name: arg}``)."""
    return ref if isinstance(ref, str) else next(iter(ref))


def tid(t: dict[str, Any], i: int) -> str:
    """A transition's id in mutant ids: ``t<index>:<event>@<sources>``."""
    src = t["from"] if isinstance(t["from"], str) else "+".join(t["from"])
    return f"t{i}:{t['event']}@{src}"
