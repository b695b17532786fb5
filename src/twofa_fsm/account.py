"""Account state (a value: immutable, JSON round-trip) and actors."""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, SerializationInfo, field_serializer
from pydantic.dataclasses import dataclass as pydantic_dataclass

Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[^:\x00-\x1f]+$")]


Name = Annotated[str, AfterValidator(sys.intern)]  # organisation, role and state names: one copy each in memory


@pydantic_dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid"))
class Session:
    """One open session of an account: only the SHA-256 digest of its id is ever stored.

    ``started_at``: when the holder passed 2FA to open it; ``seen_at``: its last use.
    A slotted, validated value (56 bytes, not a model with a dict per session).
    """

    digest: Annotated[str, Field(min_length=64, max_length=64)] = dataclasses.field(repr=False)
    started_at: float
    seen_at: float

    @classmethod
    def made(cls, digest: str, now: float) -> Session:
        """A session the library opens itself (its digest is a SHA-256 hex digest): built without re-validation."""
        new = object.__new__(cls)
        object.__setattr__(new, "digest", digest)
        object.__setattr__(new, "started_at", now)
        object.__setattr__(new, "seen_at", now)
        return new

    def seen(self, now: float) -> Session:
        """The same session, last used at ``now``."""
        return dataclasses.replace(self, seen_at=now)

    def as_dict(self) -> dict[str, Any]:
        return {"digest": self.digest, "started_at": self.started_at, "seen_at": self.seen_at}


class Account(BaseModel):
    """One user's 2FA state.  Immutable: the engine returns a new one per event.

    Secrets are ``SecretStr``: hidden in ``repr`` and in plain dumps; only
    ``to_json()`` (for your store) writes them.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Id
    org: Annotated[Id, AfterValidator(sys.intern)]
    role: Name
    state: Name
    bound_secret: SecretStr | None = None
    bound_at: float | None = None
    pending_secret: SecretStr | None = None
    pending_since: float | None = None
    last_step: int | None = None
    failures: Annotated[int, Field(ge=0)] = 0
    last_failure_at: float | None = None
    sessions: tuple[Session, ...] = Field(default=(), repr=False)
    token_digest: str | None = Field(default=None, repr=False)
    setup_handle_digest: str | None = Field(default=None, repr=False)
    token_expires_at: float | None = None
    token_required: bool = False
    prior_state: Name | None = None
    reset_requested_at: float | None = None
    last_verified_at: float | None = None
    version: Annotated[int, Field(ge=0)] = 0

    @field_serializer("bound_secret", "pending_secret")
    def _secret(self, value: SecretStr | None, info: SerializationInfo) -> str | None:
        if value is None:
            return None
        context = info.context if isinstance(info.context, dict) else {}
        return value.get_secret_value() if context.get("secrets") else "**********"

    @field_serializer("sessions")
    def _sessions(self, value: tuple[Session, ...], info: SerializationInfo) -> Any:
        context = info.context if isinstance(info.context, dict) else {}
        if context.get("secrets"):
            return [v.as_dict() for v in value]
        return len(value)  # public views show how many, never the digests

    @field_serializer("token_digest", "setup_handle_digest")
    def _digest(self, value: str | None, info: SerializationInfo) -> str | None:
        context = info.context if isinstance(info.context, dict) else {}
        return value if value is None or context.get("secrets") else "**********"

    def model_post_init(self, context: Any, /) -> None:
        # every Account shares one (never mutated) fields-set: 0.7 KiB less per idle account
        object.__setattr__(self, "__pydantic_fields_set__", _ALL_FIELDS)

    def _with(self, updates: dict[str, Any]) -> Account:
        """A copy with ``updates`` applied, not re-validated: for the engine's own, typed updates."""
        new = self.__class__.__new__(self.__class__)
        state = dict(self.__dict__)
        state.update(updates)
        object.__setattr__(new, "__dict__", state)
        object.__setattr__(new, "__pydantic_fields_set__", _ALL_FIELDS)
        object.__setattr__(new, "__pydantic_extra__", None)
        object.__setattr__(new, "__pydantic_private__", None)
        return new

    def to_json(self) -> str:
        """Full state, secrets included: for your store only, never for logs."""
        return self.model_dump_json(context={"secrets": True})

    @classmethod
    def from_json(cls, text: str | bytes) -> Account:
        return cls.model_validate_json(text)

    def redacted(self) -> Account:
        """A copy without secret material (secrets, token digest, sessions): for what leaves the process."""
        return self._with(
            {
                "bound_secret": None,
                "pending_secret": None,
                "token_digest": None,
                "setup_handle_digest": None,
                "sessions": (),
            }
        )

    def public(self) -> dict[str, Any]:
        """A view safe for logs and reports (secrets and token digest masked)."""
        return self.model_dump(mode="json")


_ALL_FIELDS: set[str] = set(Account.model_fields)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who fires an event.  ``verified_at``: when the actor last passed 2FA."""

    id: str
    role: str
    org: str | None = None
    verified_at: float | None = None
    session: str | None = field(default=None, repr=False)  # the digest of the session the actor acts through

    @classmethod
    def holder(cls, account: Account) -> Actor:
        """The account's own holder (whoever presents its credentials)."""
        return cls(account.id, account.role, account.org, account.last_verified_at)

    @classmethod
    def system(cls) -> Actor:
        return cls("system", "system", None, None)
