"""What the routes share: the service on its store, the password gate, the mailbox and the clock."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from twofa_fsm import (
    AccountExists,
    Clock,
    ManualClock,
    PasswordBook,
    PostgresStore,
    Spec,
    SqliteStore,
    Store,
    SystemClock,
    TwoFAService,
    load_shipped_spec,
    load_spec,
)

from .broken import broken_spec
from .mailbox import DevMailbox, NoMailer
from .passwords import PasswordGate
from .settings import Settings

log = logging.getLogger("twofa_webapp")
POSTGRES_SCHEMES = frozenset({"postgresql", "postgres"})


def open_store(settings: Settings) -> Store:
    """``PostgresStore`` for a ``postgresql://`` URL, else ``SqliteStore`` (``sqlite:///PATH`` or the path setting)."""
    url = settings.database_url
    if url is None:
        return SqliteStore(settings.sqlite_path)
    scheme = urlsplit(url).scheme.lower()
    if scheme in POSTGRES_SCHEMES:
        return PostgresStore(url)
    if scheme == "sqlite" and url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return SqliteStore(url[len("sqlite:///") :])
    raise ValueError(f"TWOFA_DATABASE_URL has the scheme {scheme!r}; use postgresql://... or sqlite:///PATH")


def load_app_spec(settings: Settings) -> Spec:
    """The spec file the settings name, or the shipped hardened spec (broken on purpose under ``TWOFA_BROKEN``)."""
    spec = load_spec(settings.spec_path) if settings.spec_path is not None else load_shipped_spec()
    if settings.broken is not None:
        log.warning("TWOFA_BROKEN=%s: a deliberately broken backend (a test fixture)", settings.broken)
        spec = broken_spec(spec, settings.broken)
    return spec


@dataclass
class Backend:
    """One per process: built by ``create_app`` at start-up, closed at shutdown."""

    settings: Settings
    service: TwoFAService
    passwords: PasswordGate
    mailbox: DevMailbox | None  # only with dev endpoints
    test_clock: ManualClock | None  # only with the test clock

    @property
    def spec(self) -> Spec:
        return self.service.spec

    def close(self) -> None:
        close = getattr(self.service.store, "close", None)
        if callable(close):
            close()


def build_backend(settings: Settings) -> Backend:
    """Open the store, load the spec and build the service (raises ``StoreError``, ``SpecError``)."""
    test_clock = ManualClock(SystemClock().now()) if settings.test_clock else None
    clock: Clock = test_clock if test_clock is not None else SystemClock()
    passwords = PasswordGate(PasswordBook(settings.password_iterations), clock, settings.ticket_seconds)
    mailbox = DevMailbox() if settings.dev_endpoints else None
    spec = load_app_spec(settings)
    store = open_store(settings)
    notifier = mailbox if mailbox is not None else NoMailer()
    service = TwoFAService.from_spec(spec, store=store, passwords=passwords, clock=clock, notifier=notifier)
    backend = Backend(settings, service, passwords, mailbox, test_clock)
    _bootstrap(backend)
    return backend


def _bootstrap(backend: Backend) -> None:
    """Create the first Owner (invited: the invitation goes by mail) and set their password."""
    settings = backend.settings
    if settings.bootstrap_owner is None or settings.bootstrap_password is None:
        return
    org, user = settings.bootstrap_owner.split("/")
    backend.passwords.set(user, settings.bootstrap_password.get_secret_value())
    with contextlib.suppress(AccountExists):
        backend.service.create_account(user, org, "owner")
        log.info("bootstrap: created the Owner %s of %s (an invitation was sent)", user, org)
