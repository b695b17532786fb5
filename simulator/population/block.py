"""One block of users simulated on its own clock, RNG and engine: the fast event loop.

Nothing happens to a user on an ordinary day.  Each user's next incident of each
kind is drawn from its daily probability (exponential gaps), and only those
moments, plus a sample of routine logins and the follow-ups they cause (admin
responses, new setups, attackers' moves), become events on a heap ordered by the
simulated time.  Each event drives the library's public API (``twofa_fsm``).
"""

from __future__ import annotations

import heapq
import math
import random
import time
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from pydantic import SecretStr

from twofa_fsm import (
    Account,
    DeniedError,
    Emissions,
    Engine,
    ManualClock,
    MemoryDirectory,
    Notice,
    Outcome,
    PasswordBook,
    SeededEntropy,
    Spec,
    load_spec,
)
from twofa_fsm_tools.population import flows
from twofa_fsm_tools.population.events import DAY, HANDLERS, START
from twofa_fsm_tools.population.orgs import layout
from twofa_fsm_tools.population.people import SimUser
from twofa_fsm_tools.population.profile import Profile
from twofa_fsm_tools.population.stats import BlockResult

BLOCK_SIZE = 250  # users per block: fixed, so that results do not depend on the number of workers


@dataclass(frozen=True)
class BlockJob:
    """Everything a worker needs to simulate one block (picklable)."""

    spec_path: str
    profile: Profile
    seed: int
    block: int
    users: int
    days: int


@lru_cache(maxsize=8)
def cached_spec(path: str) -> Spec:
    return load_spec(path)


class Mailbox:
    """The notifier: keeps the newest setup token per account (the user's e-mail) and counts notices."""

    def __init__(self) -> None:
        self._tokens: dict[str, SecretStr] = {}
        self.notices: Counter[str] = Counter()

    def notify(self, notice: Notice) -> None:
        self.notices[notice.kind] += 1

    def deliver_token(self, account_id: str, token: SecretStr, *, key: str = "") -> None:
        self._tokens[account_id] = token

    def token(self, account_id: str) -> str | None:
        held = self._tokens.get(account_id)
        return None if held is None else held.get_secret_value()


class _Directory(MemoryDirectory):
    """Counts roles, and who can still act (so vendor support helps when every owner is locked out)."""

    def __init__(self, by_org: dict[str, list[SimUser]]) -> None:
        super().__init__()
        self.by_org = by_org

    def count_able_to_act(self, org: str, role: str, *, exclude: str, states: frozenset[str]) -> int:
        return sum(
            1 for p in self.by_org.get(org, ()) if p.role == role and p.id != exclude and p.account.state in states
        )


