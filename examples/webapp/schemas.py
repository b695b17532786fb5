"""Request and response bodies.  Secrets are ``SecretStr`` in requests (hidden in any repr or log)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from twofa_fsm import Account, AuditEntry

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"


def reveal(secret: SecretStr | None) -> str | None:
    """The secret's value, or None when it was not sent."""
    return secret.get_secret_value() if secret is not None else None


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class PasswordLogin(Body):
    user: str = Field(max_length=128)
    password: SecretStr = Field(max_length=1024)


class TicketBody(Body):
    user: str = Field(max_length=128)
    ticket: SecretStr = Field(max_length=256)


class CodeLogin(TicketBody):
    code: SecretStr | None = Field(default=None, max_length=64)  # missing: refused by the library, not counted


class SetupStart(TicketBody):
    token: SecretStr | None = Field(default=None, max_length=512)  # the e-mailed invitation or reset token


class SetupVerify(Body):
    user: str = Field(max_length=128)
    code: SecretStr | None = Field(default=None, max_length=64)  # missing: refused by the library, not counted
    handle: SecretStr | None = Field(default=None, max_length=256)  # missing: only the starter may go on (403)
    token: SecretStr | None = Field(default=None, max_length=512)


class SetupAbandon(Body):
    """The setup handle (the browser tab that started the setup) or the login ticket: either proves the starter."""

    user: str = Field(max_length=128)
    handle: SecretStr | None = Field(default=None, max_length=256)
    ticket: SecretStr | None = Field(default=None, max_length=256)


class NewUser(Body):
    id: str = Field(pattern=ID_PATTERN)
    role: str = Field(max_length=32)
    password: SecretStr = Field(min_length=8, max_length=1024)


class UserOut(BaseModel):
    id: str
    org: str
    role: str
    state: str
    failures: int

    @classmethod
    def of(cls, account: Account) -> UserOut:
        return cls(id=account.id, org=account.org, role=account.role, state=account.state, failures=account.failures)


class UserPage(BaseModel):
    users: list[UserOut]
    next_after: str | None  # pass as ?after= for the next page; None on the last page


class StateOut(BaseModel):
    user: str
    state: str
    effects: list[str] = []


class TicketOut(BaseModel):
    user: str
    ticket: str  # proves the password for TICKET_SECONDS: send it with the code (or to set up, or report)
    state: str
    next: str  # "code", "setup" or "contact_admin"


class SessionOut(BaseModel):
    user: str
    state: str
    session: str  # send as Authorization: Bearer <session>


class SetupOut(BaseModel):
    user: str
    state: str
    otpauth_uri: str  # shown once: the authenticator app scans it (qr_svg)
    qr_svg: str
    setup_handle: str  # send with /api/setup/verify: proves you started this setup


class AuditOut(BaseModel):
    seq: int
    at: float
    actor: str
    actor_role: str
    target: str
    event: str
    outcome: str
    source: str
    dest: str
    reason: str
    effects: list[str]
    version: int | None

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditOut:
        r = entry.record
        return cls(
            seq=entry.seq, at=r.at, actor=r.actor, actor_role=r.actor_role, target=r.target, event=r.event,
            outcome=r.outcome, source=r.source, dest=r.dest, reason=r.reason, effects=list(r.effects),
            version=entry.version,
        )  # fmt: skip


class AuditPage(BaseModel):
    entries: list[AuditOut]
