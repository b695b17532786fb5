"""The one load -> fire -> save -> deliver path, in pieces every caller shares.

``attempt`` runs one engine call on the account as it was read and turns whatever
happened (an ``Outcome``, a refusal, nothing due) into one ``Attempt``: the
account before and after, and what the call emitted.  ``persist`` writes it to a
``Store`` (compare-and-set on the version, the audit rows and the outbox messages in
the same write; a lost race is audited as such and raised as ``ConcurrentUpdate``).
``deliver`` hands outbox messages to a notifier after the commit and records, in the
store, which were delivered and which are to be tried again.  ``TwoFAService`` is
these three in a row; the tools that explore many worlds at once use ``attempt`` on
its own.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from twofa_fsm.account import Account
from twofa_fsm.errors import ConcurrentUpdate, DeniedError
from twofa_fsm.outbox import Deliveries, OutboxMessage, outbox_rows, retry_at, send
from twofa_fsm.outcome import NOTHING, Emissions, Outcome
from twofa_fsm.ports import AuditRecord, Notifier
from twofa_fsm.store.base import Store

log = logging.getLogger("twofa_fsm.service")
T = TypeVar("T")
LOST_RACE = "ConcurrentUpdate"


@dataclass(frozen=True, slots=True)
class Attempt:
    """One engine call, decided and not yet written.

    ``base``: the account the call was decided on; ``after``: the account to save
    (``base`` itself when nothing changed); ``emitted``: its audit records and
    messages; ``outcome`` or ``error``: what the caller sees (both None: nothing was due).
    """

    base: Account
    after: Account
    emitted: Emissions
    outcome: Outcome | None = None
    error: DeniedError | None = None

    @property
    def changed(self) -> bool:
        """Whether the account must be saved (a transition, or a counted failure)."""
        return self.after.version != self.base.version

    def result(self) -> Outcome | None:
        """The outcome, or raise the refusal."""
        if self.error is not None:
            raise self.error
        return self.outcome


def attempt(base: Account, fire: Callable[[Account], Outcome | None]) -> Attempt:
    """Run ``fire`` on ``base`` and capture what it decided (refusals are returned, not raised)."""
    try:
        outcome = fire(base)
    except DeniedError as err:
        after = err.account if err.account is not None else base
        return Attempt(base, after, err.emitted, None, err)
    if outcome is None:
        return Attempt(base, base, NOTHING)
    return Attempt(base, outcome.account, outcome.emitted, outcome, None)


def persist(store: Store, done: Attempt) -> tuple[OutboxMessage, ...]:
    """Write ``done``: the new account, its audit rows and its outbox messages atomically, or only the
    audit rows (an attempt that changed nothing emits no message).  Returns the outbox messages written.

    Raises ``ConcurrentUpdate`` when another writer saved the account first; then
    nothing of ``done`` is applied and its records are audited as a lost race.
    """
    base = done.base
    if not done.changed:
        assert not done.emitted.messages, "only a transition emits messages, and a transition changes the account"
        if done.emitted.audit:
            store.append_audit(done.emitted.audit, base.version)
        return ()
    messages = outbox_rows(done.after.id, done.after.version, done.emitted.messages)
    try:
        store.save(done.after, base.version, done.emitted.audit, messages)
    except ConcurrentUpdate:
        store.append_audit(lost_race(done.emitted.audit), base.version)
        log.debug("%s: lost the race at version %d; nothing written", base.id, base.version)
        raise
    log.debug("%s: saved version %d (%s -> %s)", base.id, done.after.version, base.state, done.after.state)
    return messages


def deliver(store: Store, notifier: Notifier, messages: Sequence[OutboxMessage], now: float) -> Deliveries:
    """After the commit: hand each outbox message to ``notifier`` and mark it delivered in ``store``.

    A failing notifier is logged (the exception type, never the message) and never undoes the commit:
    the message is counted as failed and due again after a back-off.  A store that cannot record the
    result is logged too; the message is then sent again once its claim runs out (at least once).
    """
    delivered: list[str] = []
    failed: list[str] = []
    for message in messages:
        error = _send(notifier, message)
        (failed if error else delivered).append(message.key)
        _settle(store, message, error, now)
    return Deliveries(tuple(delivered), tuple(failed))


def _send(notifier: Notifier, message: OutboxMessage) -> str | None:
    """Send one message; the type of the exception the notifier raised, or None."""
    try:
        send(notifier, message)
    except Exception as exc:
        return type(exc).__name__
    return None


def _settle(store: Store, message: OutboxMessage, error: str | None, now: float) -> None:
    """Record in ``store`` that ``message`` was delivered, or when to try it again."""
    try:
        if error is None:
            store.outbox_delivered(message.key, now)
            return
        when = retry_at(message.attempts + 1, now)
        log.error(
            "%s: the notifier failed after the commit (%s); the change stands, message %s is tried again from %.0f",
            message.account,
            error,
            message.key,
            when,
        )
        store.outbox_failed(message.key, error=error, retry_at=when)
    except Exception as exc:
        log.error(
            "outbox message %s: the store could not record the delivery (%s); it may be sent again",
            message.key,
            type(exc).__name__,
        )


def lost_race(records: Sequence[AuditRecord]) -> list[AuditRecord]:
    """The audit records of an attempt that lost the compare-and-set: nothing was applied."""
    return [
        dataclasses.replace(
            r,
            outcome=LOST_RACE,
            dest=r.source,
            effects=(),
            reason=f"not applied: another request saved the account first (was: {r.outcome})",
        )
        for r in records
    ]


def retry(
    call: Callable[[], T],
    *,
    attempts: int = 5,
    backoff_seconds: float = 0.002,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``call`` again (it must reload) while it raises ``ConcurrentUpdate``, with jittered back-off.

    Only for calls that are safe to repeat: each attempt re-reads the account, so a
    refusal on the fresh state (e.g. the reset already happened) is raised as such.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be >= 1, not {attempts!r}")
    for tried in range(attempts):
        try:
            return call()
        except ConcurrentUpdate:
            if tried == attempts - 1:
                raise
            sleep(backoff_seconds * (2**tried) * (0.5 + random.random()))  # noqa: S311 - jitter, not security
    raise AssertionError("unreachable")
