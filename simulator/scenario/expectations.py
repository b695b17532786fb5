"""Checking a step's expectations against what happened (secret-free comparisons only)."""

from __future__ import annotations

from collections.abc import Sequence

from twofa_fsm import Account
from twofa_fsm_tools.scenario.model import EFFECT_ALIASES, Expect
from twofa_fsm_tools.scenario.records import Mismatch, StepRecord

_COMPARED = (
    "state",
    "bound_secret",
    "bound_at",
    "pending_secret",
    "pending_since",
    "last_step",
    "failures",
    "last_failure_at",
    "sessions",
    "token_digest",
    "token_expires_at",
    "token_required",
    "prior_state",
    "last_verified_at",
)


def _has_effect(name: str, effects: tuple[str, ...]) -> bool:
    want = EFFECT_ALIASES.get(name, name)
    if want.endswith("("):
        return any(e.startswith(want) for e in effects)
    return any(e == want or ("(" not in want and e.split("(")[0] == want) for e in effects)


def _fmt(values: Sequence[str]) -> str:
    return "[" + ", ".join(values) + "]" if values else "none"


def check(
    expect: Expect,
    main: StepRecord,
    follow: list[StepRecord],
    account: Account,
    tokens_delivered: int,
    snapshots: dict[str, Account],
) -> list[Mismatch]:
    """Every expectation of ``expect`` that the step's outcome does not meet."""
    effects = main.effects + tuple(e for r in follow for e in r.effects)
    notices = main.notices + tuple(n for r in follow for n in r.notices)
    found = [
        *_outcome(expect, main),
        *_lists(expect, effects, notices),
        *_account(expect, account, follow, tokens_delivered),
        _unchanged(expect, account, snapshots),
    ]
    return [m for m in found if m is not None]


def _differs(what: str, wanted: object, got: object, shown: tuple[str, str] | None = None) -> Mismatch | None:
    """A mismatch when an expectation is set (``wanted`` not None) and not met; ``shown``: how to say both."""
    if wanted is None or wanted == got:
        return None
    expected, actual = shown if shown is not None else (str(wanted), str(got))
    return Mismatch(what, expected, actual)


def _outcome(expect: Expect, main: StepRecord) -> list[Mismatch | None]:
    outcome = "allowed" if main.allowed else f"refused ({main.error_kind})"
    access = "granted" if main.access_granted else "denied"
    reason = None
    if expect.reason is not None and expect.reason.lower() not in main.reason.lower():
        actual = repr(main.reason) if main.reason else "no message"
        reason = Mismatch("reason", f"a message containing {expect.reason!r}", actual)
    return [
        _differs("allowed", expect.allowed, main.allowed, ("allowed" if expect.allowed else "refused", outcome)),
        _differs("access", expect.access, access),
        _differs("error", expect.error, main.error_kind, (str(expect.error), main.error_kind or "none (allowed)")),
        reason,
    ]


def _lists(expect: Expect, effects: tuple[str, ...], notices: tuple[str, ...]) -> list[Mismatch | None]:
    missing = [e for e in expect.effects if not _has_effect(e, effects)]
    present = [e for e in expect.no_effects if _has_effect(e, effects)]
    lacking = [n for n in expect.notices if n not in notices]
    return [
        Mismatch("effects", "to include " + _fmt(missing), _fmt(list(effects))) if missing else None,
        Mismatch("effects", "not to include " + _fmt(present), _fmt(list(effects))) if present else None,
        Mismatch("notices", "to include " + _fmt(lacking), _fmt(list(notices))) if lacking else None,
    ]


def _account(expect: Expect, account: Account, follow: list[StepRecord], tokens: int) -> list[Mismatch | None]:
    locked = any(r.kind == "auto" and r.allowed and r.dest != r.source for r in follow)
    bound = account.bound_secret is not None
    outstanding = account.token_digest is not None
    return [
        _differs("state", expect.state, account.state),
        _differs("failures", expect.failures, account.failures),
        _differs(
            "locked", expect.locked, locked,
            ("locked by this attempt" if expect.locked else "not locked", "locked" if locked else "not locked"),
        ),
        _differs(
            "has_secret", expect.has_secret, bound,
            ("a bound secret" if expect.has_secret else "no bound secret", "one" if bound else "none"),
        ),
        _differs("sessions", expect.sessions, len(account.sessions)),
        _differs(
            "token_outstanding", expect.token_outstanding, outstanding,
            (str(expect.token_outstanding).lower(), str(outstanding).lower()),
        ),
        _differs("tokens_delivered", expect.tokens_delivered, tokens),
    ]  # fmt: skip


def _unchanged(expect: Expect, account: Account, snapshots: dict[str, Account]) -> Mismatch | None:
    step = expect.unchanged_since
    if step is None:
        return None
    before = snapshots.get(step)
    if before is None:
        return Mismatch("unchanged_since", f"an account snapshot at step '{step}'", "that step touched no account")
    changed = [f for f in _COMPARED if getattr(before, f) != getattr(account, f)]
    if not changed:
        return None
    return Mismatch("unchanged_since", f"the account as after step '{step}'", "changed: " + ", ".join(changed))
