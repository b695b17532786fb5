"""Where the service's messages go: the demo's "e-mail" mailbox, or a placeholder for your mail sender.

``DevMailbox`` keeps each user's messages in memory so that ``GET /dev/mailbox/{user}`` can show them
(served only with ``TWOFA_DEV_ENDPOINTS=1``): **it is for the demo and the tests**, since it hands setup
tokens to anyone who asks.  ``NoMailer`` is what runs otherwise: it sends nothing, so the messages stay in
the store's outbox (tokens included) until you replace it with a real sender and ``deliver_pending()`` runs.
Neither ever writes a token to a log.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from pydantic import SecretStr

from twofa_fsm import Notice

log = logging.getLogger("twofa_webapp.mail")


@dataclass(frozen=True)
class Mail:
    """One message in a user's mailbox: a notice (``kind``) or a setup token (``kind == "setup_token"``)."""

    key: str
    kind: str
    token: SecretStr | None = field(default=None, repr=False)


class DevMailbox:
    """A ``Notifier`` that files each message in the user's mailbox, once per idempotency key."""

    def __init__(self) -> None:
        self._boxes: dict[str, list[Mail]] = {}
        self._sent: list[tuple[str, Mail]] = []  # every mailbox, in the order filed
        self._keys: set[str] = set()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"DevMailbox({len(self._boxes)} mailboxes)"

    def notify(self, notice: Notice) -> None:
        self._file(notice.account, Mail(notice.key, notice.kind))

    def deliver_token(self, account_id: str, token: SecretStr, *, key: str = "") -> None:
        self._file(account_id, Mail(key, "setup_token", token))

    def messages(self, account_id: str) -> list[Mail]:
        """The user's messages, oldest first."""
        with self._lock:
            return list(self._boxes.get(account_id, ()))

    def since(self, count: int) -> tuple[list[tuple[str, Mail]], int]:
        """Every message filed after the first ``count``, in order (to whom, what), and how many are filed now."""
        with self._lock:
            return list(self._sent[count:]), len(self._sent)

    def _file(self, account_id: str, mail: Mail) -> None:
        with self._lock:
            if mail.key and mail.key in self._keys:
                return  # at-least-once delivery: a message may come twice; file it once
            self._keys.add(mail.key)
            self._boxes.setdefault(account_id, []).append(mail)
            self._sent.append((account_id, mail))
        log.info("mail to %s: %s (%s)", account_id, mail.kind, mail.key)


class MailerNotConfiguredError(RuntimeError):
    """Raised by ``NoMailer.deliver_token``: the message stays in the outbox, due again after a back-off."""


class NoMailer:
    """The placeholder ``Notifier`` of a server without dev endpoints: replace it with your e-mail sender."""

    def notify(self, notice: Notice) -> None:
        log.info("notice for %s: %s (%s); no mail sender configured", notice.account, notice.kind, notice.key)

    def deliver_token(self, account_id: str, token: SecretStr, *, key: str = "") -> None:
        raise MailerNotConfiguredError(f"no mail sender configured; message {key} stays in the outbox")
