"""Item 4: memory per idle account (tracemalloc), against a ``transitions`` machine per account.

An idle account is an enrolled one after a login: bound secret, one session, last
step and verification time set.  Every account gets its own id and secret, so
nothing is shared that a real population would not share.  The engine's accounts
are restored with ``Account.from_json`` (how a store hands them back) and also built
with the constructor.  Machines per account are slow to build, so fewer are
measured and the per-account figure is reported (it is linear: see the notes).
"""

from __future__ import annotations

import gc
import json
import random
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from benchmarks.peers import DictRec, Rec, TransitionsPerAccount
from benchmarks.peers_psm import StatemachinePeer
from twofa_fsm import REALISTIC_EPOCH, Account, Spec

_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@dataclass(frozen=True, slots=True)
class MemResult:
    name: str
    measured: int  # accounts actually built
    bytes_per_account: float


def idle_fields(i: int, rng: random.Random) -> dict[str, Any]:
    now = REALISTIC_EPOCH + i
    return {
        "id": f"user{i:07d}",
        "org": f"org{i % 1000:04d}",
        "role": "member",
        "state": "enrolled",
        "bound_secret": "".join(rng.choice(_B32) for _ in range(32)),
        "bound_at": now,
        "last_step": int(now // 30),
        # one open session: the SHA-256 digest of its id, when it was opened and last used
        "sessions": ({"digest": rng.getrandbits(256).to_bytes(32, "big").hex(), "started_at": now, "seen_at": now},),
        "last_verified_at": now,
        "version": 3,
    }


def measure(name: str, n: int, make: Callable[[int, random.Random], object]) -> MemResult:
    rng = random.Random(7)
    for i in range(500):  # warm up: one-time allocations (validators, pydantic-core's string cache) are not per account
        make(n + i, rng)
    keep: list[object] = []
    keep_append = keep.append
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for i in range(n):
            keep_append(make(i, rng))
        gc.collect()
        used = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    list_bytes = 8 * n  # the list's own pointer per account is not the account's
    del keep
    gc.collect()
    return MemResult(name, n, max(0.0, (used - list_bytes) / n))


def _account_json(i: int, rng: random.Random) -> Account:
    f = idle_fields(i, rng)
    f["sessions"] = list(f["sessions"])
    return Account.from_json(json.dumps(f))


def _account_ctor(i: int, rng: random.Random) -> Account:
    f = idle_fields(i, rng)
    f["bound_secret"] = SecretStr(f["bound_secret"])
    return Account(**f)


def _rec(i: int, rng: random.Random) -> Rec:
    f = idle_fields(i, rng)
    r = Rec(f["id"], f["org"], f["role"], f["state"])
    sessions = tuple((x["digest"], x["started_at"], x["seen_at"]) for x in f["sessions"])  # plain tuples
    r.bound_secret, r.bound_at, r.sessions, r.version = f["bound_secret"], f["bound_at"], sessions, f["version"]
    return r


MEMORY_NAMES = {
    "account_json": "twofa_fsm Account, restored with from_json",
    "account_ctor": "twofa_fsm Account, built with the constructor",
    "transitions": "transitions machine per account (+ its model)",
    "psm": "python-statemachine instance per account (+ its model)",
    "floor": "plain __slots__ record (floor)",
}


def bench_memory(
    spec: Spec, *, accounts: int = 100_000, machines: int = 5_000, psm: int = 2_000
) -> dict[str, MemResult]:
    per = TransitionsPerAccount(spec)
    peer = StatemachinePeer(spec)

    def transitions_machine(i: int, rng: random.Random) -> object:
        model = DictRec(_rec(i, rng))
        return per.build(model)  # the machine holds the model

    def statemachine(i: int, rng: random.Random) -> object:
        return peer.build(_rec(i, rng))

    out = {
        "account_json": measure("account_json", accounts, _account_json),
        "account_ctor": measure("account_ctor", accounts, _account_ctor),
        "transitions": measure("transitions", machines, transitions_machine),
        "psm": measure("psm", psm, statemachine),
        "floor": measure("floor", accounts, _rec),
    }
    return out


_RSS_SCRIPT = """
import gc, json, random, sys
from benchmarks.memory import _account_json, rss_bytes
n = int(sys.argv[1])
rng = random.Random(7)
warm = [_account_json(i, rng) for i in range(200)]  # imports, pydantic's caches, the allocator's first arenas
del warm
gc.collect()
before = rss_bytes()
keep = [None] * n
for i in range(n):
    keep[i] = _account_json(i, rng)
gc.collect()
print(json.dumps({"before": before, "after": rss_bytes(), "n": n}))
"""


def rss_bytes() -> int:
    """This process's resident set size (Linux: /proc/self/status VmRSS)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def rss_per_account(n: int) -> float:
    """Bytes of resident memory per idle account restored with from_json, in a fresh process (minus the list's
    own 8 bytes per slot)."""
    import subprocess
    import sys

    from benchmarks.common import ROOT

    done = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, str(n)], capture_output=True, text=True, check=True, cwd=ROOT, timeout=600
    )
    got = json.loads(done.stdout.strip().splitlines()[-1])
    return max(0.0, (got["after"] - got["before"]) / got["n"] - 8)
