"""The harness's side of one system: who knows which password, phones and what they scanned, mailboxes,
setup handles.  Each system under comparison (the oracle, the driver) has its own ``Side``: secrets
differ between them, the input *classes* a step names do not.

Inputs are chosen as the scenario runner chooses them (``scenario/credentials.py``), so a case written
out as a scenario replays with ``twofa-fsm simulate`` exactly as it ran here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyotp
from pydantic import SecretStr

from twofa_fsm import Policy, TotpVerifier
from twofa_fsm_tools.scenario.credentials import _malform
from twofa_fsm_tools.scenario.model import Scenario, Step
from twofa_fsm_tools.scenario.world import AuthenticatorEntry, Phone

WRONG_PASSWORD = "wrong-password-0"  # noqa: S105 - a deliberately wrong password, not a secret
GUESS_PASSWORD = "guess-password-0"  # noqa: S105
WRONG_TOKEN = "0123456789abcdef0123456789abcdef"  # noqa: S105
WRONG_HANDLE = "made-up-handle-0000000000000000"


class Unsupported(Exception):
    """The step needs something the protocol cannot do (the message says what)."""


@dataclass
class Side:
    """What the people around one system hold; copied (``copy``) when the path generator branches."""

    passwords: dict[str, str]
    knows: dict[str, frozenset[str]]  # whose passwords each person or attacker knows
    reads: dict[str, frozenset[str]]  # whose mail each reads
    phones: dict[str, Phone]
    clouds: dict[str, list[AuthenticatorEntry]] = field(default_factory=dict)
    mail: dict[str, list[str]] = field(default_factory=dict)
    seen_secrets: dict[str, list[str]] = field(default_factory=dict)  # per account: every secret shown
    handles: dict[str, tuple[str, str]] = field(default_factory=dict)  # per account: (starter, handle)
    last_code: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario) -> Side:
        passwords = {p.id: f"pw-{p.id}-{scenario.seed}" for p in scenario.people}
        knows = {p.id: frozenset({p.id}) if p.knows_password else frozenset() for p in scenario.people}
        reads = {p.id: frozenset({p.id}) if p.reads_email else frozenset() for p in scenario.people}
        for a in scenario.attackers:
            knows[a.id] = frozenset(a.phished_password_of)
            reads[a.id] = frozenset(a.reads_email_of)
        phones = {d.id: Phone(d.id, d.holder, d.app, d.backup, d.clock_skew_seconds) for d in scenario.devices}
        return cls(passwords, knows, reads, phones, {p.id: [] for p in scenario.people})

    def copy(self) -> Side:
        phones = {k: Phone(p.id, p.holder, p.app, p.backup, p.clock_skew_seconds, list(p.entries))
                  for k, p in self.phones.items()}  # fmt: skip
        return Side(
            self.passwords, self.knows, self.reads, phones,
            {k: list(v) for k, v in self.clouds.items()}, {k: list(v) for k, v in self.mail.items()},
            {k: list(v) for k, v in self.seen_secrets.items()}, dict(self.handles), dict(self.last_code),
        )  # fmt: skip

    # -- phones ---------------------------------------------------------------------------------

    def phone_in_hand(self, actor: str, device: str | None) -> Phone | None:
        if device is not None:
            phone = self.phones.get(device)
            if phone is None or phone.holder != actor:
                raise Unsupported(f"phone '{device}' is not in {actor}'s hands")
            return phone
        held = [p for p in reversed(list(self.phones.values())) if p.holder == actor]
        return held[0] if held else None

    def acquire(self, phone_id: str, actor: str) -> None:
        phone = self.phones.pop(phone_id)
        phone.holder = actor
        self.phones[phone_id] = phone

    def scan(self, actor: str, device: str | None, account: str, uri: str, now: float) -> None:
        secret = pyotp.parse_uri(uri).secret
        self.seen_secrets.setdefault(account, []).append(secret)
        phone = self.phone_in_hand(actor, device)
        if phone is not None and phone.app:
            entry = AuthenticatorEntry(SecretStr(uri), now)
            entry.account = account  # by the harness's name (a backend labels it as it likes: an e-mail, a prefix)
            phone.entries.append(entry)
            if phone.backup and actor in self.clouds:
                self.clouds[actor].append(entry)

    # -- inputs, as the scenario runner picks them ----------------------------------------------

    def password(self, actor: str, account: str, kind: str | None) -> str | None:
        if kind == "none":
            return None
        if kind == "wrong":
            return WRONG_PASSWORD
        return self.passwords[account] if account in self.knows.get(actor, frozenset()) else GUESS_PASSWORD

    def token(self, actor: str, account: str, kind: str | None) -> str | None:
        if kind == "none":
            return None
        if kind == "wrong":
            return WRONG_TOKEN
        tokens = self.mail.get(account, []) if account in self.reads.get(actor, frozenset()) else []
        if kind == "stale":
            return tokens[-2] if len(tokens) >= 2 else None
        return tokens[-1] if tokens else None

    def handle(self, actor: str, account: str, kind: str | None) -> str | None:
        if kind == "none":
            return None
        if kind == "wrong":
            return WRONG_HANDLE
        starter, issued = self.handles.get(account, ("", ""))
        return issued if starter == actor else None

    def code(self, step: Step, actor: str, account: str, policy: Policy, now: float) -> str | None:
        kind = step.code or "current"
        if kind == "none":
            return None
        if kind == "replay":
            return self.last_code.get(account)
        if kind == "wrong":
            return self._wrong_code(account, policy, now)
        phone = self.phone_in_hand(actor, step.device)
        entries = phone.entries_for(account) if phone is not None else []
        if phone is None or not entries:
            return None
        entry = entries[0] if step.entry == "oldest" else entries[-1]
        drift = int(kind.split(":")[1]) if kind.startswith("drift:") else 0
        value = entry.code_at(now + phone.clock_skew_seconds + drift * policy.period)
        return _malform(value, kind.split(":")[1]) if kind.startswith("malformed:") else value

    def _wrong_code(self, account: str, policy: Policy, now: float) -> str:
        """A well-formed code no secret shown for the account accepts near now."""
        verifier = TotpVerifier(policy)
        near = {
            verifier.code_at(s, now + k * policy.period)
            for s in self.seen_secrets.get(account, [])
            for k in range(-3, 4)
        }
        return next(c for n in range(10**policy.digits) if (c := f"{n:0{policy.digits}d}") not in near)


__all__ = ["Side", "Unsupported"]
