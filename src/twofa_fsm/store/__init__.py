"""Persistence for accounts, their audit trail and outbox: a ``Store`` protocol, in memory, on SQLite and PostgreSQL.

``PostgresStore`` needs psycopg 3 (``pip install 'twofa-fsm[postgres]'``); this package imports without it.
"""

from __future__ import annotations

from twofa_fsm.store.base import AccountExists, AccountNotFound, AuditEntry, Store
from twofa_fsm.store.memory import MemoryStore
from twofa_fsm.store.postgres import PostgresStore
from twofa_fsm.store.sqlite import SqliteStore

__all__ = ["AccountExists", "AccountNotFound", "AuditEntry", "MemoryStore", "PostgresStore", "SqliteStore", "Store"]
