"""What the engine refuses to judge at all: inputs that are not text, and a clock that is not a time.

A password or setup token must be ``None`` or a ``str`` of valid Unicode (no lone
surrogates, which cannot be encoded) of at most ``MAX_INPUT`` characters; anything
else would crash a password hasher or a digest, or make it do megabytes of work.
Codes are judged by the TOTP verifier (strict format) and need nothing here.  The
time must be a finite number, not before the account's last recorded change.
"""

from __future__ import annotations

import math

from twofa_fsm.account import Account

MAX_INPUT = 1024


def text_problem(name: str, value: object) -> str | None:
    """Why ``value`` cannot be a ``name`` (password, token), or None when it can."""
    if value is None:
        return None
    if not isinstance(value, str):
        return f"the {name} must be text, not {type(value).__name__}"
    if len(value) > MAX_INPUT:
        return f"the {name} is {len(value)} characters long (at most {MAX_INPUT})"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"the {name} is not valid Unicode text (it contains a lone surrogate)"
    return None


def latest_time(account: Account) -> float:
    """The latest moment the account records (0.0 for a fresh account)."""
    latest = 0.0
    for t in (
        account.bound_at, account.pending_since, account.last_failure_at, account.last_verified_at,
        account.reset_requested_at,
    ):  # fmt: skip
        if t is not None and t > latest:
            latest = t
    return latest


def time_problem(account: Account, now: object) -> str | None:
    """Why ``now`` (what the clock returned) cannot be the time of an event on ``account``."""
    if type(now) is float and now - now == 0.0 and now >= latest_time(account):
        return None  # the usual case, decided at once: a finite float, not before the last change
    if isinstance(now, bool) or not isinstance(now, float | int):
        return f"the clock returned {type(now).__name__}, not a number of seconds; fix the injected clock"
    if not math.isfinite(now):
        return f"the clock returned {now!r}, not a finite time; fix the injected clock"
    latest = latest_time(account)
    if now < latest:
        return (
            f"the clock went backwards ({now:.0f} is before the account's last change at {latest:.0f}); "
            "fix the injected clock"
        )
    return None


def input_problem(account: Account, now: object, *, password: object, token: object, handle: object) -> str | None:
    """The first reason the engine cannot judge an event with these inputs at ``now``, or None."""
    if password is None and token is None and handle is None:
        return time_problem(account, now)
    return (
        time_problem(account, now)
        or text_problem("password", password)
        or text_problem("token", token)
        or text_problem("setup handle", handle)
    )
