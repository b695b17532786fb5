"""The checker's world: one target account, the people around it, their devices and mail.

A ``Situation`` is an immutable snapshot.  ``key()`` abstracts it to what can change
behaviour (state, who holds which secret, counters, time relations), so that the
breadth-first search terminates; the first (shortest-path) concrete world found
for a key represents it.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, replace

from twofa_fsm import Account, Actor, DeniedError, Emissions, Engine, MemoryDirectory, PasswordBook, Spec
from twofa_fsm.totp import backoff_seconds

EPOCH = 1_700_000_010.0  # the scenario world's start: counterexamples replay as scenarios
USER, PHISHER, THIEF = "user", "phisher", "thief"
PARTIES = (USER, PHISHER, THIEF)
ORG, OTHER_ORG = "acme", "globex"


@dataclass(frozen=True)
class Colleague:
    """Someone who may act on the target as an organisation actor."""

    key: str
    id: str
    role: str
    org: str | None
    fresh: bool = True  # passed 2FA recently


# The people around the target: the target itself is added per run as "self".
PEOPLE = (
    Colleague("owner", "olivia", "owner", ORG),
    Colleague("admin", "adam", "admin", ORG),
    Colleague("stale_admin", "adam", "admin", ORG, fresh=False),
    Colleague("member", "max", "member", ORG),
    Colleague("foreign_admin", "eve", "admin", OTHER_ORG),
    Colleague("support", "desk", "support", None),
)
TARGETS = {"member": "mia", "admin": "adam", "owner": "olivia"}
TIERS = {"owner": 3, "admin": 2, "member": 1}


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


@dataclass(frozen=True)
class Situation:
    now: float
    entropy_n: int
    account: Account
    holds: tuple[frozenset[str], ...]  # per party in PARTIES: secrets on their device
    mail: str | None = None  # the token in the user's mailbox
    dead: frozenset[str] = frozenset()  # revoked or discarded secrets
    accepted: frozenset[tuple[str, int]] = frozenset()  # (secret, step) pairs accepted so far
    last_code: tuple[str, str] | None = None  # (secret, code) last accepted, for replays
    snapshot: Account | None = None  # the account when the confirmation step was entered

    def held(self, party: str) -> frozenset[str]:
        return self.holds[PARTIES.index(party)]

    def with_held(self, party: str, secrets: frozenset[str]) -> Situation:
        holds = list(self.holds)
        holds[PARTIES.index(party)] = secrets
        return replace(self, holds=tuple(holds))


class Harness:
    """One engine for the whole search; each step restores clock and entropy from the world."""

    def __init__(self, spec: Spec, target_role: str, seed: int = 1) -> None:
        self.spec = spec
        self.policy = spec.policy
        self.target_role = target_role
        self.target_id = TARGETS[target_role]
        self.password = f"pw-{self.target_id}"
        self.clock = SettableClock()
        self.entropy = CounterEntropy(seed)
        passwords = PasswordBook(iterations=1)
        passwords.set(self.target_id, self.password)
        directory = MemoryDirectory()
        for role in ("owner", "admin", "member"):
            directory.add(ORG, role)  # one each: the owner is the sole owner
        directory.add(OTHER_ORG, "admin")
        self.engine = Engine(
            spec,
            passwords=passwords,
            clock=self.clock,
            entropy=self.entropy,
            directory=directory,
        )
        self.people = (*PEOPLE, Colleague("self", self.target_id, target_role, ORG))
        self.forbidden: dict[tuple[str, str, str, str | None], DeniedError] = {}  # see actions.apply
        self._codes: dict[tuple[str, int], str] = {}

    def begin(self, world: Situation) -> None:
        """Set the shared clock and entropy to ``world``'s before a step."""
        self.clock.t = world.now
        self.entropy.n = world.entropy_n

    def actor(self, person: Colleague, now: float) -> Actor:
        recent = self.policy.recent_auth_seconds or 900
        verified = now - 5 if person.fresh else now - recent - 3600
        return Actor(person.id, person.role, person.org, verified)

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

    def initial(self, enrolled: bool) -> Situation:
        """The target just created (unenrolled) or already enrolled by its user."""
        self.clock.t = EPOCH
        self.entropy.n = 0
        created = self.engine.new_account(self.target_id, ORG, self.target_role, invite=not enrolled)
        account, self.invite = created.account, mailed_token(created.emitted)
        world = Situation(EPOCH, self.entropy.n, account, (frozenset(), frozenset(), frozenset()), mail=self.invite)
        if not enrolled:
            return world
        out = self.engine.start_setup(account, password=self.password)
        secret = out.account.pending_secret.get_secret_value() if out.account.pending_secret else ""
        code = self.code(secret, EPOCH)
        done = self.engine.verify_setup(out.account, code=code, handle=out.setup_handle)
        now = EPOCH + self.policy.period  # as the scenario world: one step passes after enrolling
        return Situation(
            now,
            self.entropy.n,
            done.account,
            (frozenset({secret}), frozenset(), frozenset()),
            accepted=frozenset({(secret, self.step_of(EPOCH))}),
            last_code=(secret, code),
        )

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
            w.mail is not None,
            replay,
            bound is None,
            pending is None,
        )
