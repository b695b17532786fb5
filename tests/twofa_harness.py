"""A small organisation on a spec, with phones that compute real codes (for the foundation tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyotp

from twofa_fsm import (
    Account,
    Actor,
    AuditRecord,
    DeniedError,
    Emissions,
    Engine,
    ManualClock,
    MemoryDirectory,
    MemoryNotifier,
    Outcome,
    PasswordBook,
    SeededEntropy,
    load_spec,
)

ROOT = Path(__file__).resolve().parents[1]
HARDENED = ROOT / "spec" / "twofa.yaml"
ARTICLE = ROOT / "spec" / "article.yaml"


class RecordingEngine:
    """The engine, with what each call emitted kept in ``records`` and delivered to ``notifier``.

    The engine itself writes to no sink; this is what a caller that persists nothing does.
    """

    FIRING = frozenset(
        {"fire", "new_account", "start_setup", "verify_setup", "abandon_setup", "login", "report_lost_device",
         "request_reset", "confirm_reset", "cancel_reset", "tick"}
    )  # fmt: skip

    def __init__(self, engine: Engine, notifier: MemoryNotifier) -> None:
        self.inner = engine
        self.notifier = notifier
        self.records: list[AuditRecord] = []

    def _keep(self, emitted: Emissions) -> None:
        self.records.extend(emitted.audit)
        emitted.deliver(self.notifier)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name not in self.FIRING:
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                out = attr(*args, **kwargs)
            except DeniedError as err:
                self._keep(err.emitted)
                raise
            if out is not None:
                self._keep(out.emitted)
            return out

        return call


class Org:
    """An organisation on one spec: accounts by id, and each holder's phone secret."""

    def __init__(self, spec_path: Path = HARDENED, seed: int = 7) -> None:
        self.clock = ManualClock()
        self.passwords = PasswordBook(iterations=1)
        self.directory = MemoryDirectory()
        self.notifier = MemoryNotifier()
        engine = Engine(
            load_spec(spec_path),
            passwords=self.passwords,
            clock=self.clock,
            entropy=SeededEntropy(seed),
            directory=self.directory,
        )
        self.engine: Any = RecordingEngine(engine, self.notifier)
        self.acc: dict[str, Account] = {}
        self.phone: dict[str, str] = {}

    def add(self, account_id: str, role: str = "member", org: str = "acme", enrol: bool = True) -> Account:
        self.acc[account_id] = self.engine.new_account(account_id, org, role, invite=False).account
        self.passwords.set(account_id, f"pw-{account_id}")
        self.directory.add(org, role)
        if enrol:
            self.enrol(account_id)
        return self.acc[account_id]

    def keep(self, outcome: Outcome) -> Outcome:
        self.acc[outcome.target] = outcome.account
        return outcome

    def enrol(self, account_id: str, token: str | None = None) -> Outcome:
        out = self.keep(self.engine.start_setup(self.acc[account_id], password=f"pw-{account_id}", token=token))
        assert out.provisioning_uri is not None
        self.phone[account_id] = pyotp.parse_uri(out.provisioning_uri.get_secret_value()).secret
        self.tick()
        code = self.code(account_id)
        return self.keep(
            self.engine.verify_setup(self.acc[account_id], code=code, token=token, handle=out.setup_handle)
        )

    def code(self, account_id: str, offset: int = 0, secret: str | None = None) -> str:
        totp = pyotp.TOTP(secret or self.phone[account_id])
        return totp.at(self.clock.now() + offset * 30)

    def tick(self, seconds: float = 31) -> None:
        self.clock.advance(seconds)

    def login(self, account_id: str, code: str | None = None) -> Outcome:
        self.tick()
        return self.keep(
            self.engine.login(self.acc[account_id], password=f"pw-{account_id}", code=code or self.code(account_id))
        )

    def actor(self, account_id: str, fresh: bool = True) -> Actor:
        a = self.acc[account_id]
        return Actor(a.id, a.role, a.org, self.clock.now() if fresh else a.last_verified_at)

    @property
    def audit(self) -> list[AuditRecord]:
        """Every audit record the engine emitted, in order."""
        return self.engine.records  # type: ignore[no-any-return]

    def token(self, account_id: str) -> str:
        return self.notifier.outbox[account_id].get_secret_value()
