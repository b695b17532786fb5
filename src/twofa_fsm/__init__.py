"""twofa-fsm: a spec-driven, formally checked state machine for the TOTP 2FA lifecycle.

The public API::

    from twofa_fsm import Engine, Actor, PasswordBook, ManualClock, load_spec

Everything else is an implementation detail.
"""

from __future__ import annotations

from twofa_fsm.account import Account, Actor
from twofa_fsm.clock import REALISTIC_EPOCH, Clock, ManualClock, SystemClock
from twofa_fsm.engine import Engine
from twofa_fsm.entropy import Entropy, SeededEntropy, SystemEntropy
from twofa_fsm.errors import (
    BadCode,
    ConcurrentUpdate,
    DeniedError,
    Forbidden,
    GuardFailed,
    InvalidEvent,
    SpecError,
    TwoFAError,
)
from twofa_fsm.outcome import Outcome
from twofa_fsm.ports import (
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
from twofa_fsm.service import TwoFAService, retry
from twofa_fsm.spec.loader import load_spec, parse_spec, spec_problems
from twofa_fsm.spec.model import Policy, Spec
from twofa_fsm.store import AccountExists, AccountNotFound, AuditEntry, MemoryStore, SqliteStore, Store
from twofa_fsm.totp import CodeCheck, TotpVerifier, code_format_problem, provisioning_uri

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
