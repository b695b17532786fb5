"""The one small exception tree of twofa-fsm.

``TwoFAError`` is the root.  Every message is one line that says what went wrong
and how to fix it; none ever contains a secret, a code or a token.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from twofa_fsm.outcome import NOTHING, Emissions, Outcome

if TYPE_CHECKING:
    from twofa_fsm.account import Account
    from twofa_fsm.ports import AuditRecord


def _redact(value: object) -> object:
    """``value`` without secret material (an account's secrets, a delivered token, a provisioning URI)."""
    from twofa_fsm.account import Account  # the account module imports nothing of this one

    if isinstance(value, Account):
        return value.redacted()
    if isinstance(value, Emissions):
        return Emissions(value.audit, value.notices)
    if isinstance(value, Outcome):
        return dataclasses.replace(
            value,
            account=value.account.redacted(),
            emitted=Emissions(value.emitted.audit, value.emitted.notices),
            provisioning_uri=None,
            session=None,
        )
    return value


def _rebuild(cls: type[TwoFAError], message: str, state: dict[str, object]) -> TwoFAError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class TwoFAError(Exception):
    """Root of every error raised by twofa-fsm."""

    def __reduce__(self) -> tuple[object, ...]:
        # keyword-only constructors: pickle by state, so errors cross process boundaries, without secrets
        return (_rebuild, (type(self), str(self), {k: _redact(v) for k, v in self.__dict__.items()}))


class SpecError(TwoFAError, ValueError):
    """A spec (or scenario) file is malformed.

    ``str(err)`` is ``FILE:LINE: PLACE: PROBLEM (value 'X'); fix: HOW``.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str = "<spec>",
        line: int | None = None,
        place: str = "",
        value: object = None,
        fix: str = "",
    ) -> None:
        self.problem = problem
        self.file = file
        self.line = line
        self.place = place
        self.value = value
        self.fix = fix
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.place:
            parts.append(self.place)
        text = ": ".join(parts) + f": {self.problem}"
        if self.value is not None:
            shown = repr(self.value)
            if len(shown) > 80:
                shown = shown[:77] + "..."
            text += f" (value {shown})"
        if self.fix:
            text += f"; fix: {self.fix}"
        return " ".join(text.split())


class DeniedError(TwoFAError):
    """Base of the refusals of an event: the account is left as it was (bar counters).

    Constructed complete, as data: ``event``, ``state``, the ``guard`` that refused
    (None when the event is not allowed at all) and its ``reason``; ``account`` is the
    account after the attempt (save it: a counted failure changes the counter),
    ``audit`` this refusal's record, ``emitted`` everything the call emitted (the
    refusal's record, and a lock it triggered with its notices), ``followed_by`` that lock.
    """

    kind = "Denied"

    def __init__(
        self,
        message: str,
        *,
        event: str,
        state: str,
        guard: str | None = None,
        reason: str = "",
        account: Account | None = None,
        audit: AuditRecord | None = None,
        emitted: Emissions | None = None,
        followed_by: Outcome | None = None,
    ) -> None:
        self.event = event
        self.state = state
        self.guard = guard
        self.reason = reason
        self.account = account
        self.audit = audit
        self.emitted: Emissions = emitted if emitted is not None else NOTHING
        self.followed_by = followed_by
        super().__init__(message)


class Forbidden(DeniedError):
    """The actor may not fire this event on this account (role, organisation, tier, self, recency)."""

    kind = "Forbidden"


class InvalidSession(Forbidden):
    """No live session: unknown, ended by a logout, a reset, a lock or a lost device, or expired.

    Also refuses an actor who is not in an access state or has no live session of their own.
    """

    kind = "InvalidSession"


class GuardFailed(DeniedError):
    """A non-authorisation guard failed (password, code, token, timing).

    ``counted`` tells whether the attempt counted as a failed attempt; ``locked``
    whether it brought the account to the policy maximum and locked it; ``retry_after``
    the seconds until the back-off lets the next code be judged (for a ``Retry-After`` header).
    """

    kind = "GuardFailed"

    def __init__(
        self,
        message: str,
        *,
        event: str,
        state: str,
        guard: str | None = None,
        reason: str = "",
        counted: bool = False,
        locked: bool = False,
        retry_after: float | None = None,
        account: Account | None = None,
        audit: AuditRecord | None = None,
        emitted: Emissions | None = None,
        followed_by: Outcome | None = None,
    ) -> None:
        super().__init__(
            message,
            event=event,
            state=state,
            guard=guard,
            reason=reason,
            account=account,
            audit=audit,
            emitted=emitted,
            followed_by=followed_by,
        )
        self.counted = counted
        self.locked = locked
        self.retry_after = retry_after


class BadCode(GuardFailed):
    """The code was malformed, wrong, outside the drift window or replayed."""

    kind = "BadCode"


class InvalidEvent(DeniedError):
    """The event is not allowed in the account's current state (or is unknown)."""

    kind = "InvalidEvent"


class InvalidInput(DeniedError):
    """An input the engine cannot judge: a password or token that is not text (bytes, a number, a lone
    surrogate, megabytes), or a clock that returned NaN, infinity or a time before the account's last change.

    ``reason`` says which input and why; nothing is counted, the attempt is audited.
    """

    kind = "InvalidInput"


class ConcurrentUpdate(TwoFAError):
    """A compare-and-set save lost a race: reload the account and retry."""


class StoreError(TwoFAError):
    """A store cannot be opened or used as configured; the message names the value and how to fix it."""


class MissingDependency(StoreError, ImportError):
    """An optional dependency is not installed (e.g. psycopg for ``PostgresStore``): install the extra it names."""


class StoreConfigError(StoreError, ValueError):
    """A store setting is malformed (e.g. a connection string that is not one)."""


class StoreUnavailable(StoreError, ConnectionError):
    """The store's server cannot be reached or refused the connection."""
