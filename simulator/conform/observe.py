"""What the harness observes of a system after one step, and how two observations differ (secret-free)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Observation:
    """After one step: the reply (``kind`` None for a world step; a tick's fired ``event``), whether the
    call let the user in, every account's state and access, and what was delivered to whom (kinds only)."""

    kind: str | None
    event: str | None
    access_granted: bool
    states: tuple[tuple[str, str], ...]
    access: tuple[tuple[str, bool], ...]
    delivered: tuple[tuple[str, str], ...]

    def state_of(self, account: str) -> str | None:
        return dict(self.states).get(account)

    def differences(self, actual: Observation) -> list[tuple[str, str, str]]:
        """``(what, expected, actual)`` for every way ``actual`` differs from this prediction."""
        out: list[tuple[str, str, str]] = []
        if (self.kind, self.event) != (actual.kind, actual.event):
            out.append(("reply", _reply(self), _reply(actual)))
        if self.access_granted != actual.access_granted:
            out.append(("access granted", _yes(self.access_granted), _yes(actual.access_granted)))
        mine, theirs = dict(self.states), dict(actual.states)
        for account in mine:
            if mine[account] != theirs.get(account):
                out.append((f"state of {account}", mine[account], str(theirs.get(account))))
        have, got = dict(self.access), dict(actual.access)
        for account in have:
            if have[account] != got.get(account):
                out.append((f"access of {account}", _yes(have[account]), _yes(bool(got.get(account)))))
        if self.delivered != actual.delivered:
            out.append(("delivered", _mail(self.delivered), _mail(actual.delivered)))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "reply": self.kind,
            "event": self.event,
            "access_granted": self.access_granted,
            "states": dict(self.states),
            "access": dict(self.access),
            "delivered": [f"{kind} to {to}" for to, kind in self.delivered],
        }


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _reply(o: Observation) -> str:
    if o.kind is None:
        return "no call"
    return o.kind if o.event is None else f"{o.kind} ({o.event})"


def _mail(delivered: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{kind} to {to}" for to, kind in delivered) or "nothing"


__all__ = ["Observation"]
