"""What a backend needs: Organisation > Users with paging, and due system events fired in one call (every store)."""

from __future__ import annotations

from pathlib import Path

import pyotp

from twofa_fsm import (
    ManualClock,
    MemoryNotifier,
    PasswordBook,
    Store,
    TwoFAService,
    fire_due,
)

ROOT = Path(__file__).resolve().parents[2]


def _service(store: Store) -> tuple[TwoFAService, ManualClock, PasswordBook]:
    clock, passwords = ManualClock(), PasswordBook(iterations=1)
    service = TwoFAService.from_spec(
        ROOT / "spec" / "twofa.yaml", store=store, passwords=passwords, clock=clock, notifier=MemoryNotifier()
    )
    return service, clock, passwords


def test_accounts_by_organisation_role_and_state_a_page_at_a_time(store: Store) -> None:
    service, _, passwords = _service(store)
    for i in range(25):
        org, role = ("acme", "member") if i % 5 else ("globex", "admin")
        service.create_account(f"u{i:02d}", org, role, invite=False)
    passwords.set("u01", "pw")
    service.start_setup("u01", password="pw")
    acme = [a.id for a in service.accounts(org="acme", limit=7)]
    assert acme == ["u01", "u02", "u03", "u04", "u06", "u07", "u08"]
    seen, after = [], None
    while page := service.accounts(org="acme", after=after, limit=7):
        seen += [a.id for a in page]
        after = page[-1].id
    assert len(seen) == 20 and seen == sorted(seen)
    assert [a.id for a in service.accounts(role="admin")] == ["u00", "u05", "u10", "u15", "u20"]
    assert [a.id for a in service.accounts(state="setup_in_progress")] == ["u01"]
    assert service.accounts(org="acme", role="admin") == []


def test_fire_due_expires_what_is_due_and_nothing_else(store: Store) -> None:
    service, clock, passwords = _service(store)
    for user in ("early", "late", "idle"):
        passwords.set(user, "pw")
        service.create_account(user, "acme", "member", invite=False)
    service.start_setup("early", password="pw")
    clock.advance(400)
    service.start_setup("late", password="pw")
    clock.advance(300)  # early: 700 s open (over the 600 s limit); late: 300 s
    fired = fire_due(service)
    assert [(o.target, o.event, o.dest) for o in fired] == [("early", "expire_setup", "unenrolled")]
    assert service.account("late").state == "setup_in_progress" and service.account("idle").state == "unenrolled"
    assert fire_due(service) == []
    started = service.start_setup("early", password="pw")
    assert started.provisioning_uri is not None
    phone = pyotp.parse_uri(started.provisioning_uri.get_secret_value())
    clock.advance(31)
    service.verify_setup("early", code=phone.at(clock.now()), handle=started.setup_handle)
    assert fire_due(service) == []  # the late one is still within its 600 s
