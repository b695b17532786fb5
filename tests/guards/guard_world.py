"""Concrete contexts for the differential tests: accounts, actors and inputs, their z3 valuation, the engine's verdict.

A ``World`` is one concrete context of an event.  ``valuation`` reads it the way the vocabulary
defines its variables (``twofa_fsm_tools.guards.vocabulary.VARIABLES``); ``holds`` evaluates a
formula on those values; ``verdict`` asks a real ``Engine`` (``ManualClock``, ``PasswordBook``,
``MemoryDirectory``) whether the event is allowed and where it goes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pyotp
import z3
from hypothesis import strategies as st
from pydantic import SecretStr

from twofa_fsm import Account, Actor, DeniedError, Engine, ManualClock, MemoryDirectory, PasswordBook
from twofa_fsm.spec.model import Spec
from twofa_fsm_tools.guards.vocabulary import NO_STATE, Vocabulary

NOW = 1_700_100_000.0  # after the harness clock's start (1_700_000_000), so real flows can reach it
PENDING = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
BOUND = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
PASSWORD, TOKEN, HANDLE = "pw-right", "token-right", "handle-right"
ID, ORG = "target", "acme"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code(secret: str, at: float) -> str:
    return pyotp.TOTP(secret).at(at)


STEP = int(NOW // 30)
GOOD = (code(PENDING, NOW), code(BOUND, NOW), code(BOUND, NOW - 30))  # fresh codes (the last: one step old)
CODES = (None, "12345", "abcdef", code(BOUND, NOW + 300), *GOOD, *GOOD)  # the good ones twice: passing is rarer


@dataclass(frozen=True)
class World:
    account: Account
    actor: Actor
    password: str | None
    code: str | None
    token: str | None
    handle: str | None
    owners: int | None  # the directory's count of the target's role in its organisation; None: no directory


def _actor(draw: Any, spec: Spec, target_role: str) -> Actor:
    verified = draw(st.sampled_from([None, NOW, NOW - 5, NOW - 899, NOW - 900, NOW - 901, NOW - 10_000, NOW + 10]))
    if draw(st.booleans()):
        return Actor(ID, target_role, ORG, verified)
    role = draw(st.sampled_from(sorted(spec.roles)))
    if spec.roles[role].scope == "system":
        return Actor("system", role, None, None)
    return Actor("other", role, draw(st.sampled_from([ORG, "globex", None])), verified)


@st.composite
def worlds(draw: Any, spec: Spec, states: tuple[str, ...] | None = None) -> World:
    """A concrete context on ``spec``: an account in one of ``states`` (default: any), an actor, inputs."""
    lifetime = spec.policy.token_lifetime_seconds or 0
    target_role = draw(st.sampled_from(sorted(r for r, i in spec.roles.items() if i.scope == "organisation")))
    pending, bound, required = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    setup_age = draw(st.sampled_from([0, 1, 599, 600, 601, 5000]))
    token_age = draw(st.sampled_from([0, 59, 60, 61, 86399, 86400, 86401]))
    failures = draw(st.integers(0, 12))
    failure_age = draw(st.sampled_from([0, 0.5, 1, 2, 3, 4, 255, 256, 299, 300, 301]))
    prior = draw(st.sampled_from([None, *spec.states]))
    reset_age = draw(st.sampled_from([0, 899, 900, 901, 5000]))
    account = Account(
        id=ID,
        org=ORG,
        role=target_role,
        state=draw(st.sampled_from(states or tuple(spec.states))),
        pending_secret=SecretStr(PENDING) if pending else None,
        pending_since=NOW - setup_age if pending else None,
        setup_handle_digest=sha(HANDLE) if pending and draw(st.booleans()) else None,
        bound_secret=SecretStr(BOUND) if bound else None,
        bound_at=NOW - 10_000 if bound else None,
        last_step=draw(st.sampled_from([None, STEP - 1, STEP])),
        failures=failures,
        last_failure_at=NOW - failure_age if failures else None,
        token_required=required,
        token_digest=sha(TOKEN) if required else None,
        token_expires_at=NOW - token_age + lifetime if required else None,
        prior_state=prior,
        reset_requested_at=NOW - reset_age if prior is not None else None,
    )
    return World(
        account,
        _actor(draw, spec, target_role),
        draw(st.sampled_from([None, PASSWORD, "pw-wrong"])),
        draw(st.sampled_from(CODES)),
        draw(st.sampled_from([None, TOKEN, "token-wrong", "x" * 300])),
        draw(st.sampled_from([None, HANDLE, "handle-wrong"])),
        draw(st.sampled_from([None, 0, 1, 2])),
    )


def verdict(spec: Spec, world: World, event: str) -> str | None:
    """Where the engine takes the account on ``event`` in this context, or None when it refuses."""
    passwords = PasswordBook(iterations=1)
    passwords.set(ID, PASSWORD)
    directory = None
    if world.owners is not None:
        directory = MemoryDirectory()
        directory.counts[(ORG, world.account.role)] = world.owners
    engine = Engine(spec, passwords=passwords, clock=ManualClock(NOW), directory=directory)
    w = world
    try:
        out = engine.fire(w.account, event, w.actor, password=w.password, code=w.code, token=w.token, handle=w.handle)
    except DeniedError as err:
        assert err.kind != "InvalidInput", err  # every generated context is judgeable
        return None
    return out.dest


def _code_ok(spec: Spec, secret: SecretStr | None, given: str | None, last_step: int | None) -> bool:
    if secret is None:
        return False
    return Engine(spec, passwords=PasswordBook()).verifier.verify(secret.get_secret_value(), given, NOW, last_step).ok


def valuation(c: Vocabulary, world: World) -> dict[str, Any]:
    """The vocabulary's variables, read off the concrete context as their table defines them."""
    a, actor, spec = world.account, world.actor, c.spec
    lifetime = spec.policy.token_lifetime_seconds or 0
    prior = NO_STATE if a.prior_state is None else c.state_index(a.prior_state)
    return {
        "actor": c.role_index(actor.role),
        "target": c.role_index(a.role),
        "self": actor.id == a.id,
        "same_org": actor.org is not None and actor.org == a.org,
        "verified": actor.verified_at is not None,
        "verified_age": NOW - actor.verified_at if actor.verified_at is not None else 0,
        "directory": world.owners is not None,
        "sole_owner": world.owners == 1,
        "password_ok": world.password == PASSWORD,
        "handle_issued": a.setup_handle_digest is not None,
        "handle_ok": world.handle is not None and sha(world.handle) == a.setup_handle_digest,
        "token_required": a.token_required,
        "token_outstanding": a.token_digest is not None and a.token_expires_at is not None,
        "token_age": NOW - (a.token_expires_at - lifetime) if a.token_expires_at is not None else 0,
        "token_ok": world.token is not None and len(world.token) <= 256 and sha(world.token) == a.token_digest,
        "pending": a.pending_secret is not None,
        "setup_age": NOW - a.pending_since if a.pending_since is not None else 0,
        "pending_code_ok": _code_ok(spec, a.pending_secret, world.code, None),
        "bound": a.bound_secret is not None,
        "bound_code_ok": _code_ok(spec, a.bound_secret, world.code, a.last_step),
        "failures": a.failures,
        "failure_age": NOW - a.last_failure_at if a.last_failure_at is not None else 0,
        "reset_age": NOW - a.reset_requested_at if a.reset_requested_at is not None else 0,
        "came_from": prior,
    }


def _const(c: Vocabulary, name: str, value: Any) -> Any:
    sort = c.sorts[name]
    if sort == "bool":
        return z3.BoolVal(bool(value))
    if sort == "real":
        f = Fraction(value)
        return z3.RealVal(f"{f.numerator}/{f.denominator}")
    return z3.IntVal(int(value))


def holds(c: Vocabulary, formula: Any, values: dict[str, Any]) -> bool:
    """The formula's truth on concrete values (every variable it reads must have one)."""
    pairs = [(c[name], _const(c, name, value)) for name, value in values.items()]
    result = z3.simplify(z3.substitute(formula, *pairs))
    assert z3.is_true(result) or z3.is_false(result), f"not concrete: {result}"
    return bool(z3.is_true(result))
