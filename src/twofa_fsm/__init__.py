"""twofa-fsm: a spec-driven, formally checked state machine for the TOTP 2FA lifecycle.

The façade::

    from twofa_fsm import TwoFAService, MemoryStore, PasswordBook, load_spec

Declared public modules, for tools that need more than the façade:
``twofa_fsm.attempt`` (the load -> fire -> save -> deliver pieces), ``twofa_fsm.totp``,
``twofa_fsm.ports``, ``twofa_fsm.acting`` (the right to act, from the actor's own account),
``twofa_fsm.store``, ``twofa_fsm.spec`` (``model``, ``catalog``,
``yamlsafe``, ``loader``, ``checks``, ``diagnostics``).  ``twofa_fsm._runtime`` is private.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from twofa_fsm.account import Account, Actor, Session
from twofa_fsm.attempt import Attempt
from twofa_fsm.clock import REALISTIC_EPOCH, Clock, ManualClock, SystemClock
from twofa_fsm.engine import Dispatch, Engine
from twofa_fsm.entropy import Entropy, SeededEntropy, SystemEntropy
from twofa_fsm.errors import (
    BadCode,
    ConcurrentUpdate,
    DeniedError,
    Forbidden,
    GuardFailed,
    InvalidEvent,
    InvalidInput,
    InvalidSession,
    MissingDependency,
    SpecError,
    StoreConfigError,
    StoreError,
    StoreUnavailable,
    TwoFAError,
)
from twofa_fsm.outbox import Deliveries, OutboxMessage
from twofa_fsm.outcome import Emissions, Outcome, TokenDelivery
from twofa_fsm.ports import (
    ActingDirectory,
    AuditRecord,
    Directory,
    MemoryDirectory,
    MemoryNotifier,
    Notice,
    Notifier,
    PasswordBook,
    PasswordVerifier,
)
from twofa_fsm.service import TwoFAService, retry
from twofa_fsm.spec.loader import load_shipped_spec, load_spec, parse_spec, shipped_spec_path, spec_problems
from twofa_fsm.spec.model import Policy, Spec
from twofa_fsm.store import AccountExists, AccountNotFound, AuditEntry, MemoryStore, PostgresStore, SqliteStore, Store
from twofa_fsm.totp import TotpVerifier, code_format_problem, provisioning_uri, relabel
from twofa_fsm.worker import fire_due

try:
    __version__ = version("twofa-fsm")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "REALISTIC_EPOCH",
    "Account",
    "AccountExists",
    "AccountNotFound",
    "ActingDirectory",
    "Actor",
    "Attempt",
    "AuditEntry",
    "AuditRecord",
    "BadCode",
    "Clock",
    "ConcurrentUpdate",
    "Deliveries",
    "DeniedError",
    "Directory",
    "Dispatch",
    "Emissions",
    "Engine",
    "Entropy",
    "Forbidden",
    "GuardFailed",
    "InvalidEvent",
    "InvalidInput",
    "InvalidSession",
    "ManualClock",
    "MemoryDirectory",
    "MemoryNotifier",
    "MemoryStore",
    "MissingDependency",
    "Notice",
    "Notifier",
    "OutboxMessage",
    "Outcome",
    "PasswordBook",
    "PasswordVerifier",
    "Policy",
    "PostgresStore",
    "SeededEntropy",
    "Session",
    "Spec",
    "SpecError",
    "SqliteStore",
    "Store",
    "StoreConfigError",
    "StoreError",
    "StoreUnavailable",
    "SystemClock",
    "SystemEntropy",
    "TokenDelivery",
    "TotpVerifier",
    "TwoFAError",
    "TwoFAService",
    "code_format_problem",
    "fire_due",
    "load_shipped_spec",
    "load_spec",
    "parse_spec",
    "provisioning_uri",
    "relabel",
    "retry",
    "shipped_spec_path",
    "spec_problems",
]
