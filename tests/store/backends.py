"""The stores the store tests run on: memory, SQLite and PostgreSQL, each opened again from a URL.

A ``Backend`` names one store: ``memory:``, ``sqlite:PATH`` or ``postgres:CONNINFO``.  ``open()`` gives
a store on it (the same ``MemoryStore`` every time, a new connection for the others), a subprocess
rebuilds it with ``Backend.from_url``, and the raw helpers read the tables behind the store's back.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from twofa_fsm import MemoryStore, PostgresStore, SqliteStore, Store

DURABLE = ("sqlite", "postgres")  # the stores other processes share (and that outlive a killed writer)


@dataclass
class Backend:
    name: str  # memory, sqlite or postgres
    target: str = ""  # the SQLite file, or the PostgreSQL connection string
    shared: MemoryStore | None = None
    opened: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.name}:{self.target}"

    @classmethod
    def from_url(cls, url: str) -> Backend:
        name, _, target = url.partition(":")
        assert name in DURABLE, f"a subprocess cannot share a {name} store"
        return cls(name, target)

    def store_class(self) -> type[Any]:
        return {"sqlite": SqliteStore, "postgres": PostgresStore}[self.name]

    def open(self, cls: type[Any] | None = None) -> Store:
        """A store on this backend (``cls``: a subclass of its store class, e.g. one that stops at a sync point)."""
        if self.name == "memory":
            if self.shared is None:
                self.shared = MemoryStore()
            return self.shared
        store = (cls or self.store_class())(self.target)
        self.opened.append(store)
        return store  # type: ignore[no-any-return]

    def close(self) -> None:
        for store in self.opened:
            store.close()
        self.opened.clear()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of a raw query on the store's tables (``{audit}``, ``{outbox}``: the backend's table names)."""
        if self.name == "sqlite":
            conn = sqlite3.connect(self.target)
            try:
                return conn.execute(sql.format(audit="audit", outbox="outbox", effects="effects")).fetchall()
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.target) as pg:
            query = sql.format(audit="twofa_audit", outbox="twofa_outbox", effects="effects::text")
            return pg.execute(query).fetchall()  # type: ignore[arg-type]

    def audit_text(self) -> str:
        """Every text column of the stored audit rows (the numeric ones cannot hold a secret)."""
        if self.name == "memory":
            return "\n".join(repr(e) for e in self.open().audit_log())
        rows = self.rows(
            "SELECT actor, actor_role, target, org, event, outcome, source, dest, reason, {effects} FROM {audit}"
        )
        return "\n".join("|".join(str(c) for c in row) for row in rows)

    def stored_tokens(self) -> list[str]:
        """The setup tokens still readable in the outbox table (undelivered ones)."""
        if self.name == "memory":
            store = self.open()
            return [m.token.get_secret_value() for m in store.outbox_messages() if m.token is not None]
        return [str(r[0]) for r in self.rows("SELECT token FROM {outbox} WHERE token IS NOT NULL ORDER BY seq")]

    def check(self) -> str:
        """The store's own consistency check: SQLite's ``integrity_check``; "ok" for the others once they answer."""
        store = self.open()
        if isinstance(store, SqliteStore):
            return store.integrity_check()
        store.audit_log("nobody")
        return "ok"
