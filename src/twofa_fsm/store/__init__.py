"""Persistence for accounts and their audit trail: a ``Store`` protocol, in memory and on SQLite."""

from __future__ import annotations

from twofa_fsm.store.base import AccountExists, AccountNotFound, AuditEntry, Store
from twofa_fsm.store.memory import MemoryStore
from twofa_fsm.store.sqlite import SqliteStore

__all__ = ["AccountExists", "AccountNotFound", "AuditEntry", "MemoryStore", "SqliteStore", "Store"]
