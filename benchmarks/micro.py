"""Items 1–3: one event, the web-request path and the TOTP path, each group interleaved."""

from __future__ import annotations

import base64
import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyotp

from benchmarks.common import ROOT, Settings, Stat
from benchmarks.common import interleaved as run_interleaved
from benchmarks.peers import CYCLE, START, DictFloor, DictRec, RawShared, Rec, TransitionsPerAccount
from benchmarks.peers_psm import StatemachinePeer
from benchmarks.peers_shared import SharedSameWork
from twofa_fsm import (
    REALISTIC_EPOCH,
    Account,
    Actor,
    Engine,
    ManualClock,
    PasswordBook,
    Policy,
    SeededEntropy,
    Spec,
    TotpVerifier,
    load_spec,
)

SPEC = ROOT / "spec" / "twofa.yaml"


@dataclass
class Fixture:
    spec: Spec
    engine: Engine
    admin: Actor
    target: Account
    now: float


def fixture(spec_path: str = str(SPEC)) -> Fixture:
    clock = ManualClock(REALISTIC_EPOCH)
    spec = load_spec(spec_path)
    engine = Engine(spec, passwords=PasswordBook(iterations=1), clock=clock, entropy=SeededEntropy(1))
    target = engine.new_account("mia", org="acme", role="member").account
    admin = Actor("adam", role="admin", org="acme", verified_at=clock.now())
    return Fixture(spec, engine, admin, target, clock.now())


# -- 1. one event -------------------------------------------------------------------------------

ONE_EVENT_NAMES = {
    "api": "twofa_fsm Engine (public API)",
    "shared": "transitions, shared machine, same work (fair peer)",
    "raw": "transitions, raw shared trigger (lower bound: selectors only)",
    "per_account": "transitions, machine per account",
    "psm_request": "python-statemachine, instance per request",
    "psm_live": "python-statemachine, long-lived instance",
    "floor": "hand-written dict machine (floor)",
}


# A candidate: the call that fires the 4-event cycle once, and a check that it came back to the start.
Candidate = tuple[Callable[[], object], Callable[[], bool]]


def _api_events(fx: Fixture) -> Candidate:
    methods = [getattr(fx.engine, event) for event in CYCLE]  # request_reset, confirm_reset, ..., the typed façade
    admin, acc = fx.admin, [fx.target]

    def api() -> None:
        a = acc[0]
        for method in methods:
            a = method(a, admin).account
        acc[0] = a

    return api, lambda: acc[0].state == START and acc[0].version == 4


def _raw_shared(fx: Fixture) -> Candidate:
    raw = RawShared(fx.spec)
    cursor: list[Any] = [START, None]

    def raw_shared() -> None:
        s, p = cursor
        for event in CYCLE:
            out = raw.fire(s, p, event)
            assert out is not None
            s, p = out
        cursor[0], cursor[1] = s, p

    return raw_shared, lambda: cursor[0] == START


def _shared_same(fx: Fixture) -> Candidate:
    shared, admin, now = SharedSameWork(fx.spec), fx.admin, fx.now
    rec = [Rec("mia", "acme", "member", START)]

    def shared_same() -> None:
        r = rec[0]
        for event in CYCLE:
            out = shared.fire(r, event, admin, now)
            assert out is not None
            r = out
        rec[0] = r

    return shared_same, lambda: rec[0].state == START and rec[0].version % 4 == 0


def _per_account(fx: Fixture) -> Candidate:
    per, admin, now = TransitionsPerAccount(fx.spec), fx.admin, fx.now
    per_rec = [Rec("mia", "acme", "member", START)]

    def per_account() -> None:
        r = per_rec[0]
        for event in CYCLE:
            out = per.fire(r, event, admin, now)
            assert out is not None
            r = out
        per_rec[0] = r

    return per_account, lambda: per_rec[0].state == START


def _psm_request(psm: StatemachinePeer, fx: Fixture) -> Candidate:
    admin, now = fx.admin, fx.now
    psm_rec = [Rec("mia", "acme", "member", START)]

    def psm_request() -> None:
        r = psm_rec[0]
        for event in CYCLE:
            r = psm.fire_per_request(r, event, admin, now)
        psm_rec[0] = r

    return psm_request, lambda: psm_rec[0].state == START


