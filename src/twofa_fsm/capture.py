"""Collect what the engine emits during one call, so the caller can persist it with the account.

The engine sends audit records and notices to ``engine.audit`` / ``engine.notifier``
as soon as it decides.  ``CallCapture`` is installed as both: inside
``capture()`` it buffers them for the current call (context-local, so one engine
serves many threads); outside, it forwards to the sinks it replaced.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from pydantic import SecretStr

from twofa_fsm.ports import AuditRecord, AuditSink, Notice, Notifier


@dataclass(frozen=True, slots=True)
class TokenDelivery:
    account: str
    token: SecretStr = field(repr=False)


@dataclass(slots=True)
class CallBuffer:
    """What one call produced: audit records and messages, in emission order."""

    audit: list[AuditRecord] = field(default_factory=list)
    messages: list[Notice | TokenDelivery] = field(default_factory=list)

    def deliver(self, notifier: Notifier) -> None:
        for message in self.messages:
            if isinstance(message, Notice):
                notifier.notify(message)
            else:
                notifier.deliver_token(message.account, message.token)


_CURRENT: ContextVar[tuple[CallCapture, CallBuffer] | None] = ContextVar("twofa_fsm_call", default=None)


class CallCapture:
    """An ``AuditSink`` and ``Notifier`` that buffers per call (see the module doc)."""

    def __init__(self, fallback_audit: AuditSink, fallback_notifier: Notifier) -> None:
        self.fallback_audit = fallback_audit
        self.fallback_notifier = fallback_notifier

    @contextmanager
    def capture(self) -> Iterator[CallBuffer]:
        buffer = CallBuffer()
        reset = _CURRENT.set((self, buffer))
        try:
            yield buffer
        finally:
            _CURRENT.reset(reset)

    def _buffer(self) -> CallBuffer | None:
        current = _CURRENT.get()
        return current[1] if current is not None and current[0] is self else None

    def record(self, record: AuditRecord) -> None:
        buffer = self._buffer()
        if buffer is None:
            self.fallback_audit.record(record)
        else:
            buffer.audit.append(record)

    def notify(self, notice: Notice) -> None:
        buffer = self._buffer()
        if buffer is None:
            self.fallback_notifier.notify(notice)
        else:
            buffer.messages.append(notice)

    def deliver_token(self, account_id: str, token: SecretStr) -> None:
        buffer = self._buffer()
        if buffer is None:
            self.fallback_notifier.deliver_token(account_id, token)
        else:
            buffer.messages.append(TokenDelivery(account_id, token))
