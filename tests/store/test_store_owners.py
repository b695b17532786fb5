"""Vendor support and owners: it may help when no other owner can act, never otherwise (every store)."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest

from twofa_fsm import (
    Actor,
    Forbidden,
    ManualClock,
    MemoryNotifier,
    PasswordBook,
    Store,
    TwoFAService,
)

ROOT = Path(__file__).resolve().parents[2]


def _service(store: object) -> tuple[TwoFAService, ManualClock]:
    clock = ManualClock()
    passwords = PasswordBook(iterations=1)
    for who in ("olivia", "oscar"):
        passwords.set(who, f"pw-{who}")
    service = TwoFAService.from_spec(
        ROOT / "spec" / "twofa.yaml",
        store=store,
        passwords=passwords,
        clock=clock,  # type: ignore[arg-type]
        notifier=MemoryNotifier(),
    )
    for who in ("olivia", "oscar"):
        service.create_account(who, org="acme", role="owner", invite=False)
        started = service.start_setup(who, password=f"pw-{who}")
        assert started.provisioning_uri is not None
        phone = pyotp.parse_uri(started.provisioning_uri.get_secret_value())
        service.verify_setup(who, code=phone.at(clock.now()), handle=started.setup_handle)
    return service, clock


def test_support_helps_only_when_no_other_owner_can_act(store: Store) -> None:
    service, clock = _service(store)
    desk = Actor("desk", "support", None, clock.now())
    service.report_lost_device("olivia", password="pw-olivia")
    with pytest.raises(Forbidden, match="no other owner can act"):
        service.request_reset("olivia", desk)  # Oscar can still act: he must do it
    service.report_lost_device("oscar", password="pw-oscar")
    assert service.request_reset("olivia", desk).dest == "reset_pending"  # both owners locked out
    assert service.confirm_reset("olivia", desk).dest == "unenrolled"
