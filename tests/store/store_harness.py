"""A race on one account: workers (threads or processes) fire random conflicting events through
``TwoFAService`` on one store (a ``Backend``: memory, SQLite or PostgreSQL), then ``verify_race`` checks
the log, the state, tokens, codes and the outbox.

Shared by the tests and by ``store_worker.py`` (the subprocess side).
"""

from __future__ import annotations

import hashlib
import random
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyotp
from backends import Backend
from pydantic import SecretStr

from twofa_fsm import (
    REALISTIC_EPOCH,
    Account,
    Actor,
    Clock,
    ConcurrentUpdate,
    DeniedError,
    GuardFailed,
    Notice,
    Outcome,
    PasswordBook,
    Spec,
    Store,
    TwoFAService,
    load_spec,
)

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "spec" / "twofa.yaml"
SPEED = 600.0  # simulated seconds per real second: a TOTP step every 50 ms
TARGET = "mia"
PASSWORDS = {
    "olivia": "pw-olivia-9f2",
    "adam": "pw-adam-41c",
    "ada": "pw-ada-7d0",
    "max": "pw-max-3be",
    TARGET: "pw-mia-c85",
}
REFUSALS = {"InvalidEvent", "Forbidden", "InvalidSession", "GuardFailed", "BadCode"}
WEIGHTS = {
    "login": 30,
    "login_replay": 5,
    "login_wrong": 1,
    "request_reset": 4,
    "confirm_reset": 4,
    "cancel_reset": 3,
    "start_setup": 15,
    "verify_setup": 15,
    "report_lost_device": 1,
    "tick": 4,
    "abandon_setup": 1,
    "forbidden_reset": 2,
}


class FastClock:
    """Wall time, sped up, from a shared origin: every worker (thread or process) agrees on it."""

    def __init__(self, t0: float) -> None:
        self.t0 = t0

    def now(self) -> float:
        return REALISTIC_EPOCH + (time.time() - self.t0) * SPEED


