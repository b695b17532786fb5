"""The TOTP verifier: strict format, RFC 6238 codes, drift window, replay and back-off.

A code must be exactly ``digits`` ASCII digits before anything compares it: pyotp
NFKC-normalises and would accept full-width or superscript digits, so the format is
checked first, and the codes are computed here as RFC 6238 says (the tests cross-check
them against pyotp and the RFC's vectors; pyotp writes the otpauth URIs).  Each accepted
time step is remembered by the caller (``Account.last_step``) and any step at or
below it is refused (RFC 6238 §5.2).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyotp
from pydantic import SecretStr

from twofa_fsm.spec.model import Policy

_DIGESTS: dict[str, Callable[..., Any]] = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


@dataclass(frozen=True, slots=True)
class CodeCheck:
    """The verdict on one code.  ``counts``: whether it is a failed attempt."""

    ok: bool
    reason: str
    step: int | None = None
    counts: bool = True


def code_format_problem(code: object, digits: int) -> str | None:
    """Why ``code`` is not exactly ``digits`` ASCII digits, or None when it is."""
    if not isinstance(code, str):
        return f"not a string (got {type(code).__name__})"
    if len(code) > 64:
        return f"far too long ({len(code)} characters; expected {digits} digits)"
    if not code.isascii():
        return f"contains non-ASCII characters (expected {digits} ASCII digits 0-9)"
    if any(c.isspace() for c in code):
        return "contains spaces or line breaks"
    if re.fullmatch(r"[0-9]*", code) is None:
        return f"contains characters other than 0-9 (expected {digits} digits)"
    if len(code) != digits:
        return f"has {len(code)} digits (expected {digits})"
    return None


def backoff_seconds(policy: Policy, failures: int) -> float:
    """Wait imposed after ``failures`` consecutive failures (exponential, capped)."""
    if failures <= 0 or policy.backoff_base_seconds == 0:
        return 0.0
    exponent = min(failures - 1, 62)
    return float(min(policy.backoff_max_seconds, policy.backoff_base_seconds * math.pow(2, exponent)))


def _totp(secret: str, digits: int, period: int, algorithm: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=digits, interval=period, digest=_DIGESTS[algorithm])


def secret_key(secret: str) -> bytes:
    """The key bytes of a base32 ``secret`` (padding optional, case-insensitive), decoded once per use."""
    missing = len(secret) % 8
    return base64.b32decode(secret + "=" * ((8 - missing) % 8), casefold=True)


def hotp(key: bytes, step: int, digits: int, algorithm: str) -> str:
    """RFC 4226 HOTP of ``key`` at counter ``step`` (RFC 6238: the counter is the time step)."""
    mac = hmac.new(key, step.to_bytes(8, "big"), _DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    binary = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


class TotpVerifier:
    """Verifies codes under one policy.  Stateless for the caller: the caller keeps ``last_step``.

    Codes are computed as RFC 6238 says (the secret decoded once per verification, one HMAC per time
    step of the window), cross-checked against pyotp in the tests; nothing is cached, so no secret,
    revoked or not, outlives the call.
    """

    def __init__(self, policy: Policy) -> None:
        self.digits = policy.digits
        self.period = policy.period
        self.window = policy.drift_window
        self.algorithm = policy.algorithm

    def step_at(self, when: float) -> int:
        """The time step of ``when`` (seconds since the epoch)."""
        return int(when // self.period)

    def code_at(self, secret: str, when: float) -> str:
        """The code a device shows at ``when`` (for devices and tests)."""
        return hotp(secret_key(secret), self.step_at(when), self.digits, self.algorithm)

    def verify(self, secret: str, code: object, now: float, last_step: int | None) -> CodeCheck:
        problem = code_format_problem(code, self.digits)
        if problem is not None:
            return CodeCheck(False, f"malformed code: {problem}", counts=isinstance(code, str))
        assert isinstance(code, str)
        current = self.step_at(now)
        key = secret_key(secret)
        matched: int | None = None
        for offset in range(-self.window, self.window + 1):
            step = current + offset
            if step >= 0 and hmac.compare_digest(hotp(key, step, self.digits, self.algorithm), code):
                matched = step if matched is None else max(matched, step)
        if matched is None:
            return CodeCheck(False, "wrong code, or outside the drift window")
        if last_step is not None and matched <= last_step:
            return CodeCheck(False, "replayed code: its time step was already used", step=matched)
        return CodeCheck(True, "ok", step=matched, counts=False)


def _label_problem(what: str, value: str) -> str | None:
    if not value or ":" in value or any(ord(c) < 32 for c in value) or len(value) > 128:
        return f"{what} {value!r} cannot go in an otpauth URI: it must be 1-128 characters without ':' or controls"
    return None


def provisioning_uri(secret: str, account: str, policy: Policy) -> str:
    """``otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER`` with both parts checked."""
    for what, value in (("account name", account), ("issuer", policy.issuer)):
        problem = _label_problem(what, value)
        if problem is not None:
            raise ValueError(problem)
    return _totp(secret, policy.digits, policy.period, policy.algorithm).provisioning_uri(
        name=account, issuer_name=policy.issuer
    )


def relabel(uri: SecretStr, *, account_name: str, issuer: str | None = None) -> SecretStr:
    """The otpauth URI of ``start_setup`` with the label the user will see in the app: their e-mail or
    display name (``account_name``) and your product's name (``issuer``, default: the spec's issuer).

    Raises ``ValueError`` for a label an authenticator app cannot show (empty, ``:``, controls, too long).
    """
    totp = pyotp.parse_uri(uri.get_secret_value())
    if not isinstance(totp, pyotp.TOTP):
        raise ValueError("not a time-based (otpauth://totp/) URI")
    name = issuer if issuer is not None else str(totp.issuer or "")
    for what, value in (("account name", account_name), ("issuer", name)):
        problem = _label_problem(what, value)
        if problem is not None:
            raise ValueError(problem)
    return SecretStr(totp.provisioning_uri(name=account_name, issuer_name=name))
