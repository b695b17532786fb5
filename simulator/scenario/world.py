"""The simulated world: people, phones with authenticator apps, mailboxes, a store, a clock.

Phones learn secrets only by scanning the ``otpauth://`` URI that setup returned
(read back with ``pyotp.parse_uri``) and compute codes from them at the simulated
time.  Nothing here ever shows a secret, code or token in a ``repr``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import pyotp
from pydantic import SecretStr

from twofa_fsm import Account, Actor, ManualClock, MemoryStore, Notice
from twofa_fsm_tools.scenario.model import Scenario


class AuthenticatorEntry:
    """One (account, secret) line in an authenticator app, from a scanned URI."""

    __slots__ = ("_totp", "account", "issuer", "scanned_at")

    def __init__(self, uri: SecretStr, scanned_at: float) -> None:
        totp = pyotp.parse_uri(uri.get_secret_value())
        if not isinstance(totp, pyotp.TOTP):
            raise ValueError("the authenticator app only takes time-based (otpauth://totp/) URIs")
        self._totp = totp
        self.account: str = str(totp.name)
        self.issuer: str = str(totp.issuer or "")
        self.scanned_at = scanned_at

    def code_at(self, when: float) -> str:
        return str(self._totp.at(when))

    def same_secret(self, secret: SecretStr | None) -> bool:
        return secret is not None and secret.get_secret_value() == self._totp.secret

    def __repr__(self) -> str:
        return f"AuthenticatorEntry({self.issuer}:{self.account}, scanned at {self.scanned_at:.0f})"


@dataclass(eq=False)
class Phone:
    id: str
    holder: str | None
    app: bool = True
    backup: bool = False
    clock_skew_seconds: int = 0
    entries: list[AuthenticatorEntry] = field(default_factory=list)

    def scan(self, uri: SecretStr, now: float, cloud: list[AuthenticatorEntry] | None) -> AuthenticatorEntry:
        entry = AuthenticatorEntry(uri, now)
        self.entries.append(entry)
        if self.backup and cloud is not None:
            cloud.append(entry)
        return entry

    def entries_for(self, account: str) -> list[AuthenticatorEntry]:
        return [e for e in self.entries if e.account == account] if self.app else []

    def __repr__(self) -> str:
        return f"Phone({self.id}, holder={self.holder}, app={self.app}, {len(self.entries)} entries)"


@dataclass
class Mailboxes:
    """The ``Notifier`` the scenario's service delivers to, after each commit: one mailbox per account holder."""

    notices: dict[str, list[Notice]] = field(default_factory=dict)
    tokens: dict[str, list[SecretStr]] = field(default_factory=dict, repr=False)

    def notify(self, notice: Notice) -> None:
        self.notices.setdefault(notice.account, []).append(notice)

    def deliver_token(self, account_id: str, token: SecretStr, *, key: str = "") -> None:
        self.tokens.setdefault(account_id, []).append(token)


@dataclass
class PersonState:
    id: str
    role: str
    org: str | None
    knows_password: bool
    reads_email: bool
    has_account: bool
    invited: bool = False
    verified_at: float | None = None  # vendor staff: when they last passed 2FA in the vendor console
    cloud: list[AuthenticatorEntry] = field(default_factory=list, repr=False)


@dataclass
class AttackerState:
    id: str
    phished: frozenset[str]
    mail_of: frozenset[str]


