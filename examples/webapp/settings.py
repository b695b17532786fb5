"""The app's settings, read from environment variables (``Settings.from_env``).

| variable | default | what it sets |
|---|---|---|
| ``TWOFA_DATABASE_URL`` | unset | ``postgresql://...`` -> ``PostgresStore``; ``sqlite:///PATH`` -> ``SqliteStore`` |
| ``TWOFA_SQLITE_PATH`` | ``<tmp>/twofa-webapp.db`` | the SQLite file when no URL is set |
| ``TWOFA_SPEC_PATH`` | unset: the shipped ``twofa.yaml`` | a spec file of your own |
| ``TWOFA_WORKER_SECONDS`` | ``60`` | how often the background worker fires due events and sends the outbox (0: off) |
| ``TWOFA_PASSWORD_ITERATIONS`` | ``200000`` | PBKDF2 iterations of the ``PasswordBook`` (lower only in tests) |
| ``TWOFA_TICKET_SECONDS`` | ``300`` | how long the ticket of a password login stays valid |
| ``TWOFA_BOOTSTRAP_OWNER`` | unset | ``ORG/USER``: the first Owner, created (invited) at start-up if missing |
| ``TWOFA_BOOTSTRAP_PASSWORD`` | unset | that Owner's password (set at every start: the ``PasswordBook`` is in memory) |
| ``TWOFA_DEV_ENDPOINTS`` | ``0`` | ``1``: serve ``/dev/*`` (the demo mailbox, the worker) -- never in production |
| ``TWOFA_TEST_CLOCK`` | ``0`` | ``1`` (with dev endpoints): a ``ManualClock`` moved by ``POST /dev/clock/advance`` |
| ``TWOFA_BROKEN`` | unset | **a test fixture** (with dev endpoints): ``setup-without-token`` breaks the app |
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from .broken import BROKEN_MODES

PREFIX = "TWOFA_"
TRUE = frozenset({"1", "true", "yes", "on"})


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(PREFIX + name, "").strip().lower() in TRUE


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(PREFIX + name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise ValueError(f"{PREFIX}{name}={raw!r} is not a number; set it to seconds or a count") from None
    if value < 0:
        raise ValueError(f"{PREFIX}{name}={raw!r} is negative; set it to 0 or more")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment; ``repr`` hides the bootstrap password and the URL."""

    database_url: str | None = field(default=None, repr=False)  # may hold a database password
    sqlite_path: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "twofa-webapp.db")
    spec_path: Path | None = None
    worker_seconds: float = 60.0
    password_iterations: int = 200_000
    ticket_seconds: float = 300.0
    bootstrap_owner: str | None = None  # "ORG/USER"
    bootstrap_password: SecretStr | None = None
    dev_endpoints: bool = False
    test_clock: bool = False
    broken: str | None = None  # a deliberately broken backend, for the conformance tests only (broken.py)

    def __post_init__(self) -> None:
        if self.test_clock and not self.dev_endpoints:
            raise ValueError("TWOFA_TEST_CLOCK=1 needs TWOFA_DEV_ENDPOINTS=1 (a test clock is for tests only)")
        if self.broken is not None and not self.dev_endpoints:
            raise ValueError("TWOFA_BROKEN needs TWOFA_DEV_ENDPOINTS=1 (a broken backend is a test fixture)")
        if self.broken is not None and self.broken not in BROKEN_MODES:
            raise ValueError(f"TWOFA_BROKEN must be one of: {', '.join(sorted(BROKEN_MODES))}")
        if self.bootstrap_owner is not None and self.bootstrap_owner.count("/") != 1:
            raise ValueError("TWOFA_BOOTSTRAP_OWNER must be ORG/USER, e.g. acme/olivia")
        if self.bootstrap_owner is not None and self.bootstrap_password is None:
            raise ValueError("TWOFA_BOOTSTRAP_OWNER needs TWOFA_BOOTSTRAP_PASSWORD (the Owner's password)")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings from ``env`` (default: ``os.environ``); raises ``ValueError`` naming a bad variable."""
        env = os.environ if env is None else env
        spec = env.get(PREFIX + "SPEC_PATH", "").strip()
        sqlite = env.get(PREFIX + "SQLITE_PATH", "").strip()
        password = env.get(PREFIX + "BOOTSTRAP_PASSWORD")
        defaults = cls()
        return cls(
            database_url=env.get(PREFIX + "DATABASE_URL", "").strip() or None,
            sqlite_path=Path(sqlite) if sqlite else defaults.sqlite_path,
            spec_path=Path(spec) if spec else None,
            worker_seconds=_number(env, "WORKER_SECONDS", defaults.worker_seconds),
            password_iterations=int(_number(env, "PASSWORD_ITERATIONS", defaults.password_iterations)),
            ticket_seconds=_number(env, "TICKET_SECONDS", defaults.ticket_seconds),
            bootstrap_owner=env.get(PREFIX + "BOOTSTRAP_OWNER", "").strip() or None,
            bootstrap_password=SecretStr(password) if password else None,
            dev_endpoints=_flag(env, "DEV_ENDPOINTS"),
            test_clock=_flag(env, "TEST_CLOCK"),
            broken=env.get(PREFIX + "BROKEN", "").strip() or None,
        )
