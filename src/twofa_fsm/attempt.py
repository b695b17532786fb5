"""The one load -> fire -> save -> deliver path, in pieces every caller shares.

``attempt`` runs one engine call on the account as it was read and turns whatever
happened (an ``Outcome``, a refusal, nothing due) into one ``Attempt``: the
account before and after, and what the call emitted.  ``persist`` writes it to a
``Store`` (compare-and-set on the version, the audit rows in the same write; a lost
race is audited as such and raised as ``ConcurrentUpdate``).  ``deliver`` hands the
messages to a notifier after the commit.  ``TwoFAService`` is these three in a row;
the tools that explore many worlds at once use ``attempt`` on its own.
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


def persist(store: Store, done: Attempt) -> None:
    """Write ``done``: the new account and its audit rows atomically, or only the audit rows.

    Raises ``ConcurrentUpdate`` when another writer saved the account first; then
    nothing of ``done`` is applied and its records are audited as a lost race.
    """
    base = done.base
    if not done.changed:
        if done.emitted.audit:
            store.append_audit(done.emitted.audit, base.version)
        return
    try:
        store.save(done.after, base.version, done.emitted.audit)
    except ConcurrentUpdate:
        store.append_audit(lost_race(done.emitted.audit), base.version)
        log.debug("%s: lost the race at version %d; nothing written", base.id, base.version)
        raise
    log.debug("%s: saved version %d (%s -> %s)", base.id, done.after.version, base.state, done.after.state)


def deliver(notifier: Notifier, emitted: Emissions, account_id: str) -> bool:
    """After the commit: hand the messages to ``notifier``.  A failing notifier is logged and
    never undoes the commit; returns False then (the audit log says what to re-send)."""
    try:
        emitted.deliver(notifier)
    except Exception as exc:
        log.error(
            "%s: the notifier failed after the commit (%s); the change stands, re-send from the audit log",
            account_id,
            type(exc).__name__,
        )
        return False
    return True


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
