"""The typed façade: load a spec once, then fire its events on immutable accounts.

Every event returns an ``Outcome`` (the new account is ``outcome.account``) or
raises ``Forbidden``, ``GuardFailed``/``BadCode`` or ``InvalidEvent``.  Both carry,
as data, what the call emitted (``emitted``: audit records, notices, token
deliveries); the engine writes to no sink.  A refused attempt that counts (a wrong
code) still changes the failure counter: the updated account is ``err.account``;
save it.  ``TwoFAService`` does all of that for you.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pydantic import SecretStr

from twofa_fsm import refusals, sessions
from twofa_fsm._build import audit_record, emissions, notice, outcome
from twofa_fsm._runtime.context import Ctx
from twofa_fsm._runtime.effects import issue_setup_token
from twofa_fsm._runtime.machine import Runtime
from twofa_fsm.account import Account, Actor
from twofa_fsm.clock import Clock, SystemClock
from twofa_fsm.entropy import Entropy, SystemEntropy
from twofa_fsm.errors import BadCode, DeniedError, Forbidden, GuardFailed
from twofa_fsm.inputs import input_problem, time_problem
from twofa_fsm.outcome import Emissions, Message, Outcome, TokenDelivery
from twofa_fsm.ports import AuditRecord, Directory, PasswordVerifier
from twofa_fsm.spec.catalog import CODE_GUARDS
from twofa_fsm.spec.loader import load_spec
from twofa_fsm.spec.model import Policy, Spec
from twofa_fsm.totp import TotpVerifier, backoff_seconds

log = logging.getLogger("twofa_fsm")
Dispatch = Literal["transitions", "compiled"]  # how an engine fires events (see ``Engine``)
CREATE = "create_account"


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
        dispatch: Dispatch = "transitions",
    ) -> None:
        """Serve ``spec``: ``passwords`` checks passwords, ``clock`` and ``entropy`` default to the
        system's, ``directory`` counts roles for the sole-owner rule (None: nobody is a sole owner).

        ``dispatch``: ``"transitions"`` (the default) fires every event through the spec's shared
        ``transitions`` machine; ``"compiled"`` runs the same guards and effects from a table built once
        (same outcomes, differential-tested; for exhaustive exploration, which fires millions of events)."""
        self._rt = Runtime(
            spec,
            clock=clock or SystemClock(),
            entropy=entropy or SystemEntropy(),
            passwords=passwords,
            directory=directory,
            dispatch=dispatch,
        )

    @classmethod
    def from_file(cls, path: str | Path, *, passwords: PasswordVerifier, **kwargs: object) -> Engine:
        """Load, validate and run the spec at ``path`` (raises ``SpecError``)."""
        return cls(load_spec(path), passwords=passwords, **kwargs)  # type: ignore[arg-type]

    @property
    def spec(self) -> Spec:
        """The validated spec this engine runs."""
        return self._rt.spec

    @property
    def policy(self) -> Policy:
        """The spec's policy (code length, period, drift, limits, lifetimes)."""
        return self._rt.spec.policy

    @property
    def clock(self) -> Clock:
        """The clock every event reads its time from."""
        return self._rt.clock

    @property
    def dispatch(self) -> Dispatch:
        """How events are fired: ``"transitions"`` (the shared machine) or ``"compiled"`` (the same table)."""
        return "compiled" if self._rt.dispatch == "compiled" else "transitions"

    @property
    def verifier(self) -> TotpVerifier:
        """The spec's TOTP verifier (strict format, drift window, replay), e.g. to compute a test code."""
        return self._rt.verifier

    def new_account(
        self, account_id: str, org: str, role: str, *, invite: bool | None = None, actor: Actor | None = None
    ) -> Outcome:
        """A fresh account in the spec's initial state, as an ``Outcome`` of the event ``create_account``.

        On a spec that issues setup tokens, the first setup needs a token too (an invitation,
        in ``outcome.emitted``), so that a phished password alone cannot enrol a new account
        either: that is the default (``invite=None``); ``invite=False`` opts out.  Raises ``ValueError``
        for a role that is not an organisation role of the spec.
        """
        info = self.spec.roles.get(role)
        if info is None or info.scope != "organisation":
            choices = ", ".join(r for r, i in self.spec.roles.items() if i.scope == "organisation")
            raise ValueError(
                f"role {role!r} is not an organisation role of spec '{self.spec.name}'; use one of: {choices}"
            )
        who = actor if actor is not None else Actor.system()
        account = Account(id=account_id, org=org, role=role, state=self.spec.initial)
        ctx = Ctx(self._rt, account, Actor.system(), self.clock.now())
        lifetime = self.policy.token_lifetime_seconds
        issues = lifetime is not None and any(t.has_effect("issue_setup_token") for t in self.spec.transitions)
        if issues and invite is not False:
            issue_setup_token(ctx, None)  # the same effect a confirmed reset runs
            ctx.effects.append("issue_setup_token")
            account = account._with(ctx.updates)
        record = AuditRecord(
            ctx.now, who.id, who.role, account_id, org, CREATE, "allowed", "", account.state, "", tuple(ctx.effects)
        )
        return self._outcome(CREATE, "", account, who, ctx, record, record.effects)

    # -- sessions ---------------------------------------------------------------------------

    def check_session(self, account: Account, session_id: str) -> Outcome:
        """Check that ``session_id`` is a live session of ``account`` (which is in an access state).

        ``outcome.account`` has the session's last use moved on (save it when its version changed).
        Raises ``InvalidSession`` (audited): unknown, logged out, revoked, expired, or the account left
        its access state.  The session itself is ``sessions.find(outcome.account, session_id)``.
        """
        now = self.clock.now()
        self._judgeable(account, now, "check_session")
        access = self.spec.states[account.state].access if account.state in self.spec.states else False
        session = sessions.checked(account, session_id, now, self.policy, access)
        return sessions.check_outcome(account, session, now, self.policy)

    def logout(self, account: Account, session_id: str) -> Outcome:
        """End one session of ``account`` (audited as ``logout``); raises ``InvalidSession`` when it is not live."""
        now = self.clock.now()
        self._judgeable(account, now, "logout")
        session = sessions.checked(account, session_id, now, self.policy, access=True)
        return sessions.logout_outcome(account, session, now)

    def _judgeable(self, account: Account, now: float, event: str) -> None:
        problem = time_problem(account, now)
        if problem is not None:
            raise refusals.unusable(problem, event, account, Actor(account.id, account.role, account.org), now)

    def timed_states(self) -> list[str]:
        """The states from which a system event can come due with time (what ``tick`` may fire)."""
        return [state for state in self.spec.states if self._rt.timed_events(state)]

    def allowed_events(self, account: Account) -> list[str]:
        """The events the spec allows from the account's state (guards not yet judged)."""
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
        handle: object = None,
    ) -> Outcome:
        """Fire ``event`` on ``account`` as ``actor`` with the event's inputs (``handle``: the setup handle
        ``start_setup`` returned, which ``verify_setup`` and ``abandon_setup`` ask for).

        Returns the ``Outcome``; raises ``InvalidEvent`` (unknown or not allowed in this
        state), ``Forbidden`` (who may not), ``GuardFailed``/``BadCode`` (password, code,
        token or timing).  Every refusal carries its audit record in ``err.emitted``.
        """
        return self._fire(account, event, actor, (password, code, token, handle), quiet=False)

    def _fire(
        self,
        account: Account,
        event: str,
        actor: Actor,
        inputs: tuple[object, object, object, object],
        *,
        quiet: bool,
    ) -> Outcome:
        rt = self._rt
        now = rt.clock.now()
        password, code, token, handle = inputs
        problem = input_problem(account, now, password=password, token=token, handle=handle)
        if problem is not None:
            raise refusals.unusable(problem, event, account, actor, now)
        if event not in rt.spec.events:
            message = f"unknown event '{event}'; the spec's events are: {', '.join(rt.spec.events)}"
            raise refusals.invalid(message, event, account, actor, now, quiet)
        if (account.state, event) not in rt.index:
            allowed = ", ".join(rt.allowed_events(account.state)) or "none"
            message = f"'{event}' is not allowed in state '{account.state}' (allowed there: {allowed})"
            raise refusals.invalid(message, event, account, actor, now, quiet)
        ctx = Ctx(rt, account, actor, now, password=password, code=code, token=token, handle=handle)
        dest = rt.run(event, ctx)
        if dest is None:
            raise self._denied(account, event, actor, ctx, quiet)
        ctx.updates["state"] = dest
        ctx.updates["version"] = account.version + 1
        after = account._with(ctx.updates)
        effects = tuple(ctx.effects)
        record = audit_record(
            now, actor.id, actor.role, account.id, account.org, event, "allowed", account.state, dest, "", effects
        )
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s: %s %s -> %s by %s", account.id, event, account.state, dest, actor.id)
        return self._outcome(event, account.state, after, actor, ctx, record, effects)

    def _outcome(
        self,
        event: str,
        source: str,
        after: Account,
        actor: Actor,
        ctx: Ctx,
        record: AuditRecord,
        effects: tuple[str, ...],
    ) -> Outcome:
        return outcome(
            event, source, after.state, actor.id, actor.role, after.id, ctx.now, effects, ctx.access,
            tuple(ctx.notices), after, record, emissions((record,), _messages(after.id, ctx)),
            None if ctx.uri is None else SecretStr(ctx.uri), ctx.session, ctx.handle_out,
        )  # fmt: skip

    def _denied(self, account: Account, event: str, actor: Actor, ctx: Ctx, quiet: bool) -> DeniedError:
        failures = ctx.failures  # selectors record nothing: a branch not taken is no failure
        if not failures:
            message = f"no branch of '{event}' applies in state '{account.state}'"
            return refusals.invalid(message, event, account, actor, ctx.now, quiet)
        first = failures[0]
        message = f"'{event}' refused by guard '{first.guard}': {first.reason}"
        check = BadCode if first.guard in CODE_GUARDS else GuardFailed
        cls: type[DeniedError] = Forbidden if first.kind == "authz" else check
        after = account
        if first.counts:
            after = account._with(
                {"failures": account.failures + 1, "last_failure_at": ctx.now, "version": account.version + 1}
            )
        record = refusals.record(cls.kind, event, after, actor, ctx.now, first.reason or message)
        emitted = Emissions() if quiet and not first.counts else Emissions((record,))
        lock = self._lock(after) if first.counts else None
        if lock is not None:
            emitted, after = emitted.then(lock.emitted), lock.account
        log.debug("%s: %s refused (%s)", account.id, event, cls.kind)
        common = {
            "event": event, "state": account.state, "guard": first.guard, "reason": first.reason,
            "account": after, "audit": record, "emitted": emitted, "followed_by": lock,
        }  # fmt: skip
        if cls is Forbidden:
            return Forbidden(message, **common)  # type: ignore[arg-type]
        wait = None
        if first.guard == "not_backed_off" and account.last_failure_at is not None:
            wait = max(0.0, account.last_failure_at + backoff_seconds(self.policy, account.failures) - ctx.now)
        return cls(message, counted=first.counts, locked=lock is not None, retry_after=wait, **common)  # type: ignore[arg-type,call-arg]

    def _lock(self, after: Account) -> Outcome | None:
        """The lock a counted failure triggers at the policy maximum, if the spec has one from here."""
        if after.failures < self.policy.max_failures:
            return None
        lock_event = self._rt.lock_event(after.state)
        return None if lock_event is None else self.fire(after, lock_event, Actor.system())

    # -- the typed façade over the standard events -----------------------------------------

    def start_setup(self, account: Account, *, password: str, token: str | None = None) -> Outcome:
        """Begin setup; ``outcome.provisioning_uri`` is the otpauth URI to show once."""
        return self.fire(account, "start_setup", Actor.holder(account), password=password, token=token)

    def verify_setup(
        self,
        account: Account,
        *,
        code: str,
        token: str | None = None,
        handle: str | None = None,
        password: str | None = None,
    ) -> Outcome:
        """The first code of the new authenticator binds it (with the setup token where one is required),
        from whoever started the setup: the ``handle`` ``start_setup`` returned, or the password."""
        return self.fire(
            account, "verify_setup", Actor.holder(account), code=code, token=token, handle=handle, password=password
        )

    def abandon_setup(self, account: Account, *, handle: str | None = None, password: str | None = None) -> Outcome:
        """Give up a setup in progress (the pending secret is discarded): its starter's ``handle``, or the password."""
        return self.fire(account, "abandon_setup", Actor.holder(account), handle=handle, password=password)

    def login(self, account: Account, *, password: str, code: str) -> Outcome:
        """Password and a fresh code: ``outcome.access_granted`` and ``outcome.session`` on success."""
        return self.fire(account, "login", Actor.holder(account), password=password, code=code)

    def report_lost_device(self, account: Account, *, password: str) -> Outcome:
        """The user says the phone is lost (or the app deleted): the account is locked out."""
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
        self._judgeable(account, self.clock.now(), "tick")  # a broken clock is no "nothing due"
        for event in self._rt.timed_events(account.state):
            try:
                return self._fire(account, event, Actor.system(), (None, None, None, None), quiet=True)
            except DeniedError:
                continue
        return None


def _messages(account_id: str, ctx: Ctx) -> tuple[Message, ...]:
    messages: list[Message] = [notice(account_id, kind, ctx.now) for kind in ctx.notices]
    if ctx.token_out is not None:
        messages.append(TokenDelivery(account_id, SecretStr(ctx.token_out), ctx.now))
    return tuple(messages)
