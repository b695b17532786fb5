"""The working context of one event: what guards read and effects write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from twofa_fsm.account import Account, Actor

if TYPE_CHECKING:
    from twofa_fsm._runtime.machine import Runtime


@dataclass(slots=True)
class GuardFailure:
    transition: int
    guard: str
    kind: str  # selector, authz, check
    reason: str
    counts: bool = False


@dataclass(slots=True)
class Ctx:
    rt: Runtime
    account: Account
    actor: Actor
    now: float
    password: object = None
    code: object = None
    token: object = None
    handle: object = None
    updates: dict[str, Any] = field(default_factory=dict)
    failures: list[GuardFailure] = field(default_factory=list)
    code_step: int | None = None
    effects: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    access: bool = False
    session: str | None = None
    uri: str | None = None
    token_out: str | None = None
    handle_out: str | None = None

    def get(self, name: str) -> Any:
        """The account's field as updated so far in this event."""
        return self.updates[name] if name in self.updates else getattr(self.account, name)
