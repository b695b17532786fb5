"""Local experiments behind the proposals in analysis.md (not run by ``make bench``).

    .venv/bin/python -m benchmarks.experiments [--quick]

Each experiment builds a *copy* of the behaviour in this process only (never the
source tree), through the library's public API, and measures it side by side with
the current code:

- E2 direct HOTP: the verifier computes each code with ``hmac.digest`` on a cached
  key instead of ``pyotp.TOTP.generate_otp`` (which base32-decodes the secret
  on every call); same window, same replay rule, cross-checked against pyotp.
- E3 slotted account: the same fields as ``Account`` in a frozen, slotted pydantic
  dataclass; bytes per idle account.

E1 (compiled dispatch, proposal P1 in analysis.md) was dropped: it replaced the
library's private runtime dispatch, which benchmarks must not reach into, and P1
was declined.
"""

from __future__ import annotations

import argparse
import hmac
import json
import random
import sys
import time
from functools import lru_cache
from typing import Any

import pyotp

from benchmarks.common import Settings, interleaved, per_round_ratio
from benchmarks.memory import idle_fields, measure
from benchmarks.micro import fixture
from twofa_fsm import REALISTIC_EPOCH, TotpVerifier, code_format_problem
from twofa_fsm.totp import CodeCheck

# -- E2: direct HOTP -----------------------------------------------------------------------------

_DIGEST = {"sha1": "sha1", "sha256": "sha256", "sha512": "sha512"}


@lru_cache(maxsize=4096)
def _key(secret: str) -> bytes:
    return pyotp.TOTP(secret).byte_secret()  # the same base32 decoding (and padding) as pyotp


class DirectVerifier(TotpVerifier):
    """TotpVerifier with RFC 4226 HOTP computed by ``hmac.digest`` on a cached key."""

    def _direct_code(self, key: bytes, step: int) -> str:
        mac = hmac.digest(key, step.to_bytes(8, "big"), _DIGEST[self.algorithm])
        offset = mac[-1] & 0x0F
        value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
        return str(value % 10**self.digits).zfill(self.digits)

    def verify(self, secret: str, code: object, now: float, last_step: int | None) -> CodeCheck:
        problem = code_format_problem(code, self.digits)
        if problem is not None:
            return CodeCheck(False, f"malformed code: {problem}", counts=isinstance(code, str))
        assert isinstance(code, str)
        key = _key(secret)
        current = self.step_at(now)
        matched: int | None = None
        for offset in range(-self.window, self.window + 1):
            step = current + offset
            if step >= 0 and hmac.compare_digest(self._direct_code(key, step), code):
                matched = step if matched is None else max(matched, step)
        if matched is None:
            return CodeCheck(False, "wrong code, or outside the drift window")
        if last_step is not None and matched <= last_step:
            return CodeCheck(False, "replayed code: its time step was already used", step=matched)
        return CodeCheck(True, "ok", step=matched, counts=False)


def e2_totp(settings: Settings) -> None:
    fx = fixture()
    ours, direct = TotpVerifier(fx.spec.policy), DirectVerifier(fx.spec.policy)
    rng = random.Random(3)
    for i in range(300):  # cross-check: same verdicts and steps on good, neighbouring, wrong and replayed codes
        secret = pyotp.random_base32(32)
        now = REALISTIC_EPOCH + rng.randrange(10**6)
        for code in (pyotp.TOTP(secret).at(now + d) for d in (-60, -30, 0, 30, 60)):
            for last in (None, int(now // 30) - 1, int(now // 30)):
                assert ours.verify(secret, code, now, last) == direct.verify(secret, code, now, last), (i, code, last)
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    now = fx.now + 12.0
    totp = pyotp.TOTP(secret)
    good = totp.at(now)
    st = interleaved(
        {
            "current": lambda: ours.verify(secret, good, now, None),
            "direct": lambda: direct.verify(secret, good, now, None),
            "pyotp": lambda: totp.verify(good, for_time=now, valid_window=1),
        },
        settings,
    )
    print("E2 direct HOTP, one verification of a current code (µs):")
    for k, v in st.items():
        print(f"  {k:8s} {v.median:7.2f}  ({v.low:.2f}–{v.high:.2f})  ×pyotp {per_round_ratio(v, st['pyotp']):.2f}")
    print("  (verdicts identical to the current verifier on 4,500 cross-checked cases)")


# -- E3: a slotted account -------------------------------------------------------------------------


def e3_memory(quick: bool) -> None:
    from pydantic import ConfigDict, TypeAdapter
    from pydantic.dataclasses import dataclass as pdataclass

    from twofa_fsm import Account

    fields = {name: (info.annotation, info) for name, info in Account.model_fields.items()}
    namespace: dict[str, Any] = {"__annotations__": {k: v[0] for k, v in fields.items()}}
    for name, (_, info) in fields.items():
        if not info.is_required():
            namespace[name] = info
    slotted = pdataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid"))(
        type("SlottedAccount", (), namespace)
    )
    adapter: TypeAdapter[Any] = TypeAdapter(slotted)
    n = 2_000 if quick else 100_000

    def current(i: int, rng: random.Random) -> object:
        f = idle_fields(i, rng)
        f["sessions"] = list(f["sessions"])
        return Account.from_json(json.dumps(f))

    def slotted_json(i: int, rng: random.Random) -> object:
        f = idle_fields(i, rng)
        f["sessions"] = list(f["sessions"])
        return adapter.validate_json(json.dumps(f))

    probe = slotted_json(1, random.Random(1))
    # the class is built at run time: getattr, since type checkers cannot know its fields
    assert not hasattr(probe, "__dict__") and getattr(probe, "bound_secret").get_secret_value()  # noqa: B009 - see above
    a = measure("current", n, current)
    b = measure("slotted", n, slotted_json)
    print(
        f"E3 slotted account ({n:,} idle accounts): current Account {a.bytes_per_account:,.0f} B, frozen slotted "
        f"pydantic dataclass {b.bytes_per_account:,.0f} B (×{b.bytes_per_account / a.bytes_per_account:.2f})"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.experiments")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="e2,e3")
    args = ap.parse_args(argv)
    settings = Settings.make(args.quick)
    chosen = set(args.only.split(","))
    t0 = time.perf_counter()
    if "e2" in chosen:
        e2_totp(settings)
    if "e3" in chosen:
        e3_memory(args.quick)
    print(f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
