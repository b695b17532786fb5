"""The transactional outbox: messages are written with the account change and delivered after it, at least once.

Every notice and setup-token delivery an attempt emitted becomes an ``OutboxMessage``, written by the
store in the same transaction as the account change it belongs to (``Store.save(..., outbox=...)``):
if the change commits, its messages are stored; if it does not (a lost race, a crash), neither are.
After the commit the service hands them to the notifier and marks each delivered, which also drops a
token's text from the store.  A message whose delivery failed, or whose writer died before sending
it, is sent by a later ``TwoFAService.deliver_pending()``.

* **Idempotency key.** ``ACCOUNT:VERSION:N``: the account, the version the change wrote and the
  message's position in it.  A version is written once per account (compare-and-set), so the key
  names one message for good; a message sent again carries the same key.
* **Lease.** A fresh message is due ``LEASE_SECONDS`` after its event, so that ``deliver_pending``
  elsewhere leaves it to the request that wrote it; ``outbox_claim`` moves a due message's due time
  on by the lease in the same way, so two workers do not send it at once.
* **Back-off.** A failed delivery is due again after 30 s, 60 s, 120 s ... at most an hour.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import SecretStr

from twofa_fsm.outcome import Message, TokenDelivery
from twofa_fsm.ports import Notice, Notifier

LEASE_SECONDS = 60.0
RETRY_BASE_SECONDS = 30.0
RETRY_CAP_SECONDS = 3600.0
# the kind of a token delivery (notice kinds: enrolled, locked, reset, token_issued); the name of a kind, no secret
TOKEN_KIND = "setup_token"  # noqa: S105


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One stored message: a notice, or a setup token (``kind == "setup_token"``) until it is delivered.

    ``due_at``: not to be sent before (the writer's lease, a claim, or the back-off after a failure);
    ``attempts``: failed deliveries so far, ``last_error`` the last one's exception type;
    ``delivered_at``: when the notifier took it (then ``token`` is None).  The token never shows in a repr.
    """

    key: str
    account: str
    kind: str
    at: float
    token: SecretStr | None = field(default=None, repr=False)
    due_at: float = 0.0
    attempts: int = 0
    last_error: str = ""
    delivered_at: float | None = None

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None


@dataclass(frozen=True, slots=True)
class Deliveries:
    """What one delivery run did: the keys the notifier took, and those it failed on (due again later)."""

    delivered: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


def message_key(account_id: str, version: int, index: int) -> str:
    """The idempotency key of the ``index``-th message of the change that wrote ``version`` of the account."""
    return f"{account_id}:{version}:{index}"


def outbox_rows(
    account_id: str, version: int, messages: Sequence[Message], *, lease: float = LEASE_SECONDS
) -> tuple[OutboxMessage, ...]:
    """The outbox rows of the change that writes ``version`` of ``account_id``, in emission order."""
    rows: list[OutboxMessage] = []
    for index, message in enumerate(messages):
        key = message_key(account_id, version, index)
        if isinstance(message, TokenDelivery):
            rows.append(OutboxMessage(key, message.account, TOKEN_KIND, message.at, message.token, message.at + lease))
        else:
            rows.append(OutboxMessage(key, message.account, message.kind, message.at, None, message.at + lease))
    return tuple(rows)


def retry_at(failures: int, now: float) -> float:
    """When a message that has failed ``failures`` times (>= 1) is due again: exponential back-off, capped."""
    return now + min(RETRY_BASE_SECONDS * 2.0 ** max(0, failures - 1), RETRY_CAP_SECONDS)


def send(notifier: Notifier, message: OutboxMessage) -> None:
    """Hand one stored message to ``notifier`` with its idempotency key (raises what the notifier raises)."""
    if message.kind != TOKEN_KIND:
        notifier.notify(Notice(message.account, message.kind, message.at, message.key))
    elif message.token is not None:
        notifier.deliver_token(message.account, message.token, key=message.key)
    else:
        raise ValueError(f"outbox message {message.key} has no token left to send; it was delivered already")


def check_notifier(notifier: object) -> None:
    """Refuse a notifier that cannot take the idempotency keys (a ``deliver_token`` without ``key``)."""
    method = getattr(notifier, "deliver_token", None)
    if not callable(method) or not callable(getattr(notifier, "notify", None)):
        raise TypeError(f"{type(notifier).__name__} is not a Notifier: it needs notify(notice) and deliver_token()")
    try:
        params = inspect.signature(method).parameters
    except (TypeError, ValueError):  # a builtin or extension method: nothing to inspect, trust it
        return
    if "key" not in params and not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        raise TypeError(
            f"{type(notifier).__name__}.deliver_token takes no 'key': add a keyword parameter key: str = '' "
            "(the delivery's idempotency key: skip a key you have already sent)"
        )
