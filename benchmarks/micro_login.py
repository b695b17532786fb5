"""Item 1b: one login through the public API against the fair peer (a shared ``transitions`` machine, same work).

Each call logs the holder in 4 times, each at the next time step with that step's code (so every login is
accepted: no replay), with the same ``PasswordBook`` (one PBKDF2 iteration: the hash is the same work for
both and would drown the difference) and the same ``TotpVerifier``.  After ``STEPS`` logins a candidate starts
again from a fresh account (the cost of that reset is one record, shared out over thousands of logins).
"""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.common import Settings, Stat
from benchmarks.common import interleaved as run_interleaved
from benchmarks.peers_login import LoginRec, SharedLogin
from twofa_fsm import REALISTIC_EPOCH, Account, Engine, PasswordBook, SeededEntropy, load_shipped_spec

LOGIN_NAMES = {
    "api_login": "twofa_fsm Engine.login (public API)",
    "shared_login": "transitions, shared machine, same work (fair peer)",
}
PER_CALL = 4
STEPS = 20_000
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "pw-mia"


class _At:
    """A clock the bench sets (a fresh account after the last step starts from the first step's time again)."""

    t = REALISTIC_EPOCH

    def now(self) -> float:
        return self.t


def login_candidates() -> dict[str, Callable[[], object]]:
    spec = load_shipped_spec("twofa")
    passwords = PasswordBook(iterations=1)
    passwords.set("mia", PASSWORD)
    clock = _At()
    engine = Engine(spec, passwords=passwords, clock=clock, entropy=SeededEntropy(1))
    period = spec.policy.period
    all_times = [REALISTIC_EPOCH + i * period for i in range(STEPS + 2)]
    all_codes = [engine.verifier.code_at(SECRET, t) for t in all_times]
    # leave out a step whose code equals a neighbour's (1 in 500,000): the drift window would take it for a replay
    keep = [i for i in range(1, STEPS + 1) if all_codes[i] not in (all_codes[i - 1], all_codes[i + 1])]
    times, codes = [all_times[i] for i in keep], [all_codes[i] for i in keep]
    fresh = Account(id="mia", org="acme", role="member", state="enrolled", bound_secret=SECRET, bound_at=times[0] - 1)
    peer = SharedLogin(spec, passwords, engine.verifier, SeededEntropy(2))
    api_at, peer_at = [fresh, 0], [LoginRec("mia", "enrolled", SECRET), 0]

    def api_login() -> None:
        account, i = api_at
        for _ in range(PER_CALL):
            if i == len(times):
                account, i = fresh, 0
            clock.t = times[i]
            account = engine.login(account, password=PASSWORD, code=codes[i]).account  # type: ignore[arg-type]
            i += 1
        api_at[0], api_at[1] = account, i

    def shared_login() -> None:
        rec, i = peer_at
        for _ in range(PER_CALL):
            if i == len(times):
                rec, i = LoginRec("mia", "enrolled", SECRET), 0
            out = peer.login(rec, PASSWORD, codes[i], times[i])  # type: ignore[arg-type]
            if out is None:
                raise AssertionError(f"the fair peer refused the login at step {i}")
            rec, i = out, i + 1
        peer_at[0], peer_at[1] = rec, i

    for op in (api_login, shared_login):
        op()
    assert api_at[1] == peer_at[1] == PER_CALL and isinstance(api_at[0], Account)
    assert api_at[0].last_step == peer_at[0].last_step and len(api_at[0].sessions) == len(peer_at[0].sessions)  # type: ignore[union-attr]
    return {"api_login": api_login, "shared_login": shared_login}


def bench_login(settings: Settings) -> dict[str, Stat]:
    return run_interleaved(login_candidates(), settings, ops_per_call=PER_CALL)
