"""The transactional outbox, on every store: messages are written in the account's transaction, delivered after
the commit under a stable idempotency key, retried with back-off, and a delivered token is gone from the store."""

from __future__ import annotations

import logging
from pathlib import Path

import pyotp
import pytest
from backends import Backend
from pydantic import SecretStr
from store_harness import leaks

from twofa_fsm import (
    Account,
    Actor,
    AuditRecord,
    ConcurrentUpdate,
    ManualClock,
    MemoryNotifier,
    MemoryStore,
    OutboxMessage,
    PasswordBook,
    Store,
    TwoFAService,
)
from twofa_fsm.outbox import LEASE_SECONDS, RETRY_BASE_SECONDS

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "twofa.yaml"
T = 1.7e9
TOKEN = "tok-3f9a1c0e-not-for-logs"


def record(event: str) -> AuditRecord:
    return AuditRecord(T, "adam", "admin", "mia", "acme", event, "allowed", "enrolled", "unenrolled")


def message(key: str, kind: str = "reset", token: str | None = None, at: float = T) -> OutboxMessage:
    secret = None if token is None else SecretStr(token)
    return OutboxMessage(key, "mia", kind, at, secret, at + LEASE_SECONDS)


def mia(version: int = 0) -> Account:
    return Account(id="mia", org="acme", role="member", state="enrolled", version=version)


def test_messages_commit_with_the_account_or_not_at_all(store: Store) -> None:
    store.create(mia(), [record("create_account")], [message("mia:0:0", "token_issued")])
    store.save(mia(1), 0, [record("confirm_reset")], [message("mia:1:0"), message("mia:1:1", "setup_token", TOKEN)])
    with pytest.raises(ConcurrentUpdate):
        store.save(mia(1), 0, [record("confirm_reset")], [message("mia:1:9")])  # lost the race: nothing written
    with pytest.raises(ValueError):
        store.create(mia(), [], [message("mia:0:9")])  # AccountExists: nothing written
    stored = store.outbox_messages("mia")
    assert [(m.key, m.kind, m.delivered, m.attempts) for m in stored] == [
        ("mia:0:0", "token_issued", False, 0),
        ("mia:1:0", "reset", False, 0),
        ("mia:1:1", "setup_token", False, 0),
    ]
    assert stored[2].token is not None and stored[2].token.get_secret_value() == TOKEN
    assert TOKEN not in repr(stored) and TOKEN not in repr(store)
    assert store.outbox_messages("nobody") == []


def test_claim_delivered_and_failed(store: Store) -> None:
    store.create(
        mia(), [], [message("mia:0:0"), message("mia:0:1", "setup_token", TOKEN), message("mia:0:2", at=T + 100)]
    )
    assert store.outbox_claim(T + LEASE_SECONDS - 1) == []  # the writer's lease: not due yet
    claimed = store.outbox_claim(T + LEASE_SECONDS, lease=30, limit=10)
    assert [(m.key, m.due_at) for m in claimed] == [
        ("mia:0:0", T + LEASE_SECONDS + 30),
        ("mia:0:1", T + LEASE_SECONDS + 30),
    ]
    assert store.outbox_claim(T + LEASE_SECONDS + 29) == []  # claimed: a second worker skips them
    assert [m.key for m in store.outbox_claim(T + LEASE_SECONDS + 30, limit=1)] == ["mia:0:0"]  # claim ran out

    store.outbox_delivered("mia:0:1", T + 100)
    store.outbox_delivered("mia:0:1", T + 200)  # again: a no-op
    store.outbox_failed("mia:0:0", error="OSError", retry_at=T + 500)
    store.outbox_failed("mia:0:1", error="OSError", retry_at=T + 500)  # delivered already: a no-op
    done = {m.key: m for m in store.outbox_messages()}
    assert (done["mia:0:1"].delivered_at, done["mia:0:1"].token, done["mia:0:1"].attempts) == (T + 100, None, 0)
    assert (done["mia:0:0"].attempts, done["mia:0:0"].last_error, done["mia:0:0"].due_at) == (1, "OSError", T + 500)
    assert [m.key for m in store.outbox_claim(T + 499)] == ["mia:0:2"]
    assert [m.key for m in store.outbox_claim(T + 10_000)] == ["mia:0:0", "mia:0:2"]  # never the delivered one
    with pytest.raises(ValueError, match="lease must be > 0"):
        store.outbox_claim(T, lease=0)


class Flaky(MemoryNotifier):
    """A mail server that refuses tokens while ``down``."""

    down = True

    def deliver_token(self, account_id: str, token: SecretStr, *, key: str = "") -> None:
        if self.down:
            raise OSError("smtp down")
        super().deliver_token(account_id, token, key=key)


