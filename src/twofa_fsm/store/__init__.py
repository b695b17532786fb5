"""Persistence for accounts and their audit trail: a ``Store`` protocol, in memory and on SQLite."""

from __future__ import annotations

from .base import AccountExists, AccountNotFound, AuditEntry, Store
from .memory import MemoryStore
from .sqlite import SqliteStore

__all__ = ["AccountExists", "AccountNotFound", "AuditEntry", "MemoryStore", "SqliteStore", "Store"]
