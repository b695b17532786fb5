"""The typed façade: load a spec once, then fire its events on immutable accounts.

Every event returns an ``Outcome`` (the new account is ``outcome.account``) or
raises ``Forbidden``, ``GuardFailed``/``BadCode`` or ``InvalidEvent``.  A refused
attempt that counts (a wrong code) still changes the failure counter: the
updated account is on the error as ``err.account``; save it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import SecretStr

from twofa_fsm._runtime.context import Ctx
from twofa_fsm._runtime.effects import issue_setup_token
from twofa_fsm._runtime.machine import Runtime
from twofa_fsm.account import Account, Actor
from twofa_fsm.clock import Clock, SystemClock
from twofa_fsm.entropy import Entropy, SystemEntropy
from twofa_fsm.errors import BadCode, DeniedError, Forbidden, GuardFailed, InvalidEvent
from twofa_fsm.outcome import Outcome
from twofa_fsm.ports import (
    AuditRecord,
    AuditSink,
    Directory,
    MemoryAudit,
    MemoryNotifier,
    Notice,
    Notifier,
    PasswordVerifier,
)
from twofa_fsm.spec.catalog import CODE_GUARDS
from twofa_fsm.spec.loader import load_spec
from twofa_fsm.spec.model import Policy, Spec

log = logging.getLogger("twofa_fsm")


class Engine:
    """One spec, one shared machine, any number of accounts."""

    def __init__(
        self,
        spec: Spec,
        *,
        passwords: PasswordVerifier,
        clock: Clock | None = None,
        entropy: Entropy | None = None,
        directory: Directory | None = None,
        audit: AuditSink | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self._rt = Runtime(
            spec,
            clock=clock or SystemClock(),
            entropy=entropy or SystemEntropy(),
            passwords=passwords,
            directory=directory,
        )
        self.audit: AuditSink = audit if audit is not None else MemoryAudit()
        self.notifier: Notifier = notifier if notifier is not None else MemoryNotifier()

    @classmethod
    def from_file(cls, path: str | Path, *, passwords: PasswordVerifier, **kwargs: object) -> Engine:
        """Load, validate and run the spec at ``path`` (raises ``SpecError``)."""
        return cls(load_spec(path), passwords=passwords, **kwargs)  # type: ignore[arg-type]

    @property
    def spec(self) -> Spec:
        return self._rt.spec

    @property
    def policy(self) -> Policy:
        return self._rt.spec.policy

    @property
    def clock(self) -> Clock:
        return self._rt.clock

    def new_account(self, account_id: str, org: str, role: str, *, invite: bool = False) -> Account:
        """A fresh account in the spec's initial state.

        With ``invite=True`` on a spec that issues setup tokens, the first setup
        needs a token too (an invitation delivered through the notifier), so that a
        phished password alone cannot enrol a new account either.
        """
        info = self.spec.roles.get(role)
        if info is None or info.scope != "organisation":
            choices = ", ".join(r for r, i in self.spec.roles.items() if i.scope == "organisation")
            raise ValueError(
                f"role {role!r} is not an organisation role of spec '{self.spec.name}'; use one of: {choices}"
            )
        account = Account(id=account_id, org=org, role=role, state=self.spec.initial)
        lifetime = self.policy.token_lifetime_seconds
        if invite and lifetime is not None and any(t.has_effect("issue_setup_token") for t in self.spec.transitions):
            ctx = Ctx(self._rt, account, Actor.system(), self.clock.now())
            issue_setup_token(ctx, None)  # the same effect a confirmed reset runs
            account = account._with(ctx.updates)
            self.audit.record(
                AuditRecord(
                    ctx.now,
                    "system",
                    "system",
                    account_id,
                    org,
                    "invite",
                    "allowed",
                    account.state,
                    account.state,
                    "",
                    ("issue_setup_token",),
                )
            )
            self._deliver(account_id, ctx)
        return account

    def allowed_events(self, account: Account) -> list[str]:
        return self._rt.allowed_events(account.state)

    # -- the one way to change an account ---------------------------------------------------

    def fire(
        self,
        account: Account,
        event: str,
        actor: Actor,
        *,
        password: object = None,
        code: object = None,
        token: object = None,
    ) -> Outcome:
        """Fire ``event`` on ``account`` as ``actor``.  See the module doc for the contract."""
        return self._fire(account, event, actor, password, code, token, quiet=False)

    def _fire(
        self, account: Account, event: str, actor: Actor, password: object, code: object, token: object, *, quiet: bool
    ) -> Outcome:
        rt = self._rt
        now = rt.clock.now()
        if event not in rt.spec.events:
            raise self._refused(
                InvalidEvent(
                    f"unknown event '{event}'; the spec's events are: {', '.join(rt.spec.events)}",
                    event=event,
                    state=account.state,
                ),
                account,
                actor,
                now,
                quiet,
            )
        if (account.state, event) not in rt.index:
            allowed = ", ".join(rt.allowed_events(account.state)) or "none"
            raise self._refused(
                InvalidEvent(
                    f"'{event}' is not allowed in state '{account.state}' (allowed there: {allowed})",
                    event=event,
                    state=account.state,
                ),
                account,
                actor,
                now,
                quiet,
            )
        ctx = Ctx(rt, account, actor, now, password=password, code=code, token=token)
        dest = rt.run(event, ctx)
        if dest is None:
            raise self._denied(account, event, actor, ctx, quiet)
        ctx.updates["state"] = dest
        ctx.updates["version"] = account.version + 1
        after = account._with(ctx.updates)
        record = AuditRecord(
            now,
            actor.id,
            actor.role,
            account.id,
            account.org,
            event,
            "allowed",
            account.state,
            dest,
            "",
            tuple(ctx.effects),
        )
        self.audit.record(record)
        self._deliver(account.id, ctx)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s: %s %s -> %s by %s", account.id, event, account.state, dest, actor.id)
        return Outcome(
            event=event,
            source=account.state,
            dest=dest,
            actor=actor.id,
            actor_role=actor.role,
            target=account.id,
            at=now,
            effects=tuple(ctx.effects),
            access_granted=ctx.access,
            notices=tuple(ctx.notices),
            account=after,
            audit=record,
            provisioning_uri=None if ctx.uri is None else SecretStr(ctx.uri),
            session=ctx.session,
        )

    def _deliver(self, account_id: str, ctx: Ctx) -> None:
        for kind in ctx.notices:
            self.notifier.notify(Notice(account_id, kind, ctx.now))
        if ctx.token_out is not None:
            self.notifier.deliver_token(account_id, SecretStr(ctx.token_out))

    def _refused(
        self, err: DeniedError, account: Account, actor: Actor, now: float, quiet: bool, reason: str = ""
    ) -> DeniedError:
        record = AuditRecord(
            now,
            actor.id,
            actor.role,
            account.id,
            account.org,
            err.event,
            err.kind,
            account.state,
            account.state,
            reason or str(err),
        )
        if not quiet:
            self.audit.record(record)
        err.account = account
        err.audit = record
        log.debug("%s: %s refused (%s)", account.id, err.event, err.kind)
        return err

    def _denied(self, account: Account, event: str, actor: Actor, ctx: Ctx, quiet: bool) -> DeniedError:
        failures = ctx.failures  # selectors record nothing: a branch not taken is no failure
        if not failures:
            return self._refused(
                InvalidEvent(
                    f"no branch of '{event}' applies in state '{account.state}'", event=event, state=account.state
                ),
                account,
                actor,
                ctx.now,
                quiet,
            )
        first = failures[0]
        after = account
        if first.counts:
            after = account._with(
                {"failures": account.failures + 1, "last_failure_at": ctx.now, "version": account.version + 1}
            )
        message = f"'{event}' refused by guard '{first.guard}': {first.reason}"
        err: DeniedError
        if first.kind == "authz":
            err = Forbidden(message, event=event, state=account.state, guard=first.guard)
        else:
            cls = BadCode if first.guard in CODE_GUARDS else GuardFailed
            err = cls(
                message, event=event, state=account.state, guard=first.guard, reason=first.reason, counted=first.counts
            )
        self._refused(err, after, actor, ctx.now, quiet and not first.counts, first.reason)
        if first.counts and after.failures >= self.policy.max_failures:
            lock_event = self._rt.lock_event(after.state)
            if lock_event is not None:
                lock = self.fire(after, lock_event, Actor.system())
                err.account = lock.account
                err.followed_by = lock
                if isinstance(err, GuardFailed):
                    err.locked = True
        return err

    # -- the typed façade over the standard events -----------------------------------------

    def start_setup(self, account: Account, *, password: str, token: str | None = None) -> Outcome:
        """Begin setup; ``outcome.provisioning_uri`` is the otpauth URI to show once."""
        return self.fire(account, "start_setup", Actor.holder(account), password=password, token=token)

    def verify_setup(self, account: Account, *, code: str, token: str | None = None) -> Outcome:
        return self.fire(account, "verify_setup", Actor.holder(account), code=code, token=token)

    def abandon_setup(self, account: Account) -> Outcome:
        return self.fire(account, "abandon_setup", Actor.holder(account))

    def login(self, account: Account, *, password: str, code: str) -> Outcome:
        return self.fire(account, "login", Actor.holder(account), password=password, code=code)

    def report_lost_device(self, account: Account, *, password: str) -> Outcome:
        return self.fire(account, "report_lost_device", Actor.holder(account), password=password)

    def request_reset(self, target: Account, actor: Actor) -> Outcome:
        """An Owner/Admin selects "Reset 2FA": the account waits at the confirmation step."""
        return self.fire(target, "request_reset", actor)

    def confirm_reset(self, target: Account, actor: Actor) -> Outcome:
        """ "Reset" in the confirmation message."""
        return self.fire(target, "confirm_reset", actor)

    def cancel_reset(self, target: Account, actor: Actor) -> Outcome:
        """ "Cancel" in the confirmation message: back to exactly where the account was."""
        return self.fire(target, "cancel_reset", actor)

    def tick(self, account: Account) -> Outcome | None:
        """Let the system fire whatever has come due with time (e.g. setup expiry), if anything.

        The lock at the failure limit is not a tick: the engine fires it at once,
        on the counted failure that reaches the limit.
        """
        for event in self._rt.timed_events(account.state):
            try:
                return self._fire(account, event, Actor.system(), None, None, None, quiet=True)
            except DeniedError:
                continue
        return None
