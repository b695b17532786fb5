"""The inert intermediate representation of a spec: frozen pydantic v2 models.

A spec file is parsed into these models (``loader``), checked (``checks``, ``lints``),
then handed to the engine, the simulator and the exporters.  The models know
nothing about YAML, transitions or TOTP; they only describe.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Input = Literal["password", "code", "token", "handle"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Ref(_Frozen):
    """A guard or effect: a name from the allow-list and an optional argument."""

    name: str
    arg: str | tuple[str, ...] | None = None

    def __str__(self) -> str:
        if self.arg is None:
            return self.name
        arg = ", ".join(self.arg) if isinstance(self.arg, tuple) else self.arg
        return f"{self.name}({arg})"


def _parse_ref(value: Any) -> Any:
    if isinstance(value, Ref):
        return value
    if isinstance(value, str):
        return {"name": value}
    if isinstance(value, dict) and len(value) == 1:
        ((name, arg),) = value.items()
        if isinstance(arg, list):
            arg = tuple(arg)
        return {"name": name, "arg": arg}
    raise ValueError("must be a name, or a one-key mapping {name: argument}")


def _dump_ref(ref: Ref) -> Any:
    if ref.arg is None:
        return ref.name
    return {ref.name: list(ref.arg) if isinstance(ref.arg, tuple) else ref.arg}


_REF_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "additionalProperties": {
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]
            },
        },
    ],
    "description": "a name from the allow-list, or {name: argument}",
}

RefField = Annotated[
    Ref,
    BeforeValidator(_parse_ref),
    PlainSerializer(_dump_ref),
    WithJsonSchema(_REF_SCHEMA),
]


def _as_tuple(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


class Policy(_Frozen):
    """Numbers that tune the rules; each bounded to what the references allow."""

    issuer: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^:]+$")] = "twofa-fsm"
    algorithm: Literal["sha1", "sha256", "sha512"] = "sha1"
    digits: Annotated[int, Field(ge=6, le=10)] = 6
    period: Annotated[int, Field(ge=1, le=120)] = 30
    drift_window: Annotated[int, Field(ge=0, le=2, description="steps accepted either side of now")] = 1
    drift_widened_knowingly: Annotated[bool, Field(description="a drift window over 1 step is on purpose")] = False
    max_failures: Annotated[int, Field(ge=1, le=100)] = 10
    backoff_base_seconds: Annotated[
        float, Field(gt=0, le=60, description="back-off after the first failure; doubles per failure")
    ] = 1.0
    backoff_max_seconds: Annotated[float, Field(ge=0, le=86400)] = 300.0
    secret_length: Annotated[int, Field(ge=32, le=128, description="base32 characters; 32 = 160 bits")] = 32
    recent_auth_seconds: Annotated[int, Field(ge=30, le=86400)] | None = None
    setup_timeout_seconds: Annotated[int, Field(ge=60, le=600)] | None = None
    token_lifetime_seconds: Annotated[int, Field(ge=60, le=86400)] | None = None
    reset_confirm_seconds: (
        Annotated[
            int, Field(ge=60, le=86400, description="a reset neither confirmed nor cancelled this long ends by itself")
        ]
        | None
    ) = None
    session_idle_seconds: (
        Annotated[int, Field(ge=60, le=86400, description="a session unused this long ends")] | None
    ) = None
    session_lifetime_seconds: (
        Annotated[
            int, Field(ge=300, le=30 * 86400, description="a session ends this long after the 2FA that opened it")
        ]
        | None
    ) = None


class Role(_Frozen):
    tier: Annotated[int, Field(ge=0, le=100)]
    scope: Literal["organisation", "vendor", "system"] = "organisation"
    description: str = ""


class State(_Frozen):
    initial: bool = False
    access: bool = Field(False, description="the state from which access is granted")
    confirmation: bool = Field(False, description="a Reset/Cancel confirmation step")
    description: str = ""


class Event(_Frozen):
    inputs: tuple[Input, ...] = ()
    description: str = ""


class Transition(_Frozen):
    event: str
    source: Annotated[tuple[str, ...], BeforeValidator(_as_tuple), Field(alias="from", min_length=1)]
    dest: str = Field(alias="to")
    guards: tuple[RefField, ...] = ()
    effects: tuple[RefField, ...] = ()
    description: str = ""

    def guard(self, name: str) -> Ref | None:
        return next((g for g in self.guards if g.name == name), None)

    def has_effect(self, name: str) -> bool:
        return any(e.name == name for e in self.effects)


class Fairness(_Frozen):
    """A party assumed responsive: while the account is in a ``when`` state and one of the ``eventually`` events
    is possible for them, they do not wait forever (weak fairness, see docs/proof.md)."""

    party: Annotated[
        str,
        Field(description="user (the account holder), system (the timers) or a role: its recently verified holder"),
    ]
    eventually: Annotated[tuple[str, ...], BeforeValidator(_as_tuple), Field(min_length=1)]
    when: Annotated[tuple[str, ...], BeforeValidator(_as_tuple), Field(min_length=1)]
    description: str = ""


class Spec(_Frozen):
    """One lifecycle: policy, roles, states, events and transitions."""

    spec_version: Literal[1] = 1
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
    title: str = ""
    description: str = ""
    policy: Policy = Policy()
    roles: dict[str, Role]
    states: dict[str, State]
    events: dict[str, Event]
    transitions: tuple[Transition, ...] = Field(min_length=1)
    fairness: tuple[Fairness, ...] = Field(
        (), description="parties assumed responsive, for the liveness checks (optional)"
    )

    @property
    def initial(self) -> str:
        return next(name for name, s in self.states.items() if s.initial)

    @property
    def access_states(self) -> frozenset[str]:
        return frozenset(name for name, s in self.states.items() if s.access)

    def edges(self) -> list[tuple[int, str, Transition]]:
        """(index, source, transition) for every source of every transition, in file order."""
        return [(i, src, t) for i, t in enumerate(self.transitions) for src in t.source]

    def to_data(self) -> dict[str, Any]:
        """Plain data in the YAML form (for writing mutated or generated specs)."""
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=False)


def json_schema() -> dict[str, Any]:
    schema = Spec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "twofa-fsm spec"
    return schema