class BlockSim:
    """The users of one block, their engine and the heap of what happens next."""

    def __init__(self, job: BlockJob) -> None:
        self.job = job
        self.profile = job.profile
        self.rng = random.Random(f"twofa-fsm-population:{job.seed}:{job.block}")  # noqa: S311 - simulation only, by design
        self.clock = ManualClock(START)
        self.passwords = PasswordBook(iterations=1)
        self.by_org: dict[str, list[SimUser]] = {}
        self.directory = _Directory(self.by_org)
        self.mail = Mailbox()
        self.engine = Engine(
            cached_spec(job.spec_path),
            passwords=self.passwords,
            clock=self.clock,
            entropy=SeededEntropy(self.rng.getrandbits(64)),
            directory=self.directory,
        )
        self.end = START + job.days * DAY
        self.counts: Counter[str] = Counter()
        self.lock_hours: list[float] = []
        self._heap: list[tuple[float, int, str, int, int]] = []
        self._seq = 0
        self.people: list[SimUser] = []
        self._populate()

    # -- time and scheduling ------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.clock.now()

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def at(self, when: float, kind: str, person: SimUser, arg: int = 0) -> None:
        """Schedule ``kind`` for ``person`` at ``when`` (dropped when past the end of the run)."""
        if when <= self.end:
            self._seq += 1
            heapq.heappush(self._heap, (when, self._seq, kind, person.idx, arg))

    def later(self, seconds: float, kind: str, person: SimUser, arg: int = 0) -> None:
        self.at(self.now + seconds, kind, person, arg)

    def gap(self, daily: float) -> float | None:
        """Seconds to the next occurrence of something with this daily probability (None: never)."""
        if daily <= 0.0:
            return None
        return self.rng.expovariate(-math.log1p(-daily)) * DAY

    def chain(self, daily: float, kind: str, person: SimUser, arg: int = 0) -> None:
        """Schedule the next occurrence of a recurring daily-probability event."""
        wait = self.gap(daily)
        if wait is not None:
            self.later(wait, kind, person, arg)

    def next_login(self) -> float:
        """Seconds until the user next logs in (whole days drawn geometrically, then an hour of the day)."""
        p = self.profile.users.login_probability
        days = 0 if p >= 1.0 else int(math.log(1.0 - self.rng.random()) / math.log1p(-p))
        return days * DAY + self.rng.uniform(0.5, 10.0) * 3600

    # -- engine calls ---------------------------------------------------------------------------

    def keep(self, person: SimUser, account: Account | None) -> None:
        if account is not None and account.id == person.id:
            person.account = account

    def emitted(self, emitted: Emissions) -> None:
        """What a call emitted: its audit records are counted, its messages delivered to the mailbox."""
        for record in emitted.audit:
            self.counts["engine_events"] += 1
            if record.outcome != "allowed":
                self.counts["refused_events"] += 1
        emitted.deliver(self.mail)

    def outcome(self, person: SimUser, out: Outcome) -> Outcome:
        self.emitted(out.emitted)
        self.keep(person, out.account)
        return out

    def refused(self, person: SimUser, err: DeniedError) -> DeniedError:
        self.emitted(err.emitted)
        self.keep(person, err.account)
        return err

    def fresh_step(self, person: SimUser) -> None:
        """Wait for the authenticator's next code when this one's time step was already used."""
        period = self.engine.policy.period
        last = person.account.last_step
        if last is not None and last >= int(self.now // period):
            self.clock.set((last + 1) * period + 1.0)

    def login(self, person: SimUser) -> bool:
        """The person logs in with their password and their phone's code."""
        if person.totp is None:
            return False
        self.fresh_step(person)
        try:
            self.outcome(
                person, self.engine.login(person.account, password=person.password, code=person.totp.code(self.now))
            )
        except DeniedError as err:
            self.refused(person, err)
            return False
        self.counts["logins"] += 1
        return True

    # -- lockouts -------------------------------------------------------------------------------

    def begin_lock(self, person: SimUser) -> None:
        if person.lock_since is None and person.ever_enrolled:
            person.lock_since = self.now
            self.counts["lockouts"] += 1
            self.counts[f"lockouts.{person.lock_cause or 'other'}"] += 1

    def end_lock(self, person: SimUser) -> None:
        if person.lock_since is not None:
            self.lock_hours.append((self.now - person.lock_since) / 3600)
        person.lock_since = None
        person.lock_cause = ""
        person.asks = 0
        person.support_tried = False
        person.stranded = False

    # -- the run --------------------------------------------------------------------------------

    def _populate(self) -> None:
        plan = layout(self.job.block, self.job.users, self.rng, self.profile.organisations)
        self.counts.update({"users": len(plan.seats), "orgs": plan.orgs, "sole_owner_orgs": plan.sole_owner_orgs})
        for idx, seat in enumerate(plan.seats):
            password = f"pw-{self.rng.getrandbits(64):016x}"
            self.passwords.set(seat.id, password)
            self.directory.add(seat.org, seat.role)
            created = self.engine.new_account(seat.id, seat.org, seat.role, invite=False)  # day-0 roll-out
            created.emitted.deliver(self.mail)  # no invitation here: nothing to send, and creation is no engine event
            person = SimUser(idx, seat.id, seat.org, seat.role, password, created.account)
            self.people.append(person)
            self.by_org.setdefault(seat.org, []).append(person)

    def run(self) -> BlockResult:
        flows.start(self)
        while self._heap:
            when, _, kind, idx, arg = heapq.heappop(self._heap)
            if when > self.now:
                self.clock.set(when)
            HANDLERS[kind](self, self.people[idx], arg)
        if self.now < self.end:
            self.clock.set(self.end)
        result = BlockResult(self.job.block, self.counts, self.lock_hours)
        for person in self.people:
            self.counts[f"state.{person.account.state}"] += 1
            if person.lock_since is not None:
                result.open_lock_hours.append((self.end - person.lock_since) / 3600)
        return result


def run_block(job: BlockJob) -> tuple[BlockResult, float]:
    """Simulate one block; also return its own wall time (not part of the compared numbers)."""
    started = time.perf_counter()
    result = BlockSim(job).run()
    return result, time.perf_counter() - started