def org(store: Store, notifier: MemoryNotifier) -> tuple[TwoFAService, ManualClock, Actor]:
    """Olivia (owner) and Mia, both enrolled; returns the service, its clock and Olivia as the acting owner."""
    clock, passwords = ManualClock(), PasswordBook(iterations=1)
    service = TwoFAService.from_spec(SPEC, store=store, passwords=passwords, clock=clock, notifier=notifier)
    for user, role in (("olivia", "owner"), ("mia", "member")):
        passwords.set(user, f"pw-{user}")
        service.create_account(user, "acme", role, invite=False)
        started = service.start_setup(user, password=f"pw-{user}")
        assert started.provisioning_uri is not None
        phone = pyotp.parse_uri(started.provisioning_uri.get_secret_value())
        service.verify_setup(user, code=phone.at(clock.now()), handle=started.setup_handle)
    notifier.notices.clear()
    notifier.keys.clear()
    return service, clock, service.actor("olivia")


def test_a_reset_delivers_its_messages_once_with_their_keys(backend: Backend) -> None:
    notifier = MemoryNotifier()
    service, clock, olivia = org(backend.open(), notifier)
    out = service.request_reset("mia", olivia)
    assert out.dest == "reset_pending" and notifier.keys == []  # nothing to say yet
    out = service.confirm_reset("mia", olivia)
    v = out.account.version
    assert notifier.keys == [f"mia:{v}:0", f"mia:{v}:1", f"mia:{v}:2"]
    assert [(n.kind, n.key) for n in notifier.notices] == [("token_issued", f"mia:{v}:0"), ("reset", f"mia:{v}:1")]
    stored = backend.open().outbox_messages("mia")
    assert [(m.key, m.delivered, m.token) for m in stored] == [("mia:2:0", True, None)] + [
        (k, True, None) for k in notifier.keys
    ]  # the "enrolled" notice of her setup, then the reset's
    assert backend.stored_tokens() == []
    clock.advance(LEASE_SECONDS * 10)
    assert service.deliver_pending().delivered == ()  # delivered once: nothing left


def test_a_failing_notifier_is_retried_with_back_off_under_the_same_key(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    notifier = Flaky()
    service, clock, olivia = org(backend.open(), notifier)
    service.request_reset("mia", olivia)
    out = service.confirm_reset("mia", olivia)  # committed; the token could not be sent
    key = f"mia:{out.account.version}:2"
    assert out.dest == "unenrolled" and notifier.outbox == {} and key not in notifier.keys
    assert "notifier failed after the commit (OSError)" in caplog.text
    (token,) = backend.stored_tokens()  # waiting in the outbox, and nowhere else
    assert leaks(caplog.text + backend.audit_text() + repr(backend.open().outbox_messages()), {token}) == []

    clock.advance(RETRY_BASE_SECONDS - 1)
    assert service.deliver_pending().delivered == ()  # the back-off has not passed
    clock.advance(1)
    assert service.deliver_pending().failed == (key,)  # still down: the back-off doubles
    (waiting,) = [m for m in backend.open().outbox_messages() if not m.delivered]
    assert (waiting.key, waiting.attempts, waiting.last_error) == (key, 2, "OSError")
    assert waiting.due_at == clock.now() + 2 * RETRY_BASE_SECONDS
    notifier.down = False
    clock.advance(2 * RETRY_BASE_SECONDS)
    assert service.deliver_pending().delivered == (key,)
    assert notifier.keys[-1] == key and notifier.outbox["mia"].get_secret_value() == token
    assert backend.stored_tokens() == [] and service.deliver_pending().delivered == ()
    assert service.start_setup("mia", password="pw-mia", token=token).dest == "setup_in_progress"


class ForgetfulStore(MemoryStore):
    """While ``forgets``, cannot record a delivery (its database went away right after the notifier took it)."""

    forgets = False

    def outbox_delivered(self, key: str, at: float) -> None:
        if self.forgets:
            raise OSError("connection lost")
        super().outbox_delivered(key, at)


def test_at_least_once_a_message_sent_but_not_recorded_comes_again_with_its_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    notifier, store = MemoryNotifier(), ForgetfulStore()
    service, clock, olivia = org(store, notifier)
    service.request_reset("mia", olivia)
    store.forgets = True
    first = service.confirm_reset("mia", olivia)  # sent, but the store could not record it: the call still succeeds
    assert first.dest == "unenrolled" and "could not record the delivery (OSError)" in caplog.text
    keys = list(notifier.keys)
    assert len(keys) == 3
    store.forgets = False
    clock.advance(LEASE_SECONDS)
    assert service.deliver_pending().delivered == tuple(keys)  # the same messages, the same keys: skip them
    assert notifier.keys == keys + keys
    assert service.deliver_pending().delivered == ()


def test_a_notifier_that_cannot_take_the_key_is_refused() -> None:
    class OldMailer:
        def notify(self, notice: object) -> None: ...

        def deliver_token(self, account_id: str, token: SecretStr) -> None: ...

    engine = TwoFAService.from_spec(SPEC, store=MemoryStore(), passwords=PasswordBook(iterations=1)).engine
    with pytest.raises(TypeError, match=r"OldMailer\.deliver_token takes no 'key': add a keyword parameter"):
        TwoFAService(engine, MemoryStore(), notifier=OldMailer())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="is not a Notifier"):
        TwoFAService(engine, MemoryStore(), notifier=object())  # type: ignore[arg-type]
