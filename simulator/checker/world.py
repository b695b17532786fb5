"""The checker's world: one target account, the people around it (accounts of their own), devices and mail.

A ``Situation`` is an immutable snapshot.  ``key()`` abstracts it to what can change
behaviour (state, who holds which secret, counters, time relations), so that the
breadth-first search terminates; the first (shortest-path) concrete world found
for a key represents it.  Who the people are comes from the spec (``people.py``).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from twofa_fsm import (
    Account,
    Attempt,
    DeniedError,
    Directory,
    Dispatch,
    Emissions,
    Engine,
    MemoryDirectory,
    PasswordBook,
    Spec,
)
from twofa_fsm.totp import backoff_seconds
from twofa_fsm_tools.checker.derive import Facts
from twofa_fsm_tools.checker.people import Colleague, colleagues, target_id
from twofa_fsm_tools.checker.timers import TIMERS

EPOCH = 1_700_000_010.0  # the scenario world's start: counterexamples replay as scenarios
USER, PHISHER, THIEF = "user", "phisher", "thief"
PARTIES = (USER, PHISHER, THIEF)  # the holder and the two attackers: they present credentials, not a role
ORG, OTHER_ORG = "acme", "globex"
DISPATCH: list[Dispatch] = ["compiled"]  # how the checker's engines fire events (tests set "transitions" to compare)
__all__ = [
    "DISPATCH",
    "EPOCH",
    "ORG",
    "OTHER_ORG",
    "PARTIES",
    "PHISHER",
    "THIEF",
    "TIMERS",
    "USER",
    "Harness",
    "Situation",
]


class SettableClock:
    def __init__(self) -> None:
        self.t = EPOCH

    def now(self) -> float:
        return self.t


class CounterEntropy:
    """Deterministic per branch: the world carries the counter."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.n = 0

    def _bytes(self, size: int) -> bytes:
        out = b""
        while len(out) < size:
            self.n += 1
            out += hashlib.sha256(f"{self.seed}:{self.n}".encode()).digest()
        return out[:size]

    def base32(self, length: int) -> str:
        return base64.b32encode(self._bytes(length)).decode()[:length]

    def token(self, nbytes: int) -> str:
        return self._bytes(nbytes).hex()


def mailed_token(emitted: Emissions) -> str | None:
    """The setup token a call delivered, if any (the checker's user reads her mail)."""
    tokens = emitted.tokens
    return tokens[-1].token.get_secret_value() if tokens else None


