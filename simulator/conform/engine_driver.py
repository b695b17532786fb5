"""The reference driver: the library's own ``TwoFAService`` on a ``MemoryStore`` with a ``ManualClock``.

Run on the spec, it is the oracle every other driver is compared with.  Its spec's one engine is shared
by every driver of that spec (``scenario.stage``), so a new driver, or a ``fork`` of one, is cheap: the
path generator branches from forks.  ``broken_driver`` is a deliberately wrong backend for tests.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from twofa_fsm import (
    Actor,
    BadCode,
    DeniedError,
    Forbidden,
    GuardFailed,
    InvalidEvent,
    InvalidInput,
    ManualClock,
    MemoryStore,
    Notice,
    Outcome,
    PasswordBook,
    SeededEntropy,
    Spec,
    TwoFAService,
)
from twofa_fsm import sessions as _sessions
from twofa_fsm.account import Account
from twofa_fsm.store import AccountNotFound
from twofa_fsm_tools.conform.driver import SETUP_TOKEN, SYSTEM, Delivery, Kind, Reply
from twofa_fsm_tools.scenario.model import DEFAULT_START
from twofa_fsm_tools.scenario.stage import Bindings, spec_at, stage_for

_KINDS: tuple[tuple[type[DeniedError], Kind], ...] = (
    (Forbidden, "forbidden"),
    (BadCode, "bad_code"),
    (GuardFailed, "guard_failed"),
    (InvalidEvent, "invalid_event"),
    (InvalidInput, "invalid_input"),
)


class _Mail:
    """The notifier: every delivery, in order, until the harness collects them."""

    def __init__(self) -> None:
        self.sent: list[Delivery] = []

    def notify(self, notice: Notice) -> None:
        self.sent.append(Delivery(notice.account, notice.kind))

    def deliver_token(self, account_id: str, token: SecretStr, *, key: str = "") -> None:
        self.sent.append(Delivery(account_id, SETUP_TOKEN, token.get_secret_value()))


def _spec(spec: str | Path | Spec) -> Spec:
    return spec if isinstance(spec, Spec) else spec_at(spec)


class EngineDriver:
    """A ``Driver`` over ``TwoFAService``: the reference implementation of the protocol.

    Besides the protocol it tells the harness what only the oracle can know: ``last_guard`` (the guard
    that refused the last call), ``last_edges`` (the transitions it took: ``(source, event, dest)``,
    a lock that followed a counted failure included) and ``account(id)``.
    """

    def __init__(self, spec: str | Path | Spec = "spec/twofa.yaml", *, start: float = DEFAULT_START, seed: int = 0):
        self.spec = _spec(spec)
        self._stage = stage_for(self.spec)
        self.clock = ManualClock(start)
        self.store = MemoryStore()
        self.passwords = PasswordBook(iterations=1)
        self.mail = _Mail()
        self.seed = seed
        self._bindings = Bindings(self.clock, SeededEntropy(seed), self.passwords, self.store)
        self.service = TwoFAService(self._stage.engine, self.store, notifier=self.mail)
        self.staff: dict[str, tuple[str, float | None]] = {}  # vendor staff: role, when they last passed 2FA
        self._passwords: dict[str, str] = {}
        self.last_guard: str | None = None
        self.last_edges: list[tuple[str, str, str]] = []
        self._forks = 0

    # -- the protocol ------------------------------------------------------------------------

    def create_account(self, account_id: str, *, org: str | None, role: str, password: str, invited: bool) -> None:
        if org is None:
            self.staff[account_id] = (role, None)
            return
        with self._stage.bound(self._bindings):
            self.service.create_account(account_id, org, role, invite=invited)
        self.passwords.set(account_id, password)
        self._passwords[account_id] = password

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
        self.last_guard, self.last_edges = None, []
        with self._stage.bound(self._bindings):
            try:
                who = self._actor(account_id, actor)
                out = self.service.fire(
                    account_id, event, who, password=password, code=code, token=token, handle=handle
                )
            except DeniedError as err:
                return self._refused(err)
            except AccountNotFound:
                return Reply("invalid_event")
        self.last_edges = [(out.source, out.event, out.dest)]
        uri = out.provisioning_uri.get_secret_value() if out.provisioning_uri is not None else None
        return Reply("ok", out.access_granted, uri, out.setup_handle)

    def authenticate(self, person_id: str) -> None:
        if person_id in self.staff:
            self.staff[person_id] = (self.staff[person_id][0], self.clock.now())

    def advance(self, seconds: float) -> bool:
        self.clock.advance(seconds)
        return True

    def now(self) -> float:
        return self.clock.now()

    def state(self, account_id: str) -> str:
        return self.store.load(account_id).state

    def has_access(self, account_id: str) -> bool:
        account = self.store.load(account_id)
        if account.state not in self.spec.access_states:
            return False
        return bool(_sessions.live(account, self.clock.now(), self.spec.policy))

    def deliveries(self) -> list[Delivery]:
        sent, self.mail.sent = self.mail.sent, []
        return sent

    # -- for the oracle's harness -------------------------------------------------------------

    def account(self, account_id: str) -> Account:
        return self.store.load(account_id)

    def timed_events(self, state: str) -> list[str]:
        """The system events that can come due with time in ``state`` (what a tick may fire)."""
        return self._stage.engine._rt.timed_events(state)

    def allowed_events(self, state: str) -> list[str]:
        return self._stage.engine._rt.allowed_events(state)

    def fork(self) -> EngineDriver:
        """An independent copy of this system as it is now (the path generator branches with it)."""
        self._forks += 1
        twin = EngineDriver(self.spec, start=self.clock.now(), seed=self.seed * 7919 + self._forks)
        for account in self.store.accounts(limit=1000):
            twin.store.create(account)
        for account_id, password in self._passwords.items():
            twin.passwords.set(account_id, password)
        twin._passwords = dict(self._passwords)
        twin.staff = dict(self.staff)
        twin.mail.sent = list(self.mail.sent)
        return twin

    # -- inside --------------------------------------------------------------------------------

    def _actor(self, account_id: str, actor: str) -> Actor:
        if actor == SYSTEM:
            return Actor.system()
        if actor in self.staff:
            role, verified = self.staff[actor]
            return Actor(actor, role, None, verified)
        if actor == account_id:
            return Actor.holder(self.store.load(account_id))
        try:
            return self.service.actor(actor)
        except AccountNotFound:
            return Actor(actor, "stranger", None, None)

    def _refused(self, err: DeniedError) -> Reply:
        self.last_guard = err.guard
        lock: Outcome | None = err.followed_by
        if lock is not None:
            self.last_edges = [(lock.source, lock.event, lock.dest)]
        kind = next(k for cls, k in _KINDS if isinstance(err, cls))
        return Reply(kind)


def without_guard(spec: Spec, guard: str) -> Spec:
    """``spec`` with ``guard`` dropped from every transition (in memory, not validated: a broken backend)."""
    transitions = tuple(
        t.model_copy(update={"guards": tuple(g for g in t.guards if g.name != guard)}) for t in spec.transitions
    )
    return spec.model_copy(update={"transitions": transitions})


def broken_driver(spec: str | Path | Spec = "spec/twofa.yaml") -> EngineDriver:
    """A backend with a bug: setup proceeds without the e-mailed setup token (after an invitation or a reset)."""
    return EngineDriver(without_guard(_spec(spec), "setup_token_valid"))


__all__ = ["EngineDriver", "broken_driver", "without_guard"]
