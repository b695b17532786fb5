"""The fair peer for a login: one shared ``transitions`` machine doing the same work as ``Engine.login``.

The spec's login transition(s), the same checks in the same order (the holder, the back-off, the password
through the same ``PasswordBook``, the code through the same ``TotpVerifier`` with replay protection), the same
effects (the accepted step, failures cleared, the verification time, a new session: a random id of which only
the SHA-256 digest is kept, at most the library's maximum of sessions), on a copy of the record, and an audit
record.  What it leaves out is the engine's own typing: frozen result objects, refusal kinds, notices.
"""

from __future__ import annotations

import hashlib
from typing import Any

from twofa_fsm import Entropy, PasswordBook, Spec, TotpVerifier
from twofa_fsm.sessions import MAX_SESSIONS, SESSION_BYTES
from twofa_fsm.totp import backoff_seconds


class LoginRec:
    """A plain ``__dict__`` record (``transitions`` adds trigger methods to its model)."""

    def __init__(self, id: str, state: str, bound_secret: str) -> None:
        self.id, self.state, self.bound_secret = id, state, bound_secret
        self.failures, self.last_failure_at = 0, None
        self.last_step: int | None = None
        self.last_verified_at: float | None = None
        self.sessions: tuple[tuple[str, float, float], ...] = ()
        self.version = 0
        self.step: int | None = None  # the step the code matched (set by the code check, read by accept_code)

    def copy(self) -> LoginRec:
        new = LoginRec.__new__(LoginRec)
        new.__dict__.update(self.__dict__)
        return new


class SharedLogin:
    """One shared machine (``model=None``) with the spec's login transitions, on a copy of the record."""

    def __init__(self, spec: Spec, passwords: PasswordBook, verifier: TotpVerifier, entropy: Entropy) -> None:
        from transitions import Machine

        self.passwords, self.verifier, self.policy, self.entropy = passwords, verifier, spec.policy, entropy
        self.machine = Machine(
            model=None, states=list(spec.states), initial=spec.initial, auto_transitions=False, send_event=True
        )
        guards = {
            "is_self": self._is_self,
            "not_backed_off": self._not_backed_off,
            "password_valid": self._password_valid,
            "bound_code_valid": self._bound_code_valid,
        }
        effects = {
            "accept_code": self._accept_code,
            "clear_failures": self._clear_failures,
            "record_verification": self._record_verification,
            "start_session": self._start_session,
        }
        for t in spec.transitions:
            if t.event == "login":
                self.machine.add_transition(
                    "login",
                    list(t.source),
                    t.dest,
                    conditions=[guards[g.name] for g in t.guards],
                    after=[effects[e.name] for e in t.effects],
                )
        self.login_event: Any = self.machine.events["login"]
        self.audit: list[tuple[object, ...]] = []

    def login(self, rec: LoginRec, password: str, code: str, now: float) -> LoginRec | None:
        record = rec.copy()  # a new account, as the engine returns one
        source = record.state
        if not self.login_event.trigger(record, holder=rec.id, password=password, code=code, now=now):
            return None
        record.version = rec.version + 1
        self.audit.append((now, rec.id, "member", rec.id, "acme", "login", "allowed", source, record.state))
        if len(self.audit) > 1024:
            self.audit.clear()
        return record

    # -- checks --------------------------------------------------------------------------------
    @staticmethod
    def _is_self(ev: Any) -> bool:
        return bool(ev.kwargs["holder"] == ev.model.id)

    def _not_backed_off(self, ev: Any) -> bool:
        a = ev.model
        return a.last_failure_at is None or ev.kwargs["now"] >= a.last_failure_at + backoff_seconds(
            self.policy, a.failures
        )

    def _password_valid(self, ev: Any) -> bool:
        return self.passwords.check(ev.model.id, ev.kwargs["password"])

    def _bound_code_valid(self, ev: Any) -> bool:
        a = ev.model
        check = self.verifier.verify(a.bound_secret, ev.kwargs["code"], ev.kwargs["now"], a.last_step)
        a.step = check.step if check.ok else None
        return check.ok

    # -- effects -------------------------------------------------------------------------------
    @staticmethod
    def _accept_code(ev: Any) -> None:
        a = ev.model
        a.last_step = a.step if a.last_step is None else max(a.last_step, a.step)

    @staticmethod
    def _clear_failures(ev: Any) -> None:
        ev.model.failures, ev.model.last_failure_at = 0, None

    @staticmethod
    def _record_verification(ev: Any) -> None:
        ev.model.last_verified_at = ev.kwargs["now"]

    def _start_session(self, ev: Any) -> None:
        a, now = ev.model, ev.kwargs["now"]
        lifetime, idle = self.policy.session_lifetime_seconds, self.policy.session_idle_seconds
        live = tuple(
            s
            for s in a.sessions
            if (lifetime is None or now - s[1] <= lifetime) and (idle is None or now - s[2] <= idle)
        )
        digest = hashlib.sha256(self.entropy.token(SESSION_BYTES).encode()).hexdigest()
        a.sessions = (*live, (digest, now, now))[-MAX_SESSIONS:]