@lru_cache(maxsize=4096)
def sha(value: str | None) -> str | None:
    """The stored digest of a token or handle (a handful of distinct values per search: cached)."""
    return None if value is None else hashlib.sha256(value.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Situation:
    now: float
    entropy_n: int
    account: Account
    holds: tuple[frozenset[str], ...]  # per party in PARTIES: secrets on their device
    mail: str | None = None  # the newest token in the user's mailbox
    old_mail: str | None = None  # the one before it (replaced or spent tokens stay in the mailbox)
    handles: tuple[str | None, ...] = (None, None, None)  # per party: the setup handle their last start gave
    dead: frozenset[str] = frozenset()  # revoked or discarded secrets
    accepted: frozenset[tuple[str, int]] = frozenset()  # (secret, step) pairs accepted so far
    last_code: tuple[str, str] | None = None  # (secret, code) last accepted, for replays
    snapshot: Account | None = None  # the account when the confirmation step was entered

    def held(self, party: str) -> frozenset[str]:
        return self.holds[PARTIES.index(party)]

    def handle(self, party: str) -> str | None:
        return self.handles[PARTIES.index(party)]

    def with_held(self, party: str, secrets: frozenset[str]) -> Situation:
        holds = list(self.holds)
        holds[PARTIES.index(party)] = secrets
        return replace(self, holds=tuple(holds))


class Harness:
    """One engine for the whole search; each step restores clock and entropy from the world."""

    def __init__(
        self,
        spec: Spec,
        target_role: str,
        seed: int = 1,
        *,
        ident: str | None = None,
        org: str = ORG,
        lean: bool = False,
        directory: Directory | None = None,
    ) -> None:
        self.spec = spec
        self.facts = Facts(spec)
        self.policy = spec.policy
        self.target_role = target_role
        self.target_id = ident or target_id(target_role)
        self.org = org
        self.password = f"pw-{self.target_id}"
        self.clock = SettableClock()
        self.entropy = CounterEntropy(seed)
        self.passwords = PasswordBook(iterations=1)
        self.passwords.set(self.target_id, self.password)
        if directory is None:
            directory = MemoryDirectory()
            for role in self.facts.org_roles:
                directory.add(ORG, role)  # one each: the target is the only holder of its role
            if self.facts.org_roles:
                directory.add(OTHER_ORG, self.facts.org_roles[0])
        self.directory = directory
        self.engine = Engine(
            spec,
            passwords=self.passwords,
            clock=self.clock,
            entropy=self.entropy,
            directory=directory,
            dispatch=DISPATCH[0],
        )
        self.people: tuple[Colleague, ...] = colleagues(self.facts, target_role, ORG, OTHER_ORG, lean=lean)
        self.other_can_act = False  # another holder of the target's role can act (a pair world says when)
        self.peer_standing = (True, True, True)  # a pair world's peer: in access, a live session, a recent one
        self.peer_state: str | None = None  # a pair world's peer's state (a refusal's message names it)
        self.invite: str | None = None  # the invitation token a new target was mailed
        self.accounts: dict[str, Account] = {}  # the people's own accounts (built by start.py)
        self.forbidden: dict[tuple[object, ...], DeniedError] = {}  # see actions.apply
        self._codes: dict[tuple[str, int], str] = {}
        self.wrong_codes: dict[tuple[object, ...], str] = {}
        self.calls_on: Situation | None = None  # the world whose holder calls ``calls`` remembers (actions.py)
        self.calls: dict[tuple[object, ...], tuple[Attempt, int]] = {}
        self.rulings: dict[tuple[object, ...], bool] = {}  # references.authorised, per person, event (and peer)
        self.moves_of: dict[str, list[Any]] = {}  # per event: the people's and the timers' moves (moves.py)

    def session_digest(self, person: str) -> str:
        """The stored form of the session a person acts through (the id itself never matters here)."""
        return hashlib.sha256(f"session:{person}".encode()).hexdigest()

    def begin(self, world: Situation) -> None:
        """Set the shared clock and entropy to ``world``'s before a step."""
        self.clock.t = world.now
        self.entropy.n = world.entropy_n

    def step_of(self, now: float) -> int:
        return int(now // self.policy.period)

    def code(self, secret: str, now: float, offset: int = 0) -> str:
        step = self.step_of(now) + offset
        known = self._codes.get((secret, step))
        if known is None:
            if len(self._codes) > 200_000:
                self._codes.clear()
            known = self._codes[(secret, step)] = self.engine.verifier.code_at(secret, step * self.policy.period)
        return known

    # -- abstraction ------------------------------------------------------------------------

    def failure_class(self, failures: int) -> int:
        """0, 1 (some: 1 .. max-2, filled by the brute-force macro), max-1, max, over max."""
        top = self.policy.max_failures
        if failures == 0:
            return 0
        if failures >= top - 1:
            return min(failures, top + 1) - top + 3  # 2: max-1, 3: max, 4: over
        return 1

    def key(self, w: Situation) -> tuple[object, ...]:
        a, now, pol = w.account, w.now, self.policy
        bound = a.bound_secret.get_secret_value() if a.bound_secret else None
        pending = a.pending_secret.get_secret_value() if a.pending_secret else None
        holdings = tuple((bound in h, pending in h, bool(h & w.dead)) for h in w.holds)
        step = self.step_of(now)
        rel = None if a.last_step is None else max(-3, min(2, a.last_step - step))
        wait = backoff_seconds(pol, a.failures)
        backoff = a.last_failure_at is not None and now < a.last_failure_at + wait
        token = None if a.token_digest is None else (a.token_expires_at is not None and now < a.token_expires_at)
        timed_out = (
            pol.setup_timeout_seconds is not None
            and a.pending_since is not None
            and now - a.pending_since > pol.setup_timeout_seconds
        )
        replay = w.last_code is not None and w.last_code[0] in (bound, pending)
        limit, asked = pol.reset_confirm_seconds, a.reset_requested_at
        reset_due = limit is not None and asked is not None and now - asked > limit
        handles = tuple(h is not None and sha(h) == a.setup_handle_digest for h in w.handles)
        mail = (w.mail is not None, sha(w.mail) == a.token_digest, w.old_mail is not None)
        return (
            reset_due,
            a.state,
            a.prior_state,
            self.failure_class(a.failures),
            backoff,
            token,
            a.token_required,
            timed_out,
            rel,
            bool(a.sessions),
            holdings,
            mail,
            handles,
            replay,
            bound is None,
            pending is None,
        )
