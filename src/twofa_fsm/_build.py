"""Fast constructors for the engine's hot result objects (``AuditRecord``, ``Emissions``, ``Outcome``, ``Notice``).

A frozen dataclass's generated ``__init__`` sets each field through ``object.__setattr__``
(a global lookup and a call per field, after keyword parsing): on every event that is about a
fifth of the engine's own time.  These build the same objects by setting each slot through
its member descriptor, positionally.  The objects are identical (equal, same hash, still
frozen); ``FIELDS`` pins the field order, and ``tests/test_build.py`` fails if a class gains,
loses or reorders a field without this module following.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import SecretStr

from twofa_fsm.account import Account
from twofa_fsm.outcome import Emissions, Message, Outcome
from twofa_fsm.ports import AuditRecord, Notice

FIELDS: dict[type, tuple[str, ...]] = {
    AuditRecord: (
        "at", "actor", "actor_role", "target", "org", "event", "outcome", "source", "dest", "reason", "effects",
    ),
    Emissions: ("audit", "messages"),
    Notice: ("account", "kind", "at", "key"),
    Outcome: (
        "event", "source", "dest", "actor", "actor_role", "target", "at", "effects", "access_granted", "notices",
        "account", "audit", "emitted", "provisioning_uri", "session", "setup_handle",
    ),
}  # fmt: skip

_new = object.__new__


def _setters(cls: type) -> tuple[Callable[[object, object], None], ...]:
    return tuple(getattr(cls, name).__set__ for name in FIELDS[cls])


_AUDIT = _setters(AuditRecord)
_EMISSIONS = _setters(Emissions)
_OUTCOME = _setters(Outcome)
_NOTICE = _setters(Notice)


def notice(account: str, kind: str, at: float, key: str = "") -> Notice:
    """``Notice(account, kind, at, key)``, built field by field."""
    o: Any = _new(Notice)
    _NOTICE[0](o, account), _NOTICE[1](o, kind), _NOTICE[2](o, at), _NOTICE[3](o, key)
    return o  # type: ignore[no-any-return]


def audit_record(
    at: float,
    actor: str,
    actor_role: str,
    target: str,
    org: str,
    event: str,
    outcome: str,
    source: str,
    dest: str,
    reason: str,
    effects: tuple[str, ...],
) -> AuditRecord:
    """``AuditRecord(at, actor, ..., effects)``, built field by field."""
    o: Any = _new(AuditRecord)
    s = _AUDIT
    s[0](o, at), s[1](o, actor), s[2](o, actor_role), s[3](o, target), s[4](o, org), s[5](o, event)
    s[6](o, outcome), s[7](o, source), s[8](o, dest), s[9](o, reason), s[10](o, effects)
    return o  # type: ignore[no-any-return]


def emissions(audit: tuple[AuditRecord, ...], messages: tuple[Message, ...]) -> Emissions:
    """``Emissions(audit, messages)``, built field by field."""
    o: Any = _new(Emissions)
    _EMISSIONS[0](o, audit), _EMISSIONS[1](o, messages)
    return o  # type: ignore[no-any-return]


def outcome(
    event: str,
    source: str,
    dest: str,
    actor: str,
    actor_role: str,
    target: str,
    at: float,
    effects: tuple[str, ...],
    access_granted: bool,
    notices: tuple[str, ...],
    account: Account,
    audit: AuditRecord,
    emitted: Emissions,
    provisioning_uri: SecretStr | None,
    session: str | None,
    setup_handle: str | None,
) -> Outcome:
    """``Outcome(...)`` with every field given, in declaration order, built field by field."""
    o: Any = _new(Outcome)
    s = _OUTCOME
    s[0](o, event), s[1](o, source), s[2](o, dest), s[3](o, actor), s[4](o, actor_role), s[5](o, target)
    s[6](o, at), s[7](o, effects), s[8](o, access_granted), s[9](o, notices), s[10](o, account), s[11](o, audit)
    s[12](o, emitted), s[13](o, provisioning_uri), s[14](o, session), s[15](o, setup_handle)
    return o  # type: ignore[no-any-return]