def _psm_live(psm: StatemachinePeer, fx: Fixture) -> Candidate:
    admin, now = fx.admin, fx.now
    live = psm.build(Rec("mia", "acme", "member", START))

    def psm_live() -> None:
        for event in CYCLE:
            psm.fire_long_lived(live, event, admin, now)

    return psm_live, lambda: bool(live.model.state == START)


def _dict_floor(fx: Fixture) -> Candidate:
    floor, admin, now = DictFloor(fx.spec), fx.admin, fx.now
    floor_rec = Rec("mia", "acme", "member", START)

    def dict_floor() -> None:
        for event in CYCLE:
            if not floor.fire(floor_rec, event, admin, now):
                raise AssertionError(event)

    return dict_floor, lambda: floor_rec.state == START


def _checked(cands: dict[str, Candidate], checked: tuple[str, ...]) -> dict[str, Callable[[], object]]:
    """Run every candidate once; those named in ``checked`` must be back at the start."""
    for op, _ in cands.values():
        op()
    for name in checked:
        assert cands[name][1](), f"{name} did not come back to {START}"
    return {name: op for name, (op, _) in cands.items()}


def one_event_candidates(fx: Fixture) -> dict[str, Callable[[], object]]:
    """Each candidate fires the 4-event admin cycle once per call (so results are per 4 events)."""
    psm = StatemachinePeer(fx.spec)
    cands = {
        "api": _api_events(fx),
        "shared": _shared_same(fx),
        "raw": _raw_shared(fx),
        "per_account": _per_account(fx),
        "psm_request": _psm_request(psm, fx),
        "psm_live": _psm_live(psm, fx),
        "floor": _dict_floor(fx),
    }
    # every candidate must really run the cycle and come back to the start
    return _checked(cands, tuple(cands))


def bench_one_event(settings: Settings, fx: Fixture | None = None) -> dict[str, Stat]:
    fx = fx or fixture()
    return run_interleaved(one_event_candidates(fx), settings, ops_per_call=len(CYCLE))


# -- 2. the web-request path ----------------------------------------------------------------------

WEB_NAMES = {
    "api_web": "twofa_fsm: from_json + event + to_json",
    "api_event": "twofa_fsm: event only (same cycle)",
    "per_account_web": "transitions per account: json.loads + build + event + json.dumps",
    "floor_web": "dict machine: json.loads + event + json.dumps (floor)",
}


def _rec_to_json(r: Rec) -> str:
    return json.dumps({name: getattr(r, name) for name in Rec.__slots__})


def _rec_from_json(text: str) -> Rec:
    data = json.loads(text)
    r = Rec(data["id"], data["org"], data["role"], data["state"])
    for name, value in data.items():
        setattr(r, name, tuple(value) if name == "sessions" else value)
    return r


def _api_web(fx: Fixture) -> Candidate:
    methods = [getattr(fx.engine, event) for event in CYCLE]
    admin, stored = fx.admin, [fx.target.to_json()]

    def api_web() -> None:
        text = stored[0]
        for method in methods:
            text = method(Account.from_json(text), admin).account.to_json()
        stored[0] = text

    return api_web, lambda: Account.from_json(stored[0]).state == START


def _per_account_web(fx: Fixture) -> Candidate:
    per, admin, now = TransitionsPerAccount(fx.spec), fx.admin, fx.now
    per_stored = [_rec_to_json(Rec("mia", "acme", "member", START))]

    def per_account_web() -> None:
        text = per_stored[0]
        for event in CYCLE:
            r = _rec_from_json(text)
            record = DictRec(r)
            per.build(record)
            if not getattr(record, event)(actor=admin, now=now):
                raise AssertionError(event)
            text = json.dumps({name: getattr(record, name) for name in Rec.__slots__})
        per_stored[0] = text

    return per_account_web, lambda: bool(json.loads(per_stored[0])["state"] == START)


