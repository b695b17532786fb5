"""What firing an event returns: an immutable step record that tests and reports query."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from twofa_fsm.account import Account
from twofa_fsm.ports import AuditRecord


@dataclass(frozen=True, slots=True)
class Outcome:
    """One completed transition.  ``account`` is the account after it: save that."""

    event: str
    source: str
    dest: str
    actor: str
    actor_role: str
    target: str
    at: float
    effects: tuple[str, ...]
    access_granted: bool
    notices: tuple[str, ...]
    account: Account = field(repr=False)
    audit: AuditRecord = field(repr=False)
    provisioning_uri: SecretStr | None = field(default=None, repr=False)
    session: str | None = field(default=None, repr=False)
    followed_by: Outcome | None = None  # e.g. the lock that a failure triggered
