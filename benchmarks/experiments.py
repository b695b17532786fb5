"""Local experiments behind the proposals in analysis.md (not run by ``make bench``).

    .venv/bin/python -m benchmarks.experiments [--quick]

Each experiment patches a *copy* of the behaviour in this process only (never the
source tree) and measures it side by side with the current code:

- E1 compiled dispatch: ``Runtime.run`` walks the shared machine's own
  ``transitions`` objects (same conditions, same order, same effects) instead of
  going through ``Event.trigger``; measured on one event and on one checker world.
- E2 direct HOTP: the verifier computes each code with ``hmac.digest`` on a cached
  key instead of ``pyotp.TOTP.generate_otp`` (which base32-decodes the secret
  on every call); same window, same replay rule, cross-checked against pyotp.
- E3 slotted account: the same fields as ``Account`` in a frozen, slotted pydantic
  dataclass; bytes per idle account.
"""

from __future__ import annotations

import argparse
import hmac
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import pyotp

from benchmarks.common import Settings, interleaved, per_round_ratio
from benchmarks.memory import _fields, _measure
from benchmarks.micro import fixture
from benchmarks.peers import CYCLE, START, RawShared
from twofa_fsm import REALISTIC_EPOCH, TotpVerifier
from twofa_fsm._runtime.context import Ctx
from twofa_fsm._runtime.machine import Runtime, _Cursor
from twofa_fsm.totp import CodeCheck, code_format_problem

# -- E1: compiled dispatch -----------------------------------------------------------------------


class _EventData:
    """What the runtime's condition and effect callbacks read: ``kwargs['ctx']`` (and the model)."""

    __slots__ = ("kwargs", "model")

    def __init__(self, model: object, ctx: Ctx) -> None:
        self.model = model
        self.kwargs = {"ctx": ctx}


def compile_dispatch(
    rt: Runtime,
) -> dict[tuple[str, str], list[tuple[list[Callable[..., bool]], str, list[Callable[..., None]]]]]:
    """(state, event) -> the machine's own transitions: (condition funcs, dest, after callbacks), in order."""
    table: dict[tuple[str, str], list[tuple[list[Callable[..., bool]], str, list[Callable[..., None]]]]] = {}
    for name, event in rt.machine.events.items():
        for source, transitions in event.transitions.items():
            rows: list[Any] = []
            for t in transitions:
                assert all(c.target for c in t.conditions), "the runtime registers no `unless` conditions"
                assert not t.prepare and not t.before, "the runtime registers conditions and after-callbacks only"
                rows.append(([c.func for c in t.conditions], t.dest, list(t.after)))
            table[(source, name)] = rows
    return table


def compiled_run(rt: Runtime) -> Callable[[str, Ctx], str | None]:
    table = compile_dispatch(rt)

    def run(event: str, ctx: Ctx) -> str | None:
        cursor = _Cursor(ctx.account.state)
        data = _EventData(cursor, ctx)
        for conditions, dest, after in table.get((cursor.state, event), ()):
            for cond in conditions:  # short-circuits like transitions' _eval_conditions
                if not cond(data):
                    break
            else:
                cursor.state = dest
                for callback in after:
                    callback(data)
                return dest
        return None

    return run


