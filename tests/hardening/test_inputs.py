"""Hardening through the public API: inputs the engine cannot judge, broken clocks, secrets in pickles and caches."""

from __future__ import annotations

import gc
import json
import math
import pickle
from pathlib import Path

import pyotp
import pytest

from twofa_fsm import (
    Actor,
    BadCode,
    InvalidInput,
    ManualClock,
    MemoryNotifier,
    MemoryStore,
    PasswordBook,
    TwoFAError,
    TwoFAService,
)

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "twofa.yaml"
SURROGATE = json.loads('"\\ud800"')


class Clock(ManualClock):
    """A clock a test can break."""

    def __init__(self) -> None:
        super().__init__()
        self.broken: float | None = None

    def now(self) -> float:
        return super().now() if self.broken is None else self.broken


def _org() -> tuple[TwoFAService, Clock, MemoryNotifier, dict[str, str]]:
    clock, notifier, passwords = Clock(), MemoryNotifier(), PasswordBook(iterations=1)
    service = TwoFAService.from_spec(SPEC, store=MemoryStore(), passwords=passwords, clock=clock, notifier=notifier)
    phones: dict[str, str] = {}
    for user, role in (("olivia", "owner"), ("adam", "admin"), ("mia", "member")):
        passwords.set(user, f"pw-{user}")
        service.create_account(user, "acme", role, invite=False)
        out = service.start_setup(user, password=f"pw-{user}")
        assert out.provisioning_uri is not None
        phones[user] = pyotp.parse_uri(out.provisioning_uri.get_secret_value()).secret
        clock.advance(31)
        service.verify_setup(user, code=pyotp.TOTP(phones[user]).at(clock.now()), handle=out.setup_handle)
    return service, clock, notifier, phones


@pytest.mark.parametrize(
    ("field", "value"),
    [("password", SURROGATE), ("password", b"pw-mia"), ("password", 12345), ("password", "x" * 5000)],
)
def test_unusable_password_is_refused_audited_and_not_counted(field: str, value: object) -> None:
    service, _, _, _ = _org()
    before = service.account("mia")
    with pytest.raises(InvalidInput, match="password") as caught:
        service.report_lost_device("mia", password=value)  # type: ignore[arg-type]
    assert isinstance(caught.value, TwoFAError) and caught.value.reason
    after = service.account("mia")
    assert after == before and after.failures == 0
    last = service.audit_log("mia")[-1].record
    assert (last.event, last.outcome) == ("report_lost_device", "InvalidInput")


def test_lone_surrogate_token_is_refused_cleanly() -> None:
    service, _, notifier, _ = _org()
    service.report_lost_device("mia", password="pw-mia")
    admin = Actor.holder(service.account("adam"))
    service.request_reset("mia", admin)
    service.confirm_reset("mia", admin)
    with pytest.raises(InvalidInput, match="token"):
        service.start_setup("mia", password="pw-mia", token=SURROGATE)
    assert service.audit_log("mia")[-1].record.outcome == "InvalidInput"
    token = notifier.outbox["mia"].get_secret_value()
    assert service.start_setup("mia", password="pw-mia", token=token).dest == "setup_in_progress"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_clock_that_is_not_a_time_is_refused(bad: float) -> None:
    service, clock, notifier, _ = _org()
    service.report_lost_device("mia", password="pw-mia")
    admin = Actor.holder(service.account("adam"))
    service.request_reset("mia", admin)
    service.confirm_reset("mia", admin)
    token = notifier.outbox["mia"].get_secret_value()
    clock.advance(2 * 86400)  # the token has expired...
    clock.broken = bad  # ...and a broken clock must not make it pass
    with pytest.raises(InvalidInput, match="clock"):
        service.start_setup("mia", password="pw-mia", token=token)
    with pytest.raises(InvalidInput, match="clock"):
        service.tick("mia")
    stored = service.account("mia")
    assert stored.state == "unenrolled" and stored.pending_since is None
    assert all(math.isfinite(e.record.at) for e in service.audit_log())


def test_a_clock_that_goes_backwards_is_refused() -> None:
    service, clock, _, phones = _org()
    clock.advance(600)
    with pytest.raises(BadCode):
        service.login("mia", password="pw-mia", code="000000" if pyotp.TOTP(phones["mia"]).now() != "000000" else "1")
    clock.broken = clock.now() - 3600
    with pytest.raises(InvalidInput, match="backwards"):
        service.login("mia", password="pw-mia", code=pyotp.TOTP(phones["mia"]).at(clock.now()))


def test_a_pickled_error_carries_no_secret() -> None:
    service, clock, _, phones = _org()
    clock.advance(600)
    with pytest.raises(BadCode) as caught:
        service.login("mia", password="pw-mia", code="000000" if pyotp.TOTP(phones["mia"]).now() != "000000" else "1")
    data = pickle.dumps(caught.value)
    assert phones["mia"].encode() not in data
    again = pickle.loads(data)
    assert str(again) == str(caught.value) and again.account.failures == 1 and again.account.bound_secret is None


def test_no_module_level_cache_keeps_a_secret() -> None:
    service, clock, _, phones = _org()
    clock.advance(31)
    service.login("mia", password="pw-mia", code=pyotp.TOTP(phones["mia"]).at(clock.now()))
    import twofa_fsm.totp as totp

    for name in dir(totp):
        cached = getattr(getattr(totp, name), "cache_info", None)
        assert cached is None, f"twofa_fsm.totp.{name} is a cache"
    del service
    gc.collect()
    leftovers = [o for o in gc.get_objects() if isinstance(o, pyotp.TOTP) and o.secret == phones["mia"]]
    assert leftovers == []
