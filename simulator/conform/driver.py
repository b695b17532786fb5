"""The driver protocol: how ``twofa-fsm conform`` talks to a tester's own backend.

A driver is a thin adapter over the system under test (an HTTP client, a service object, a
database-backed app).  Everything in and out is a plain value (``str``, ``bool``, ``float`` and the two
small records below), so a driver can sit in front of any transport.  ``docs/conform.md`` shows how to
write one; ``EngineDriver`` (``engine_driver.py``) is the reference, the library itself.

Who acts (``actor`` of ``fire``) is one of:

* the account's own id: whoever presents the account's credentials (the holder, or an attacker who
  phished them: the backend cannot tell them apart);
* another account's id: that person acting on the account through their own account and its newest
  live session (an Owner or Admin resetting a colleague);
* the id of vendor staff (created with ``org=None``): they act from the vendor console;
* ``"system"``: the timers and counters (setup expiry, a reset left unconfirmed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, get_args, runtime_checkable

Kind = Literal["ok", "forbidden", "guard_failed", "bad_code", "invalid_event", "invalid_input"]
KINDS: tuple[str, ...] = get_args(Kind)
SYSTEM = "system"
SETUP_TOKEN = "setup_token"  # noqa: S105 - the kind of a delivery that carries a setup token


@dataclass(frozen=True)
class Reply:
    """What one ``fire`` call answered.

    ``kind``: ``ok``, or why it was refused: ``forbidden`` (who may not: role, organisation, tier,
    self, no recent 2FA, no live session of the actor's own), ``guard_failed`` (password, setup token,
    back-off, timing), ``bad_code`` (a malformed, wrong, drifted or replayed code), ``invalid_event``
    (not allowed in the account's state, or unknown), ``invalid_input`` (an input that is not text).
    ``access_granted``: the call let the user in (opened a session).  ``provisioning_uri``: the
    ``otpauth://`` URI a setup showed (the harness's phone scans it); ``setup_handle``: what proves,
    later in that setup, who started it.  Both are secrets: never printed.
    """

    kind: Kind
    access_granted: bool = False
    provisioning_uri: str | None = field(default=None, repr=False)
    setup_handle: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Delivery:
    """One message the system sent out of band: ``to`` whom (an account id), a notice ``kind``
    (``enrolled``, ``locked``, ``reset``, ``token_issued``) or ``setup_token`` with its ``token``."""

    to: str
    kind: str
    token: str | None = field(default=None, repr=False)


@runtime_checkable
class Driver(Protocol):
    """The calls ``twofa-fsm conform`` makes on the system under test.

    Each test case starts from a driver with none of its accounts: ids and organisations are fresh
    per case (the harness prefixes them), so one long-lived backend can serve every case.
    """

    def create_account(self, account_id: str, *, org: str | None, role: str, password: str, invited: bool) -> None:
        """Create an account in the spec's initial state, with ``password`` as its password.

        ``invited``: the account is created with an invitation (a setup token delivered to it) where the
        spec issues setup tokens; ``False``: no invitation (its holder was verified another way).
        ``org=None`` registers vendor staff (a vendor-scope ``role``), who hold no account.  A person who
        starts "pre-enrolled" is created with ``invited=False`` and then set up by the harness through
        ordinary ``fire`` calls, as the user would.
        """
        ...

    def fire(
        self,
        account_id: str,
        event: str,
        *,
        actor: str,
        password: str | None = None,
        code: str | None = None,
        token: str | None = None,
        handle: str | None = None,
    ) -> Reply:
        """Fire the spec's ``event`` on ``account_id`` as ``actor`` (see the module docstring) with the
        inputs given (``None``: not given).  A refusal is a ``Reply``, never an exception."""
        ...

    def authenticate(self, person_id: str) -> None:
        """``person_id`` (vendor staff) passes 2FA in the vendor console now; do nothing if the system has
        no vendor staff."""
        ...

    def advance(self, seconds: float) -> bool:
        """Move the system's clock ``seconds`` forward; return ``False`` (and do nothing) when the system
        has no clock the driver controls: the suites then leave time moves out."""
        ...

    def now(self) -> float:
        """The system's current time, in Unix seconds (codes are computed at it)."""
        ...

    def state(self, account_id: str) -> str:
        """The account's lifecycle state, by the spec's name for it."""
        ...

    def has_access(self, account_id: str) -> bool:
        """Whether the account's user has access now: a live session (in an access state)."""
        ...

    def deliveries(self) -> list[Delivery]:
        """What was delivered since the last call (and forget it), in order."""
        ...


def is_driver(obj: object) -> bool:
    """Whether ``obj`` (an instance, not a class) has every method of ``Driver``."""
    return not isinstance(obj, type) and isinstance(obj, Driver)


__all__ = ["KINDS", "SETUP_TOKEN", "SYSTEM", "Delivery", "Driver", "Kind", "Reply", "is_driver"]
