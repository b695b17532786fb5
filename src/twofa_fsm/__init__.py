"""twofa-fsm: a spec-driven, formally checked state machine for the TOTP 2FA lifecycle.

The public API::

    from twofa_fsm import Engine, Actor, PasswordBook, ManualClock, load_spec

Everything else is an implementation detail.
"""

from __future__ import annotations

from .account import Account, Actor
from .clock import REALISTIC_EPOCH, Clock, ManualClock, SystemClock
from .engine import Engine
from .entropy import Entropy, SeededEntropy, SystemEntropy
from .errors import (
    BadCode,
    ConcurrentUpdate,
    DeniedError,
    Forbidden,
    GuardFailed,
    InvalidEvent,
    SpecError,
    TwoFAError,
)
from .io.loader import load_spec, parse_spec, spec_problems
from .model import Policy, Spec
from .outcome import Outcome
from .ports import (
    ActingDirectory,
    AuditRecord,
    AuditSink,
    Directory,
    MemoryAudit,
    MemoryDirectory,
    MemoryNotifier,
    Notice,
    Notifier,
    PasswordBook,
    PasswordVerifier,
)
from .service import TwoFAService, retry
from .store import AccountExists, AccountNotFound, AuditEntry, MemoryStore, SqliteStore, Store
from .totp import CodeCheck, TotpVerifier, code_format_problem, provisioning_uri

__all__ = [
    "REALISTIC_EPOCH",
    "Account",
    "AccountExists",
    "AccountNotFound",
    "ActingDirectory",
    "Actor",
    "AuditEntry",
    "AuditRecord",
    "AuditSink",
    "BadCode",
    "Clock",
    "CodeCheck",
    "ConcurrentUpdate",
    "DeniedError",
    "Directory",
    "Engine",
    "Entropy",
    "Forbidden",
    "GuardFailed",
    "InvalidEvent",
    "ManualClock",
    "MemoryAudit",
    "MemoryDirectory",
    "MemoryNotifier",
    "MemoryStore",
    "Notice",
    "Notifier",
    "Outcome",
    "PasswordBook",
    "PasswordVerifier",
    "Policy",
    "SeededEntropy",
    "Spec",
    "SpecError",
    "SqliteStore",
    "Store",
    "SystemClock",
    "SystemEntropy",
    "TotpVerifier",
    "TwoFAError",
    "TwoFAService",
    "code_format_problem",
    "load_spec",
    "parse_spec",
    "provisioning_uri",
    "retry",
    "spec_problems",
]
__version__ = "0.1.0"