@contextmanager
def patched_runtime_run() -> Iterator[None]:
    """Every Runtime built inside the block uses the compiled dispatch (the checker builds its own engines)."""
    original_init = Runtime.__init__

    def init(self: Runtime, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.run = compiled_run(self)  # type: ignore[method-assign,assignment]

    Runtime.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        Runtime.__init__ = original_init  # type: ignore[method-assign]


def e1_event(settings: Settings) -> None:
    fx_now, fx_new = fixture(), fixture()
    fx_new.engine._rt.run = compiled_run(fx_new.engine._rt)  # type: ignore[method-assign,assignment]
    raw = RawShared(fx_now.spec)
    accs = {"now": [fx_now.target], "new": [fx_new.target]}

    def cycle(engine: Any, key: str) -> Callable[[], None]:
        methods = [getattr(engine, e) for e in CYCLE]
        admin = fx_now.admin

        def op() -> None:
            a = accs[key][0]
            for m in methods:
                a = m(a, admin).account
            accs[key][0] = a

        return op

    cur: list[Any] = [START, None]

    def raw_op() -> None:
        s, p = cur
        for e in CYCLE:
            out = raw.fire(s, p, e)
            assert out is not None
            s, p = out
        cur[0], cur[1] = s, p

    ops = {"current": cycle(fx_now.engine, "now"), "compiled": cycle(fx_new.engine, "new"), "raw": raw_op}
    ops["current"]()
    ops["compiled"]()
    assert accs["now"][0].to_json() == accs["new"][0].to_json(), "the compiled dispatch changed the resulting account"
    st = interleaved(ops, settings, ops_per_call=4)
    print("E1 compiled dispatch, one admin event (µs, median of rounds):")
    for k, v in st.items():
        print(f"  {k:9s} {v.median:7.2f}  ({v.low:.2f}–{v.high:.2f})  ×raw {per_round_ratio(v, st['raw']):.2f}")
    print(f"  compiled / current: {per_round_ratio(st['compiled'], st['current']):.2f}")


def e1_checker(quick: bool) -> None:
    from benchmarks.common import ROOT
    from simulator.checker import explore
    from simulator.checker.search import WORLDS
    from twofa_fsm import load_spec

    spec = load_spec(ROOT / "spec" / "twofa.yaml")
    kwargs: dict[str, Any] = {"worlds": WORLDS[:1], "limit": 200 if quick else 200_000}
    times: dict[str, list[float]] = {"current": [], "compiled": []}
    found: dict[str, tuple[int, int, set[str]]] = {}
    for r in range(1 if quick else 3):
        for name in ("current", "compiled") if r % 2 == 0 else ("compiled", "current"):
            if name == "compiled":
                with patched_runtime_run():
                    res = explore(spec, **kwargs)
            else:
                res = explore(spec, **kwargs)
            times[name].append(res.seconds)
            found[name] = (res.states, res.transitions, res.violated())
    assert found["current"] == found["compiled"], f"the compiled dispatch changed the checker's result: {found}"
    cur, new = statistics.median(times["current"]), statistics.median(times["compiled"])
    print(
        f"E1 compiled dispatch, checker world {WORLDS[0]}: current {cur:.2f} s, compiled {new:.2f} s "
        f"(×{cur / new:.2f}); same states/transitions/violations: {found['current'][:2]}"
    )


# -- E2: direct HOTP -----------------------------------------------------------------------------

_DIGEST = {"sha1": "sha1", "sha256": "sha256", "sha512": "sha512"}


@lru_cache(maxsize=4096)
def _key(secret: str) -> bytes:
    return pyotp.TOTP(secret).byte_secret()  # the same base32 decoding (and padding) as pyotp


class DirectVerifier(TotpVerifier):
    """TotpVerifier with RFC 4226 HOTP computed by ``hmac.digest`` on a cached key."""

    def _code(self, key: bytes, step: int) -> str:
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
            if step >= 0 and hmac.compare_digest(self._code(key, step), code):
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
        f = _fields(i, rng)
        f["sessions"] = list(f["sessions"])
        return Account.from_json(json.dumps(f))

    def slotted_json(i: int, rng: random.Random) -> object:
        f = _fields(i, rng)
        f["sessions"] = list(f["sessions"])
        return adapter.validate_json(json.dumps(f))

    probe = slotted_json(1, random.Random(1))
    assert not hasattr(probe, "__dict__") and getattr(probe, "bound_secret").get_secret_value()  # noqa: B009
    a = _measure("current", n, current)
    b = _measure("slotted", n, slotted_json)
    print(
        f"E3 slotted account ({n:,} idle accounts): current Account {a.bytes_per_account:,.0f} B, "
        f"frozen slotted pydantic dataclass {b.bytes_per_account:,.0f} B (×{b.bytes_per_account / a.bytes_per_account:.2f})"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.experiments")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="e1,e1c,e2,e3")
    args = ap.parse_args(argv)
    settings = Settings.make(args.quick)
    chosen = set(args.only.split(","))
    t0 = time.perf_counter()
    if "e1" in chosen:
        e1_event(settings)
    if "e1c" in chosen:
        e1_checker(args.quick)
    if "e2" in chosen:
        e2_totp(settings)
    if "e3" in chosen:
        e3_memory(args.quick)
    print(f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