def _floor_web(fx: Fixture) -> Candidate:
    floor, admin, now = DictFloor(fx.spec), fx.admin, fx.now
    floor_stored = [_rec_to_json(Rec("mia", "acme", "member", START))]

    def floor_web() -> None:
        text = floor_stored[0]
        for event in CYCLE:
            r = _rec_from_json(text)
            if not floor.fire(r, event, admin, now):
                raise AssertionError(event)
            text = _rec_to_json(r)
        floor_stored[0] = text

    return floor_web, lambda: bool(json.loads(floor_stored[0])["state"] == START)


def web_candidates(fx: Fixture) -> dict[str, Callable[[], object]]:
    """One request = restore from JSON, fire one event, serialise; one call = the 4-event cycle."""
    cands = {
        "api_web": _api_web(fx),
        "api_event": _api_events(fx),
        "per_account_web": _per_account_web(fx),
        "floor_web": _floor_web(fx),
    }
    return _checked(cands, ("api_web", "floor_web"))


def bench_web(settings: Settings, fx: Fixture | None = None) -> dict[str, Stat]:
    fx = fx or fixture()
    return run_interleaved(web_candidates(fx), settings, ops_per_call=len(CYCLE))


# -- 3. the TOTP path ------------------------------------------------------------------------------

TOTP_NAMES = {
    "ours_good": "TotpVerifier.verify, current code",
    "pyotp_good": "pyotp.TOTP.verify(valid_window=1), current code",
    "ours_bad": "TotpVerifier.verify, wrong code",
    "pyotp_bad": "pyotp.TOTP.verify(valid_window=1), wrong code",
    "ours_malformed": "TotpVerifier.verify, malformed code (refused before HMAC)",
}


def _totp_pool(policy: Policy, n: int = 512) -> list[tuple[str, float, str, str]]:
    """(secret, time, right code, wrong code): a fresh secret and time step for every call, as in real traffic."""
    rng = random.Random(7)
    out = []
    for _ in range(n):
        secret = base64.b32encode(rng.randbytes(20)).decode()
        now = 1.7e9 + rng.uniform(0, 1e8)
        good = pyotp.TOTP(secret, digits=policy.digits, interval=policy.period).at(now)
        out.append((secret, now, good, f"{(int(good) + 500_000) % 10**policy.digits:0{policy.digits}d}"))
    return out


def totp_candidates(fx: Fixture) -> dict[str, Callable[[], object]]:
    """Each call verifies a code of another secret at another time (nothing can be remembered between calls);
    pyotp builds its ``TOTP`` from the stored secret on each call, as a backend would."""
    policy = fx.spec.policy
    verifier = TotpVerifier(policy)
    window = policy.drift_window
    pool = _totp_pool(policy)
    for secret, now, good, bad in pool[:50]:  # both agree before anything is timed
        totp = pyotp.TOTP(secret, digits=policy.digits, interval=policy.period)
        assert verifier.verify(secret, good, now, None).ok and totp.verify(good, for_time=now, valid_window=window)
        assert not verifier.verify(secret, bad, now, None).ok and not totp.verify(
            bad, for_time=now, valid_window=window
        )
    draws = {name: itertools.cycle(pool) for name in ("og", "pg", "ob", "pb", "om")}

    def ours(name: str, index: int) -> Callable[[], object]:
        def call() -> object:
            item = next(draws[name])
            return verifier.verify(item[0], item[index], item[1], None)

        return call

    def theirs(name: str, index: int) -> Callable[[], object]:
        def call() -> object:
            item = next(draws[name])
            totp = pyotp.TOTP(item[0], digits=policy.digits, interval=policy.period)
            return totp.verify(item[index], for_time=item[1], valid_window=window)

        return call

    return {
        "ours_good": ours("og", 2),
        "pyotp_good": theirs("pg", 2),
        "ours_bad": ours("ob", 3),
        "pyotp_bad": theirs("pb", 3),
        "ours_malformed": lambda: verifier.verify(next(draws["om"])[0], "12 345", fx.now, None),
    }


def bench_totp(settings: Settings, fx: Fixture | None = None) -> dict[str, Stat]:
    fx = fx or fixture()
    return run_interleaved(totp_candidates(fx), settings)
