"""The decisions of the hardening round, each through the public API (see CHANGELOG, Decisions)."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest

from twofa_fsm import GuardFailed, ManualClock, MemoryNotifier, MemoryStore, PasswordBook, TwoFAService

ROOT = Path(__file__).resolve().parents[2]


def _service(spec: str) -> tuple[TwoFAService, ManualClock, MemoryNotifier, PasswordBook]:
    clock, mail, passwords = ManualClock(), MemoryNotifier(), PasswordBook(iterations=1)
    service = TwoFAService.from_spec(
        ROOT / "spec" / spec, store=MemoryStore(), passwords=passwords, clock=clock, notifier=mail
    )
    return service, clock, mail, passwords


def _enrol(service: TwoFAService, clock: ManualClock, user: str, token: str | None) -> pyotp.TOTP:
    started = service.start_setup(user, password=f"pw-{user}", token=token)
    assert started.provisioning_uri is not None
    phone = pyotp.parse_uri(started.provisioning_uri.get_secret_value())
    clock.advance(31)
    service.verify_setup(user, code=phone.at(clock.now()), token=token, handle=started.setup_handle)
    return phone


def test_invitations_are_on_by_default_where_the_spec_issues_setup_tokens() -> None:
    service, clock, mail, passwords = _service("twofa.yaml")
    passwords.set("nina", "pw-nina")
    service.create_account("nina", "acme", "member")  # no invite= argument
    with pytest.raises(GuardFailed, match="setup token"):  # a phished password alone enrols nobody
        service.start_setup("nina", password="pw-nina")
    _enrol(service, clock, "nina", mail.outbox["nina"].get_secret_value())
    assert service.account("nina").state == "enrolled"
    article, _, article_mail, article_passwords = _service("article.yaml")
    article_passwords.set("nina", "pw-nina")
    article.create_account("nina", "acme", "member")  # the article issues no tokens: nothing to send
    assert "nina" not in article_mail.outbox
    assert article.start_setup("nina", password="pw-nina").dest == "setup_in_progress"


def test_a_repeated_reset_replaces_the_token_and_never_strands_the_user() -> None:
    service, clock, mail, passwords = _service("twofa.yaml")
    phones, sessions = {}, {}
    for user, role in (("adam", "admin"), ("ada", "admin"), ("mia", "member")):
        passwords.set(user, f"pw-{user}")
        service.create_account(user, "acme", role)
        phones[user] = _enrol(service, clock, user, mail.outbox[user].get_secret_value())
    service.report_lost_device("mia", password="pw-mia")
    for admin in ("adam", "ada"):
        clock.advance(31)
        out = service.login(admin, password=f"pw-{admin}", code=phones[admin].at(clock.now()))
        assert out.session is not None
        sessions[admin] = out.session
    adam = service.check_session("adam", sessions["adam"])
    service.request_reset("mia", adam)
    service.confirm_reset("mia", adam)
    first = mail.outbox["mia"].get_secret_value()
    service.start_setup("mia", password="pw-mia", token=first)  # she is mid-setup...
    ada = service.check_session("ada", sessions["ada"])
    service.request_reset("mia", ada)  # ...when a second admin resets her again
    service.confirm_reset("mia", ada)
    second = mail.outbox["mia"].get_secret_value()
    assert second != first
    with pytest.raises(GuardFailed, match="wrong setup token"):  # exactly one valid token: the newest
        service.start_setup("mia", password="pw-mia", token=first)
    _enrol(service, clock, "mia", second)  # the new token is in the same mailbox: she is not stranded
    assert service.account("mia").state == "enrolled"
    audited = [e.record.event for e in service.audit_log("mia") if e.record.event == "confirm_reset"]
    assert audited == ["confirm_reset", "confirm_reset"]


def test_back_off_refusals_say_when_to_retry_and_the_label_is_the_callers() -> None:
    from twofa_fsm import relabel

    service, clock, _, passwords = _service("twofa.yaml")
    passwords.set("mia", "pw-mia")
    service.create_account("mia", "acme", "member", invite=False)
    started = service.start_setup("mia", password="pw-mia")
    assert started.provisioning_uri is not None
    shown = relabel(started.provisioning_uri, account_name="mia@example.com", issuer="Acme Cloud")
    parsed = pyotp.parse_uri(shown.get_secret_value())
    assert (parsed.name, parsed.issuer) == ("mia@example.com", "Acme Cloud")
    assert parsed.secret == pyotp.parse_uri(started.provisioning_uri.get_secret_value()).secret
    with pytest.raises(ValueError, match="cannot go in an otpauth URI"):
        relabel(started.provisioning_uri, account_name="evil:label")
    phone = pyotp.parse_uri(started.provisioning_uri.get_secret_value())
    clock.advance(31)
    live = {phone.at(clock.now() + k * 30) for k in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in live)
    with pytest.raises(GuardFailed) as first:
        service.verify_setup("mia", code=wrong, handle=started.setup_handle)
    assert first.value.counted and first.value.retry_after is None
    clock.advance(0.25)
    with pytest.raises(GuardFailed, match="retry after") as backed_off:
        service.verify_setup("mia", code=phone.at(clock.now()), handle=started.setup_handle)
    assert backed_off.value.retry_after == pytest.approx(0.75)


def test_a_reset_nobody_confirms_ends_by_itself() -> None:
    service, clock, mail, passwords = _service("twofa.yaml")
    phones = {}
    for user, role in (("adam", "admin"), ("mia", "member")):
        passwords.set(user, f"pw-{user}")
        service.create_account(user, "acme", role)
        phones[user] = _enrol(service, clock, user, mail.outbox[user].get_secret_value())
    clock.advance(31)
    signed_in = service.login("adam", password="pw-adam", code=phones["adam"].at(clock.now()))
    assert signed_in.session is not None
    service.request_reset("mia", service.check_session("adam", signed_in.session))
    limit = service.spec.policy.reset_confirm_seconds
    assert limit is not None
    clock.advance(limit - 1)
    assert service.tick("mia") is None and service.account("mia").state == "reset_pending"
    clock.advance(2)
    ended = service.tick("mia")
    assert ended is not None and (ended.event, ended.dest) == ("expire_reset", "enrolled")
    mia = service.account("mia")
    assert mia.bound_secret is not None and mia.prior_state is None and mia.reset_requested_at is None


def test_someone_with_only_the_account_id_cannot_touch_a_setup() -> None:
    from twofa_fsm import Actor, Forbidden

    service, clock, _, passwords = _service("twofa.yaml")
    passwords.set("mia", "pw-mia")
    service.create_account("mia", "acme", "member", invite=False)
    started = service.start_setup("mia", password="pw-mia")
    stranger = Actor("mia", "member", "acme")  # all a request needs to name the account
    for _ in range(12):  # more wrong codes than the failure limit
        with pytest.raises(Forbidden, match="only whoever started this setup"):
            service.fire("mia", "verify_setup", stranger, code="000000")
    with pytest.raises(Forbidden):
        service.abandon_setup("mia")
    with pytest.raises(Forbidden):
        service.abandon_setup("mia", handle="x" * 32)
    mia = service.account("mia")
    assert (mia.state, mia.failures) == ("setup_in_progress", 0)
    assert started.provisioning_uri is not None
    phone = pyotp.parse_uri(started.provisioning_uri.get_secret_value())
    clock.advance(31)
    done = service.verify_setup("mia", code=phone.at(clock.now()), handle=started.setup_handle)
    assert done.dest == "enrolled"