class World:
    """Everything a scenario's steps act on, built from a ``Scenario``."""

    def __init__(self, scenario: Scenario, org_roles: set[str]) -> None:
        self.clock = ManualClock(scenario.start_time)
        self.rng = random.Random(f"{scenario.seed}:world")  # noqa: S311 - a reproducible simulation, not security
        self.people: dict[str, PersonState] = {
            p.id: PersonState(
                p.id,
                p.role,
                p.org,
                p.knows_password,
                p.reads_email,
                p.org is not None and p.role in org_roles,
                p.invited,
            )
            for p in scenario.people
        }
        self.attackers: dict[str, AttackerState] = {
            a.id: AttackerState(a.id, frozenset(a.phished_password_of), frozenset(a.reads_email_of))
            for a in scenario.attackers
        }
        self.phones: dict[str, Phone] = {
            d.id: Phone(d.id, d.holder, d.app, d.backup, d.clock_skew_seconds) for d in scenario.devices
        }
        self._passwords: dict[str, str] = {p: f"pw-{self.rng.getrandbits(64):016x}" for p in self.people}
        self.mail = Mailboxes()
        self.store = MemoryStore()  # also the engine's directory: it counts roles and who can still act
        self.views: dict[str, Account] = {}
        self.last_code: dict[str, str] = {}  # per account: the last code anyone submitted (for replays)
        self.setup_handles: dict[str, tuple[str, str]] = {}  # per account: (who started its setup, the handle)
        self.sessions: dict[str, list[str]] = {}  # per account: the session ids its logins and setups opened

    # -- secrets stay in here ---------------------------------------------------------------

    def password_of(self, account_id: str) -> str:
        return self._passwords[account_id]

    def knows_password(self, actor: str, account_id: str) -> bool:
        person = self.people.get(actor)
        if person is not None:
            return actor == account_id and person.knows_password
        attacker = self.attackers.get(actor)
        return attacker is not None and account_id in attacker.phished

    def reads_mail_of(self, actor: str, account_id: str) -> bool:
        person = self.people.get(actor)
        if person is not None:
            return actor == account_id and person.reads_email
        attacker = self.attackers.get(actor)
        return attacker is not None and account_id in attacker.mail_of

    def secrets_for_tests(self) -> list[str]:
        """Every password, token, code, setup handle and session id in the world (tests check reports never
        show them)."""
        tokens = [t.get_secret_value() for ts in self.mail.tokens.values() for t in ts]
        handles = [handle for _, handle in self.setup_handles.values()]
        sessions = [sid for ids in self.sessions.values() for sid in ids]
        return list(self._passwords.values()) + tokens + list(self.last_code.values()) + handles + sessions

    # -- who is who ---------------------------------------------------------------------------

    def engine_actor(self, actor: str) -> Actor:
        """The actor as the engine sees them when they act on someone else's account."""
        if actor == "system":
            return Actor.system()
        person = self.people.get(actor)
        if person is None:
            return Actor(actor, "attacker", None, None)
        if person.has_account:
            return Actor.holder(self.store.load(actor))
        return Actor(person.id, person.role, person.org, person.verified_at)

    def phones_of(self, actor: str) -> list[Phone]:
        """Phones in ``actor``'s hands, most recently acquired first."""
        return [p for p in reversed(list(self.phones.values())) if p.holder == actor]

    def acquire(self, phone_id: str, actor: str) -> None:
        phone = self.phones.pop(phone_id)
        phone.holder = actor
        self.phones[phone_id] = phone  # re-insert: the newest phone comes first in phones_of

    def describe(self) -> dict[str, Any]:
        """A secret-free snapshot of the world for reports: time, accounts, phones and mailboxes."""
        accounts = self.store.accounts(limit=1000)
        return {
            "time": self.clock.now(),
            "accounts": {
                a.id: {
                    "state": a.state,
                    "failures": a.failures,
                    "sessions": len(a.sessions),
                    "token_outstanding": a.token_digest is not None,
                }
                for a in accounts
            },
            "phones": {
                p.id: {"holder": p.holder, "app": p.app, "entries": [e.account for e in p.entries]}
                for p in self.phones.values()
            },
            "mail": {
                a: {"tokens": len(self.mail.tokens.get(a, [])), "notices": [n.kind for n in ns]}
                for a, ns in self.mail.notices.items()
            },
        }

    def __repr__(self) -> str:
        counts = f"{len(self.people)} people, {len(self.attackers)} attackers, {len(self.phones)} phones"
        return f"World({counts}, t={self.clock.now():.0f})"
