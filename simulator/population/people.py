"""The simulated people of a population run: their account, phone, password and worries.

A phone's authenticator learns a secret only by scanning the ``otpauth://`` URI
that the engine's setup returned (read back with ``pyotp.parse_uri``), and it
computes codes at the simulated time.  Nothing here shows a secret in a ``repr``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyotp
from pydantic import SecretStr

from twofa_fsm import Account


class Entry:
    """One authenticator entry (account, secret), from a scanned URI."""

    __slots__ = ("_totp",)

    def __init__(self, uri: SecretStr) -> None:
        totp = pyotp.parse_uri(uri.get_secret_value())
        if not isinstance(totp, pyotp.TOTP):
            raise ValueError("the authenticator app only takes time-based (otpauth://totp/) URIs")
        self._totp = totp

    def code(self, when: float) -> str:
        return str(self._totp.at(when))

    def __repr__(self) -> str:
        return "Entry(**********)"


@dataclass(slots=True, eq=False)
class SimUser:
    """A user and what the simulation knows about them (their account is the engine's value)."""

    idx: int
    id: str
    org: str
    role: str
    password: str = field(repr=False)
    account: Account
    totp: Entry | None = None  # the entry the user's phone holds for the account (None: no working phone)
    pending: Entry | None = None  # scanned during a setup not yet verified
    ever_enrolled: bool = False
    lock_since: float | None = None  # when the user last needed access and could not get it
    lock_cause: str = ""  # why the next lockout happens (set by the incident that causes it)
    waiting: bool = False  # an Owner/Admin has been asked and has not answered yet
    asks: int = 0  # requests in the current lockout with nobody able to answer
    support_tried: bool = False  # vendor support was asked as the last resort in this lockout
    stranded: bool = False
    phished: bool = False  # an attacker holds the password
    thief: Entry | None = field(default=None, repr=False)  # what a phone thief's stolen phone holds
    attacker: Entry | None = field(default=None, repr=False)  # the attacker's own enrolled entry
