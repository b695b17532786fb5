"""The rows the SQL stores write and read: audit records and outbox messages as tuples, in column order.

``SqliteStore`` and ``PostgresStore`` share these, so both keep exactly the same fields; only their
SQL (placeholders, types) differs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import SecretStr

from twofa_fsm.outbox import OutboxMessage
from twofa_fsm.ports import AuditRecord
from twofa_fsm.store.base import AuditEntry

AUDIT_COLUMNS = (
    "at, actor, actor_role, target, org, event, outcome, source, dest, reason, effects, seen_version, version"
)
OUTBOX_COLUMNS = "key, account, kind, at, token, due_at, attempts, last_error, delivered_at"

AuditRow = tuple[float, str, str, str, str, str, str, str, str, str, str, int | None, int | None]
OutboxRow = tuple[str, str, str, float, str | None, float, int, str, float | None]


def audit_rows(records: Sequence[AuditRecord], seen: int | None, version: int | None) -> list[AuditRow]:
    """``AUDIT_COLUMNS`` values of each record (``effects`` as a JSON list)."""
    return [
        (
            r.at,
            r.actor,
            r.actor_role,
            r.target,
            r.org,
            r.event,
            r.outcome,
            r.source,
            r.dest,
            r.reason,
            json.dumps(list(r.effects)),
            seen,
            version,
        )
        for r in records
    ]


def audit_entry(row: Sequence[Any]) -> AuditEntry:
    """An ``AuditEntry`` from ``seq`` followed by the ``AUDIT_COLUMNS`` values."""
    seq, at, actor, actor_role, target, org, event, outcome, source, dest, reason, effects, seen, version = row
    record = AuditRecord(
        float(at), actor, actor_role, target, org, event, outcome, source, dest, reason, tuple(json.loads(effects))
    )
    return AuditEntry(int(seq), record, _int_or_none(seen), _int_or_none(version))


def outbox_rows(messages: Sequence[OutboxMessage]) -> list[OutboxRow]:
    """``OUTBOX_COLUMNS`` values of each message (the token as text: it stays in the store until delivered)."""
    return [
        (
            m.key,
            m.account,
            m.kind,
            m.at,
            None if m.token is None else m.token.get_secret_value(),
            m.due_at,
            m.attempts,
            m.last_error,
            m.delivered_at,
        )
        for m in messages
    ]


def outbox_message(row: Sequence[Any]) -> OutboxMessage:
    """An ``OutboxMessage`` from the ``OUTBOX_COLUMNS`` values."""
    key, account, kind, at, token, due_at, attempts, last_error, delivered_at = row
    secret = None if token is None else SecretStr(token)
    done = None if delivered_at is None else float(delivered_at)
    return OutboxMessage(key, account, kind, float(at), secret, float(due_at), int(attempts), last_error, done)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
