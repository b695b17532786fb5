"""Concurrent guesses: every guess that loses the compare-and-set is judged again on the fresh version."""

from __future__ import annotations

import threading
from pathlib import Path

import pyotp
import pytest

from twofa_fsm import (
    BadCode,
    ConcurrentUpdate,
    GuardFailed,
    ManualClock,
    MemoryNotifier,
    PasswordBook,
    SqliteStore,
    TwoFAService,
)

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "twofa.yaml"
BURST = 8


def _service(tmp_path: Path) -> tuple[TwoFAService, ManualClock, str]:
    clock, passwords = ManualClock(), PasswordBook(iterations=1)
    store = SqliteStore(tmp_path / "accounts.db")
    service = TwoFAService.from_spec(SPEC, store=store, passwords=passwords, clock=clock, notifier=MemoryNotifier())
    passwords.set("mia", "pw-mia")
    service.create_account("mia", "acme", "member", invite=False)
    out = service.start_setup("mia", password="pw-mia")
    assert out.provisioning_uri is not None
    secret = pyotp.parse_uri(out.provisioning_uri.get_secret_value()).secret
    clock.advance(31)
    service.verify_setup("mia", code=pyotp.TOTP(secret).at(clock.now()), handle=out.setup_handle)
    clock.advance(600)
    return service, clock, secret


def test_a_burst_of_wrong_guesses_is_judged_guess_by_guess(tmp_path: Path) -> None:
    service, clock, secret = _service(tmp_path)
    live = {pyotp.TOTP(secret).at(clock.now() + k * 30) for k in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in live)
    gate = threading.Barrier(BURST)
    verdicts: list[BaseException] = []

    def guess() -> None:
        gate.wait()
        try:
            service.login("mia", password="pw-mia", code=wrong)
        except (GuardFailed, ConcurrentUpdate) as err:
            verdicts.append(err)

    threads = [threading.Thread(target=guess) for _ in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(verdicts) == BURST
    assert not [v for v in verdicts if isinstance(v, ConcurrentUpdate)]  # no guess escaped its judgement
    counted = [v for v in verdicts if isinstance(v, BadCode)]
    assert service.account("mia").failures == len(counted) >= 1
    # the others were judged on a fresh version too: refused by the back-off the first failure started
    for v in verdicts:
        assert isinstance(v, BadCode) or "retry after" in str(v)
        assert v.__context__ is None and v.__cause__ is None  # no verdict travels in exception chaining
    judged = [
        e.record for e in service.audit_log("mia") if e.version is not None or e.record.outcome != "ConcurrentUpdate"
    ]
    assert sum(r.outcome in ("BadCode", "GuardFailed") for r in judged) == BURST


def test_a_lost_race_carries_no_verdict(tmp_path: Path) -> None:
    service, clock, secret = _service(tmp_path)
    stale = service.account("mia")
    service.report_lost_device("mia", password="pw-mia")  # someone else changes the account first
    with pytest.raises(ConcurrentUpdate) as caught:
        service.fire(
            "mia", "login", service.actor("mia"), password="pw-mia", code=pyotp.TOTP(secret).at(clock.now()), seen=stale
        )
    assert caught.value.__context__ is None and caught.value.__cause__ is None