class SharedOutbox:
    """A notifier that records notices and tokens, with their idempotency keys, in a side SQLite file
    (test-only), shared by processes: what the holders received."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _exec(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def init(self) -> None:
        self._exec("PRAGMA journal_mode = WAL")
        self._exec(
            "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, account TEXT, kind TEXT, token TEXT, key TEXT)"
        )

    def notify(self, notice: Notice) -> None:
        self._exec(
            "INSERT INTO outbox (account, kind, key) VALUES (?, ?, ?)", (notice.account, notice.kind, notice.key)
        )

    def deliver_token(self, account_id: str, token: SecretStr, *, key: str = "") -> None:
        self._exec(
            "INSERT INTO outbox (account, kind, token, key) VALUES (?, 'token', ?, ?)",
            (account_id, token.get_secret_value(), key),
        )

    def received(self) -> list[tuple[str, str, str]]:
        """(key, account, kind) of every message received, in order ("token" for a token)."""
        return [
            (str(r[0]), str(r[1]), str(r[2])) for r in self._exec("SELECT key, account, kind FROM outbox ORDER BY seq")
        ]

    def tokens(self) -> list[str]:
        return [str(r[0]) for r in self._exec("SELECT token FROM outbox WHERE kind = 'token' ORDER BY seq")]

    def latest_token(self) -> str | None:
        rows = self._exec("SELECT token FROM outbox WHERE kind = 'token' ORDER BY seq DESC LIMIT 1")
        return str(rows[0][0]) if rows else None


class ThinkingStore:
    """A store that pauses after each load, as a real request does while it hashes a password or calls out.

    That widens the race window.
    """

    def __init__(self, inner: Store, think: float) -> None:
        self.inner, self.think = inner, think

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def load(self, account_id: str) -> Account:
        account = self.inner.load(account_id)
        if self.think:
            time.sleep(self.think)
        return account


def make_service(
    backend: Backend, outbox: Path, t0: float, think: float = 0.0, clock: Clock | None = None
) -> TwoFAService:
    """A service on ``backend`` delivering to the shared outbox file; ``clock``: the sped-up wall clock by default."""
    passwords = PasswordBook(iterations=1)
    for user, pw in PASSWORDS.items():
        passwords.set(user, pw)
    store = backend.open()
    return TwoFAService.from_spec(
        race_spec(),
        store=ThinkingStore(store, think) if think else store,  # type: ignore[arg-type]
        passwords=passwords,
        clock=clock if clock is not None else FastClock(t0),
        notifier=SharedOutbox(outbox),
    )


def race_spec() -> Spec:
    """spec/twofa.yaml with sessions that last the whole run and a day's recency: at 600x, the admins' one
    session (opened when they enrol) would otherwise expire within seconds and no reset would race."""
    spec = load_spec(SPEC_PATH)
    policy = spec.policy.model_copy(
        update={"session_idle_seconds": None, "session_lifetime_seconds": None, "recent_auth_seconds": 86400}
    )
    return spec.model_copy(update={"policy": policy})


def seed(backend: Backend, outbox: Path) -> float:
    """Create the organisation and enrol the target; returns the clock origin."""
    t0 = time.time()
    SharedOutbox(outbox).init()
    service = make_service(backend, outbox, t0)
    for user, role in (("olivia", "owner"), ("adam", "admin"), ("ada", "admin"), ("max", "member"), (TARGET, "member")):
        service.create_account(user, "acme", role, invite=False)
    for user in ("adam", "ada", TARGET):  # the admins act through their own enrolled accounts and sessions
        started = service.start_setup(user, password=PASSWORDS[user])
        assert started.provisioning_uri is not None
        secret = pyotp.parse_uri(started.provisioning_uri.get_secret_value()).secret
        service.verify_setup(user, code=pyotp.TOTP(secret).at(service.engine.clock.now()), handle=started.setup_handle)
    return t0


def fingerprint(secret: str, code: str, step: int | None = None) -> str:
    return hashlib.sha256(f"{secret}:{code}@{step}".encode()).hexdigest()[:20]


@dataclass
class Attempt:
    worker: int
    action: str
    result: str  # "allowed", "none" (tick: nothing due), "ConcurrentUpdate" or the refusal kind
    version: int | None = None  # the version this attempt committed, if it did
    accepted: str | None = None  # fingerprint of (secret, code) of an accepted code
    step: int | None = None
    secret_fp: str | None = None


@dataclass
class WorkerLog:
    attempts: list[Attempt] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # every secret, code, token and password this worker handled

    def to_json(self) -> dict[str, object]:
        return {"attempts": [asdict(a) for a in self.attempts], "seen": sorted(self.seen)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> WorkerLog:
        attempts = data["attempts"]
        seen = data["seen"]
        assert isinstance(attempts, list) and isinstance(seen, list)
        return cls([Attempt(**a) for a in attempts], set(seen))


@dataclass
class _Used:
    """What one attempt handled: the time, the TOTP step and the secret and code it used (if any)."""

    now: float
    step: int
    secret: str | None = None
    code: str | None = None

    def record(self, log: WorkerLog) -> None:
        if self.secret:
            log.seen.add(self.secret)
        if self.code:
            log.seen.add(self.code)


Accepted = tuple[str, str, int]  # (secret, code, step) of the last code this worker had accepted


def _login(service: TwoFAService, action: str, account: Account, used: _Used, last: Accepted | None) -> Outcome:
    """A login with the current code, a wrong one, or a replay of the last accepted one."""
    if account.bound_secret is None:
        used.secret, used.code = "", "123456"
    else:
        used.secret = account.bound_secret.get_secret_value()
        used.code = pyotp.TOTP(used.secret).at(used.now)
        if action == "login_wrong":
            used.code = f"{(int(used.code) + 1) % 1_000_000:06d}"
        elif action == "login_replay" and last is not None and last[0] == used.secret:
            used.code, used.step = last[1], last[2]
    return service.login(TARGET, password=PASSWORDS[TARGET], code=used.code)


def _start_setup(service: TwoFAService, outbox: SharedOutbox, log: WorkerLog) -> Outcome:
    out = service.start_setup(TARGET, password=PASSWORDS[TARGET], token=outbox.latest_token())
    if out.provisioning_uri is not None:
        log.seen.add(out.provisioning_uri.get_secret_value())
    return out


def _verify_setup(service: TwoFAService, outbox: SharedOutbox, account: Account, used: _Used) -> Outcome:
    used.secret = "" if account.pending_secret is None else account.pending_secret.get_secret_value()
    used.code = pyotp.TOTP(used.secret).at(used.now) if used.secret else "654321"
    # another worker may have started it: the password proves the holder, as the handle would
    return service.verify_setup(TARGET, code=used.code, token=outbox.latest_token(), password=PASSWORDS[TARGET])


def _act(
    service: TwoFAService,
    outbox: SharedOutbox,
    log: WorkerLog,
    action: str,
    account: Account,
    admin: Actor,
    used: _Used,
    last: Accepted | None,
) -> Outcome | None:
    """Fire ``action`` on the target through the service; None when a tick had nothing due."""
    if action in ("login", "login_wrong", "login_replay"):
        return _login(service, action, account, used, last)
    if action == "start_setup":
        return _start_setup(service, outbox, log)
    if action == "verify_setup":
        return _verify_setup(service, outbox, account, used)
    others: dict[str, Callable[[], Outcome | None]] = {
        "request_reset": lambda: service.request_reset(TARGET, admin),
        "confirm_reset": lambda: service.confirm_reset(TARGET, admin),
        "cancel_reset": lambda: service.cancel_reset(TARGET, admin),
        "forbidden_reset": lambda: service.request_reset(
            TARGET, Actor("max", "member", "acme", service.engine.clock.now())
        ),
        "report_lost_device": lambda: service.report_lost_device(TARGET, password=PASSWORDS[TARGET]),
        "abandon_setup": lambda: service.abandon_setup(TARGET, password=PASSWORDS[TARGET]),
    }
    return others.get(action, lambda: service.tick(TARGET))()


def _refused(worker: int, action: str, err: DeniedError) -> Attempt:
    counted = isinstance(err, GuardFailed) and err.counted
    assert err.account is not None
    return Attempt(worker, action, err.kind, err.account.version if counted else None)


def _allowed(worker: int, action: str, out: Outcome, used: _Used) -> tuple[Attempt, Accepted | None]:
    """The attempt that committed ``out``, and the code it had accepted (if it accepted one)."""
    attempt = Attempt(worker, action, "allowed", out.account.version)
    if out.event in ("login", "verify_setup") and used.secret and used.code:
        attempt.accepted, attempt.step, attempt.secret_fp = (
            fingerprint(used.secret, used.code, used.step),
            out.account.last_step,
            fingerprint(used.secret, ""),
        )
        return attempt, (used.secret, used.code, used.step)
    return attempt, None


def run_worker(service: TwoFAService, worker: int, n: int, seed_value: int, log: WorkerLog) -> None:
    rng = random.Random(seed_value)
    outbox = service.notifier
    assert isinstance(outbox, SharedOutbox)
    clock = service.engine.clock
    store = service.store
    actions, weights = list(WEIGHTS), list(WEIGHTS.values())
    last_accepted: Accepted | None = None
    log.seen.update(PASSWORDS.values())
    for _ in range(n):
        action = rng.choices(actions, weights)[0]
        account = store.load(TARGET)
        admin = Actor(rng.choice(["adam", "ada"]), "admin", "acme", clock.now())
        now = clock.now()
        used = _Used(now, int(now // 30))
        try:
            out = _act(service, outbox, log, action, account, admin, used, last_accepted)
        except ConcurrentUpdate:
            log.attempts.append(Attempt(worker, action, "ConcurrentUpdate"))
            continue
        except DeniedError as err:
            log.attempts.append(_refused(worker, action, err))
            continue
        finally:
            used.record(log)
        if out is None:
            log.attempts.append(Attempt(worker, action, "none"))
            continue
        attempt, accepted = _allowed(worker, action, out, used)
        last_accepted = accepted or last_accepted
        log.attempts.append(attempt)


def final_state_problems(account: Account) -> list[str]:
    """Invariants every reachable state of spec/twofa.yaml keeps."""
    s, problems = account.state, []
    bound, pending = account.bound_secret is not None, account.pending_secret is not None
    if s == "enrolled" and not (bound and not pending):
        problems.append("enrolled needs a bound secret and no pending one")
    if s == "setup_in_progress" and not (pending and not bound):
        problems.append("setup_in_progress needs a pending secret and no bound one")
    if s == "unenrolled" and (bound or pending):
        problems.append("unenrolled with a secret")
    if s == "locked_out" and pending:
        problems.append("locked_out with a pending secret")
    if (s == "reset_pending") != (account.prior_state is not None):
        problems.append(f"{s} with prior_state {account.prior_state!r}")
    if account.sessions and not (s == "enrolled" or account.prior_state == "enrolled"):
        problems.append(f"{s} with open sessions")
    if account.token_required != (account.token_digest is not None):
        problems.append("token_required and token_digest disagree")
    return problems


def verify_race(backend: Backend, outbox: Path, logs: list[WorkerLog], n_expected: int) -> dict[str, int]:
    """All acceptance checks of the race; returns counts for the test report."""
    spec = race_spec()
    store = backend.open()
    assert backend.check() == "ok"
    final = store.load(TARGET)
    entries = store.audit_log(TARGET)
    verify_outbox(store, SharedOutbox(outbox))
    attempts = [a for log in logs for a in log.attempts]
    assert len(attempts) == n_expected
    kinds = Counter(a.result for a in attempts)
    assert set(kinds) <= {"allowed", "none", "ConcurrentUpdate"} | REFUSALS, kinds

    # Committed writes form one chain: each was decided on the version the previous one wrote.
    groups: dict[int, list[tuple[int, str, str, str, str, int | None]]] = {}
    for e in entries:
        if e.version is not None:
            r = e.record
            groups.setdefault(e.version, []).append((e.seq, r.event, r.outcome, r.source, r.dest, e.seen_version))
    versions = list(groups)
    assert versions == sorted(versions), "committed audit rows are out of version order"
    seqs = [row[0] for v in versions for row in groups[v]]
    assert seqs == sorted(seqs), "a commit's audit rows are interleaved with another commit's"
    chain_start = versions.index(2)  # after create (v0), start_setup (v1), verify_setup (v2) of the seeding
    state = groups[2][-1][4]
    for prev, v in zip(versions[chain_start:], versions[chain_start + 1 :], strict=False):
        rows = groups[v]
        assert rows[0][5] == prev, (
            f"version {v} was decided on {rows[0][5]}, not on the previous commit {prev}: a lost update"
        )
        for _, event, outcome, source, dest, _ in rows:
            assert source == state, f"version {v}: {event} from {source} but the account was in {state}"
            if outcome == "allowed":
                assert any(t.event == event and source in t.source and t.dest == dest for t in spec.transitions), (
                    event,
                    source,
                    dest,
                )
            state = dest
    assert final.version == versions[-1] and final.state == state
    assert final_state_problems(final) == []

    # Every committed attempt is in the log with its own version; no other commit is.
    committed = [a for a in attempts if a.version is not None]
    assert sorted(a.version for a in committed if a.version is not None) == versions[chain_start + 1 :]

    # Every refusal and every lost race is audited, as such, without a version.
    unchanged = Counter(e.record.outcome for e in entries if e.version is None)
    refusals = Counter(a.result for a in attempts if a.result in REFUSALS and a.version is None)
    assert {k: unchanged[k] for k in refusals} == dict(refusals)
    lost = kinds["ConcurrentUpdate"]
    # (a counted guess that lost the race is judged again on the fresh version, so its lost race is
    # audited although the caller never saw it: there may be more lost-race rows than reported races)
    assert lost <= unchanged["ConcurrentUpdate"]

    # Tokens: one delivered per committed reset, and at most one (the last) still matches.
    tokens = SharedOutbox(outbox).tokens()
    resets = sum(1 for rows in groups.values() for row in rows if row[1] == "confirm_reset" and row[2] == "allowed")
    assert len(tokens) == resets
    matching = [
        t
        for t in tokens
        if final.token_digest is not None and hashlib.sha256(t.encode()).hexdigest() == final.token_digest
    ]
    assert len(matching) == (1 if final.token_digest is not None else 0)

    # No code is accepted twice; per secret, accepted steps only go up in commit order.
    accepted = sorted((a for a in attempts if a.accepted is not None), key=lambda a: a.version or 0)
    assert len({a.accepted for a in accepted}) == len(accepted), "a code was accepted twice"
    last: dict[str, int] = {}
    for a in accepted:
        if a.action.startswith("login") and a.secret_fp is not None and a.step is not None:
            assert a.step > last.get(a.secret_fp, -1), "a login accepted a step at or below the last accepted one"
        if a.secret_fp is not None and a.step is not None:
            last[a.secret_fp] = a.step
    return {
        "attempts": len(attempts),
        "committed": len(committed),
        "lost_races": lost,
        "refused": sum(refusals.values()),
        "tokens": len(tokens),
        "accepted_codes": len(accepted),
    }


SIX_DIGITS = re.compile(r"^[0-9]{6}$")


def leaks(text: str, seen: set[str]) -> list[str]:
    """Which of the secret values appear in ``text`` (codes only as whole numbers)."""
    found = []
    for value in seen:
        if SIX_DIGITS.match(value):
            if re.search(rf"(?<![0-9]){value}(?![0-9])", text):
                found.append(value)
        elif value in text:
            found.append(value)
    return found


def verify_outbox(store: Store, received: SharedOutbox) -> None:
    """Every message written was delivered once, under its key, and no token is left in the store."""
    messages = store.outbox_messages()
    assert messages and all(m.delivered and m.token is None and m.attempts == 0 for m in messages)
    got = received.received()
    assert len({key for key, _, _ in got}) == len(got), "a message was delivered twice"
    written = {m.key: (m.account, "token" if m.kind == "setup_token" else m.kind) for m in messages}
    assert {key: (account, kind) for key, account, kind in got} == written, "what was received is not what was written"
