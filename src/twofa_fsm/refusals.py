"""The refusals the engine builds before any guard runs: complete errors with their audit records.

An event that is unknown or not allowed in the account's state is an ``InvalidEvent``;
inputs the engine cannot judge (non-text, a broken clock) an ``InvalidInput``.  Each
carries its audit record in ``emitted`` (none for the quiet tries of ``tick``).
"""

from __future__ import annotations

import logging
import math

from twofa_fsm.account import Account, Actor
from twofa_fsm.errors import InvalidEvent, InvalidInput
from twofa_fsm.inputs import latest_time
from twofa_fsm.outcome import Emissions
from twofa_fsm.ports import AuditRecord

log = logging.getLogger("twofa_fsm")


def record(err_kind: str, event: str, account: Account, actor: Actor, now: float, reason: str) -> AuditRecord:
    """The audit record of a refused ``event`` on ``account`` (nothing moved)."""
    return AuditRecord(
        now, actor.id, actor.role, account.id, account.org, event, err_kind, account.state, account.state, reason
    )


def invalid(message: str, event: str, account: Account, actor: Actor, now: float, quiet: bool) -> InvalidEvent:
    """``event`` is unknown, or not allowed in the account's state."""
    audit = record(InvalidEvent.kind, event, account, actor, now, message)
    log.debug("%s: %s refused (InvalidEvent)", account.id, event)
    return InvalidEvent(
        message, event=event, state=account.state, account=account, audit=audit,
        emitted=Emissions() if quiet else Emissions((audit,)),
    )  # fmt: skip


def unusable(problem: str, event: str, account: Account, actor: Actor, now: object) -> InvalidInput:
    """An input the engine cannot judge; audited at the account's last known time when the clock is broken."""
    at = now if isinstance(now, float | int) and math.isfinite(now) else latest_time(account)
    audit = record(InvalidInput.kind, event, account, actor, float(at), problem)
    return InvalidInput(
        f"'{event}' refused: {problem}", event=event, state=account.state, reason=problem, account=account,
        audit=audit, emitted=Emissions((audit,)),
    )  # fmt: skip
