"""Checking a step's expectations against what happened (secret-free comparisons only)."""

from __future__ import annotations

from collections.abc import Sequence

from simulator.scenario.model import EFFECT_ALIASES, Expect
from simulator.scenario.records import Mismatch, StepRecord
from twofa_fsm import Account

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
    out: list[Mismatch] = []
    effects = main.effects + tuple(e for r in follow for e in r.effects)
    notices = main.notices + tuple(n for r in follow for n in r.notices)
    outcome = "allowed" if main.allowed else f"refused ({main.error_kind})"
    if expect.state is not None and account.state != expect.state:
        out.append(Mismatch("state", expect.state, account.state))
    if expect.allowed is not None and main.allowed != expect.allowed:
        out.append(Mismatch("allowed", "allowed" if expect.allowed else "refused", outcome))
    if expect.access is not None and (expect.access == "granted") != main.access_granted:
        out.append(Mismatch("access", expect.access, "granted" if main.access_granted else "denied"))
    if expect.error is not None and main.error_kind != expect.error:
        out.append(Mismatch("error", expect.error, main.error_kind or "none (allowed)"))
    if expect.reason is not None and expect.reason.lower() not in main.reason.lower():
        out.append(
            Mismatch(
                "reason", f"a message containing {expect.reason!r}", repr(main.reason) if main.reason else "no message"
            )
        )
    missing = [e for e in expect.effects if not _has_effect(e, effects)]
    if missing:
        out.append(Mismatch("effects", "to include " + _fmt(missing), _fmt(list(effects))))
    present = [e for e in expect.no_effects if _has_effect(e, effects)]
    if present:
        out.append(Mismatch("effects", "not to include " + _fmt(present), _fmt(list(effects))))
    lacking = [n for n in expect.notices if n not in notices]
    if lacking:
        out.append(Mismatch("notices", "to include " + _fmt(lacking), _fmt(list(notices))))
    if expect.failures is not None and account.failures != expect.failures:
        out.append(Mismatch("failures", str(expect.failures), str(account.failures)))
    if expect.locked is not None:
        locked = any(r.kind == "auto" and r.allowed and r.dest != r.source for r in follow)
        if locked != expect.locked:
            out.append(
                Mismatch(
                    "locked",
                    "locked by this attempt" if expect.locked else "not locked",
                    "locked" if locked else "not locked",
                )
            )
    if expect.has_secret is not None and (account.bound_secret is not None) != expect.has_secret:
        out.append(
            Mismatch(
                "has_secret",
                "a bound secret" if expect.has_secret else "no bound secret",
                "one" if account.bound_secret is not None else "none",
            )
        )
    if expect.sessions is not None and len(account.sessions) != expect.sessions:
        out.append(Mismatch("sessions", str(expect.sessions), str(len(account.sessions))))
    if expect.token_outstanding is not None and (account.token_digest is not None) != expect.token_outstanding:
        out.append(
            Mismatch(
                "token_outstanding",
                str(expect.token_outstanding).lower(),
                str(account.token_digest is not None).lower(),
            )
        )
    if expect.tokens_delivered is not None and tokens_delivered != expect.tokens_delivered:
        out.append(Mismatch("tokens_delivered", str(expect.tokens_delivered), str(tokens_delivered)))
    if expect.unchanged_since is not None:
        before = snapshots.get(expect.unchanged_since)
        if before is None:
            out.append(
                Mismatch(
                    "unchanged_since",
                    f"an account snapshot at step '{expect.unchanged_since}'",
                    "that step touched no account",
                )
            )
        else:
            changed = [f for f in _COMPARED if getattr(before, f) != getattr(account, f)]
            if changed:
                out.append(
                    Mismatch(
                        "unchanged_since",
                        f"the account as after step '{expect.unchanged_since}'",
                        "changed: " + ", ".join(changed),
                    )
                )
    return out
