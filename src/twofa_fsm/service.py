"""The embedding entry point: one call = load the account, fire one event, save it, deliver.

``TwoFAService`` wraps an ``Engine`` and a ``Store``.  Each method

1. loads the account from the store (its ``version`` is the compare-and-set key);
2. fires one event on the engine, which returns (or raises) what it emitted as data;
3. writes the new account, the audit records and the notices and setup tokens to
   deliver (the outbox) in one atomic store write; a refused attempt that changed
   nothing appends only its audit records, and a counted failure (wrong code) saves
   ``err.account`` so the counter persists;
4. only after that commit, hands the outbox messages to the notifier and marks them
   delivered; what failed (or was never sent: a crash) goes out with a later
   ``deliver_pending()``, at least once, under the same idempotency key.

The pieces are ``attempt``, ``persist`` and ``deliver`` (``twofa_fsm.attempt``).
A writer that lost the race raises ``ConcurrentUpdate`` (nothing written,
nothing delivered, the attempt audited as ``ConcurrentUpdate``); wrap the call
in ``retry`` to reload and try again.  Refusals (``Forbidden``, ``GuardFailed``,
``BadCode``, ``InvalidEvent``) are re-raised after they are audited.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from twofa_fsm import sessions
from twofa_fsm.account import Account, Actor
from twofa_fsm.acting import acting
from twofa_fsm.attempt import Attempt, attempt, deliver, persist, retry
from twofa_fsm.clock import Clock
from twofa_fsm.engine import Engine
from twofa_fsm.entropy import Entropy
from twofa_fsm.errors import ConcurrentUpdate, GuardFailed, InvalidSession
from twofa_fsm.outbox import LEASE_SECONDS, Deliveries, OutboxMessage, check_notifier, outbox_rows
from twofa_fsm.outcome import Outcome
from twofa_fsm.ports import Directory, MemoryNotifier, Notifier, PasswordVerifier
from twofa_fsm.spec.loader import load_spec
from twofa_fsm.spec.model import Spec
from twofa_fsm.store.base import AuditEntry, Store

log = logging.getLogger("twofa_fsm.service")
JUDGE_AGAIN = 32  # a counted guess that lost the compare-and-set is judged again, at most this many times


class TwoFAService:
    """Load -> fire -> save, with audit and outbox in the same write and the messages sent after the commit.

    Safe to share across threads; run one per process.
    """

    def __init__(self, engine: Engine, store: Store, *, notifier: Notifier | None = None) -> None:
        """Serve ``engine``'s spec from ``store``; messages go to ``notifier`` (default: a ``MemoryNotifier``),
        whose ``deliver_token`` must take the idempotency ``key``."""
        if notifier is not None:
            check_notifier(notifier)
        self.engine = engine
        self.store = store
        self.notifier: Notifier = notifier if notifier is not None else MemoryNotifier()

    @classmethod
    def from_spec(
        cls,
        spec: Spec | str | Path,
        *,
        store: Store,
        passwords: PasswordVerifier,
        clock: Clock | None = None,
        entropy: Entropy | None = None,
        directory: Directory | None = None,
        notifier: Notifier | None = None,
    ) -> TwoFAService:
        """Load and validate ``spec`` (raises ``SpecError``) and serve it from ``store``.

        Without a ``directory``, a store that can count roles (both built-in stores can)
        answers the sole-owner rule.
        """
        loaded = spec if isinstance(spec, Spec) else load_spec(spec)
        if directory is None and hasattr(store, "count_role"):
            directory = store  # type: ignore[assignment]
        engine = Engine(loaded, passwords=passwords, clock=clock, entropy=entropy, directory=directory)
        return cls(engine, store, notifier=notifier)

    @property
    def spec(self) -> Spec:
        """The validated spec the service runs."""
        return self.engine.spec

    # -- accounts ----------------------------------------------------------------------------

    def create_account(
        self, account_id: str, org: str, role: str, *, actor: Actor | None = None, invite: bool | None = None
    ) -> Account:
        """Store a new account in the spec's initial state (raises ``AccountExists``).

        On a spec that issues setup tokens the first setup needs one too: an invitation, delivered after
        the commit (``invite=None``, the default; ``invite=False`` opts out, e.g. for an account whose
        holder you have verified otherwise).
        """
        created = self.engine.new_account(account_id, org, role, invite=invite, actor=actor)
        messages = outbox_rows(account_id, created.account.version, created.emitted.messages)
        self.store.create(created.account, created.emitted.audit, messages)
        log.debug("%s: created in %s as %s by %s", account_id, org, role, created.actor)
        self._deliver(messages)
        return created.account

    def account(self, account_id: str) -> Account:
        """The stored account (raises ``AccountNotFound``)."""
        return self.store.load(account_id)

    def actor(self, account_id: str, session: str | None = None) -> Actor:
        """The stored account as an actor, e.g. an admin about to reset someone.

        With ``session`` it is checked now (``check_session``); without, the service backs the actor
        with their latest live session when they act.  Either way a reset, lock or revocation of the
        actor's own account refuses their next action as ``InvalidSession`` (a ``Forbidden``).
        """
        if session is not None:
            return self.check_session(account_id, session)
        own = self.store.load(account_id)
        return Actor(own.id, own.role, own.org, own.last_verified_at)

    # -- sessions ----------------------------------------------------------------------------

    def check_session(self, account_id: str, session: str) -> Actor:
        """Who holds this live session: the account as an ``Actor`` whose ``verified_at`` is when they
        passed 2FA to open it.  Moves the session's last use on (idle expiry).

        Raises ``AccountNotFound`` and ``InvalidSession`` (audited): unknown, logged out, revoked,
        expired, or the account is no longer in an access state.
        """
        base = self.store.load(account_id)
        done = attempt(base, lambda a: self.engine.check_session(a, session))
        with contextlib.suppress(ConcurrentUpdate):  # only the last-use time was lost: the check stands
            persist(self.store, done)
        done.result()
        found = sessions.find(done.after, session)
        assert found is not None
        return Actor(base.id, base.role, base.org, found.started_at, found.digest)

    def logout(self, account_id: str, session: str) -> Outcome:
        """End one session (audited).  Raises ``InvalidSession`` when it is not live, and ``ConcurrentUpdate``."""
        return self._call(account_id, lambda a: self.engine.logout(a, session))

    def accounts(
        self,
        *,
        org: str | None = None,
        state: str | None = None,
        role: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> list[Account]:
        """Organisation > Users: stored accounts in id order matching every filter; pass the last id of a page as
        ``after`` for the next (``limit`` at most 1000)."""
        return self.store.accounts(org=org, state=state, role=role, after=after, limit=limit)

    def audit_log(self, account_id: str | None = None) -> list[AuditEntry]:
        """The stored audit log in commit order, for one target account or all."""
        return self.store.audit_log(account_id)

    # -- the events --------------------------------------------------------------------------

    def start_setup(self, account_id: str, *, password: str, token: str | None = None) -> Outcome:
        """Begin setup with the password (and the e-mailed setup token where the spec needs one).

        ``outcome.provisioning_uri.get_secret_value()`` is the otpauth URI: show it once, as a QR code;
        ``outcome.setup_handle`` proves, to ``verify_setup`` and ``abandon_setup``, who started the setup
        (keep it in the starter's session, never show it elsewhere).

        Raises ``AccountNotFound``, the refusals of ``Engine.fire`` (``InvalidEvent``, ``Forbidden``,
        ``GuardFailed``/``BadCode``: audited, a counted failure saved) and ``ConcurrentUpdate``.
        """
        return self._call(account_id, lambda a: self.engine.start_setup(a, password=password, token=token))

    def verify_setup(
        self,
        account_id: str,
        *,
        code: str,
        token: str | None = None,
        handle: str | None = None,
        password: str | None = None,
    ) -> Outcome:
        """The first code from the new authenticator: binds it (and spends the setup token, if one was required).

        Only the setup's starter: the ``handle`` ``start_setup`` returned, or the ``password``; anyone else
        is refused as ``Forbidden`` without counting a failure against the account.

        Raises ``AccountNotFound``, the refusals of ``Engine.fire`` (``InvalidEvent``, ``Forbidden``,
        ``GuardFailed``/``BadCode``: audited, a counted failure saved) and ``ConcurrentUpdate``.
        """
        return self._call(
            account_id,
            lambda a: self.engine.verify_setup(a, code=code, token=token, handle=handle, password=password),
        )

    def abandon_setup(self, account_id: str, *, handle: str | None = None, password: str | None = None) -> Outcome:
        """Give up the setup in progress: the pending secret is discarded.  Only its starter (the
        ``handle`` or the ``password``); anyone else is refused as ``Forbidden``, nothing counted.

        Raises ``AccountNotFound``, the refusals of ``Engine.fire`` (``InvalidEvent``, ``Forbidden``,
        ``GuardFailed``/``BadCode``: audited, a counted failure saved) and ``ConcurrentUpdate``.
        """
        return self._call(account_id, lambda a: self.engine.abandon_setup(a, handle=handle, password=password))

    def login(self, account_id: str, *, password: str, code: str) -> Outcome:
        """Password and a fresh code: ``outcome.access_granted`` and ``outcome.session`` on success.

        Raises ``AccountNotFound``, the refusals of ``Engine.fire`` (``InvalidEvent``, ``Forbidden``,
        ``GuardFailed``/``BadCode``: audited, a counted failure saved) and ``ConcurrentUpdate``.
        """
        return self._call(account_id, lambda a: self.engine.login(a, password=password, code=code))

    def report_lost_device(self, account_id: str, *, password: str) -> Outcome:
        """The holder reports the phone lost (or the app deleted): the account is locked out, sessions revoked.

        Raises ``AccountNotFound``, the refusals of ``Engine.fire`` (``InvalidEvent``, ``Forbidden``,
        ``GuardFailed``/``BadCode``: audited, a counted failure saved) and ``ConcurrentUpdate``.
        """
        return self._call(account_id, lambda a: self.engine.report_lost_device(a, password=password))

    def request_reset(self, target_id: str, actor: Actor) -> Outcome:
        """An Owner/Admin selects "Reset 2FA"; the account waits for ``confirm_reset`` or ``cancel_reset``.

        Raises ``AccountNotFound``, the refusals of ``Engine.fire`` (``InvalidEvent``, ``Forbidden``,
        ``GuardFailed``/``BadCode``: audited, a counted failure saved) and ``ConcurrentUpdate``.
        """
        return self.fire(target_id, "request_reset", actor)

    def confirm_reset(self, target_id: str, actor: Actor) -> Outcome:
        """ "Reset": the secret is deleted, sessions revoked, a setup token goes to the notifier after the commit.

        Raises ``AccountNotFound``, the refusals of ``Engine.fire`` (``InvalidEvent``, ``Forbidden``,
        ``GuardFailed``/``BadCode``: audited, a counted failure saved) and ``ConcurrentUpdate``.
        """
        return self.fire(target_id, "confirm_reset", actor)

    def cancel_reset(self, target_id: str, actor: Actor) -> Outcome:
        """ "Cancel": back to exactly where the account was.

        Raises ``AccountNotFound``, the refusals of ``Engine.fire`` (``InvalidEvent``, ``Forbidden``,
        ``GuardFailed``/``BadCode``: audited, a counted failure saved) and ``ConcurrentUpdate``.
        """
        return self.fire(target_id, "cancel_reset", actor)

    def tick(self, account_id: str) -> Outcome | None:
        """Fire whatever system event has come due with time (e.g. setup expiry), or return None.

        Raises ``AccountNotFound`` and ``ConcurrentUpdate``; a system event is never refused.
        """
        return self._run(account_id, self.engine.tick)

    def fire(
        self,
        account_id: str,
        event: str,
        actor: Actor,
        *,
        password: str | None = None,
        code: str | None = None,
        token: str | None = None,
        handle: str | None = None,
        seen: Account | None = None,
    ) -> Outcome:
        """Any event of the spec, by name (for specs with events beyond the standard ones).

        ``seen``: the account as the caller read it earlier (a profile page left open):
        the event is judged on it and saved only if nobody changed the account since,
        else ``ConcurrentUpdate``.  Raises what ``Engine.fire`` raises.
        """

        base = seen if seen is not None else self.store.load(account_id)
        try:
            who = acting(self.engine, self.store, actor, base, event)
        except InvalidSession as refused:
            persist(self.store, Attempt(base, base, refused.emitted, None, refused))
            raise refused.with_traceback(None) from None

        def fire(a: Account) -> Outcome:
            return self.engine.fire(a, event, who, password=password, code=code, token=token, handle=handle)

        return self._call(account_id, fire, base)

    # -- the outbox ------------------------------------------------------------------------------

    def deliver_pending(self, *, limit: int = 100) -> Deliveries:
        """Send the outbox messages due now (from a worker or cron job, and once at start-up): failed ones past
        their back-off, and those a dead writer left, once its claim (``LEASE_SECONDS``) ran out.  Each is
        claimed first (two workers never send it at once) and sent with the key it was written with."""
        now = self.engine.clock.now()
        return deliver(self.store, self.notifier, self.store.outbox_claim(now, lease=LEASE_SECONDS, limit=limit), now)

    def _deliver(self, messages: tuple[OutboxMessage, ...]) -> None:
        if messages:
            deliver(self.store, self.notifier, messages, self.engine.clock.now())

    # -- load -> fire -> save -> deliver --------------------------------------------------------

    def _call(self, account_id: str, fire: Callable[[Account], Outcome], seen: Account | None = None) -> Outcome:
        outcome = self._run(account_id, fire, seen)
        assert outcome is not None
        return outcome

    def _run(
        self, account_id: str, fire: Callable[[Account], Outcome | None], seen: Account | None = None
    ) -> Outcome | None:
        base = seen if seen is not None else self.store.load(account_id)
        done = attempt(base, fire)
        for _ in range(JUDGE_AGAIN):
            written = self._persisted(done)
            if written is not None:
                break
            base = self.store.load(account_id)  # a guess that lost the race is judged again, on the fresh version
            done = attempt(base, fire)
        else:
            written = persist(self.store, done)  # the last try: its lost race is raised as such
        self._deliver(written)
        return done.result()

    def _persisted(self, done: Attempt) -> tuple[OutboxMessage, ...] | None:
        """Write ``done`` and return its outbox messages; None when it lost the race with a counted failure
        (judge it again: every guess counts).  Any other lost race raises ``ConcurrentUpdate``, carrying no
        verdict."""
        try:
            return persist(self.store, done)
        except ConcurrentUpdate as lost:
            counted = isinstance(done.error, GuardFailed) and done.error.counted
            if counted:
                return None
            raise lost.with_traceback(None) from None


__all__ = ["TwoFAService", "retry"]
