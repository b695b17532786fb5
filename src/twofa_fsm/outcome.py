"""What firing an event returns: the step's record and everything it emitted, as data.

The engine writes to no sink.  Every ``Outcome`` and every refusal (``DeniedError``)
carries its ``Emissions``: the audit records, the notices and the setup-token
deliveries of that one call (a lock the call triggered included).  The caller,
normally ``TwoFAService``, persists the records and the messages (the outbox) in the
same store write as the account and delivers the messages after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from twofa_fsm.account import Account
from twofa_fsm.ports import AuditRecord, Notice, Notifier


@dataclass(frozen=True, slots=True)
class TokenDelivery:
    """A setup token to send out of band (e.g. to the verified e-mail); the token never shows in a repr."""

    account: str
    token: SecretStr = field(repr=False)
    at: float = 0.0


Message = Notice | TokenDelivery


@dataclass(frozen=True, slots=True)
class Emissions:
    """What one call emitted, in emission order: audit records, and messages to deliver."""

    audit: tuple[AuditRecord, ...] = ()
    messages: tuple[Message, ...] = ()

    def then(self, later: Emissions) -> Emissions:
        """These emissions followed by ``later``'s (e.g. a refusal, then the lock it triggered)."""
        return Emissions(self.audit + later.audit, self.messages + later.messages)

    @property
    def notices(self) -> tuple[Notice, ...]:
        return tuple(m for m in self.messages if isinstance(m, Notice))

    @property
    def tokens(self) -> tuple[TokenDelivery, ...]:
        return tuple(m for m in self.messages if isinstance(m, TokenDelivery))

    def deliver(self, notifier: Notifier) -> None:
        """Hand every message to ``notifier``, in order (raises what the notifier raises)."""
        for message in self.messages:
            if isinstance(message, Notice):
                notifier.notify(message)
            else:
                notifier.deliver_token(message.account, message.token)


NOTHING = Emissions()


@dataclass(frozen=True, slots=True)
class Outcome:
    """One completed transition.  ``account`` is the account after it: save that.

    ``emitted`` holds the call's audit records and messages; ``audit`` is this
    transition's own record (the first of ``emitted.audit``).
    """

    event: str
    source: str
    dest: str
    actor: str
    actor_role: str
    target: str
    at: float
    effects: tuple[str, ...]
    access_granted: bool
    notices: tuple[str, ...]
    account: Account = field(repr=False)
    audit: AuditRecord = field(repr=False)
    emitted: Emissions = field(default=NOTHING, repr=False)
    provisioning_uri: SecretStr | None = field(default=None, repr=False)
    session: str | None = field(default=None, repr=False)
    setup_handle: str | None = field(default=None, repr=False)  # start_setup: what verify_setup will ask for
