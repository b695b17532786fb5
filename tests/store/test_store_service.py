"""TwoFAService: load -> fire -> save, audit of every attempt, notices only after the commit, retry."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pyotp
import pytest

from twofa_fsm import (
    Account,
    AccountExists,
    Actor,
    AuditRecord,
    BadCode,
    ConcurrentUpdate,
    Forbidden,
    InvalidEvent,
    ManualClock,
    MemoryNotifier,
    MemoryStore,
    OutboxMessage,
    PasswordBook,
    SqliteStore,
    Store,
    TwoFAService,
    retry,
)

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "twofa.yaml"


class Org:
    def __init__(self, store: Store | None = None) -> None:
        self.clock = ManualClock()
        self.passwords = PasswordBook(iterations=1)
        self.notifier = MemoryNotifier()
        self.store = store if store is not None else MemoryStore()
        self.service = TwoFAService.from_spec(
            SPEC, store=self.store, passwords=self.passwords, clock=self.clock, notifier=self.notifier
        )
        self.phone: dict[str, str] = {}
        self.seen: set[str] = set()
        for user, role in (("olivia", "owner"), ("adam", "admin"), ("mia", "member")):
            self.passwords.set(user, f"pw-{user}-x1")
            self.seen.add(f"pw-{user}-x1")
            self.service.create_account(user, "acme", role, invite=False)
            self.enrol(user)

    def enrol(self, user: str, token: str | None = None) -> None:
        out = self.service.start_setup(user, password=f"pw-{user}-x1", token=token)
        assert out.provisioning_uri is not None
        self.phone[user] = pyotp.parse_uri(out.provisioning_uri.get_secret_value()).secret
        self.seen |= {self.phone[user], out.provisioning_uri.get_secret_value()}
        self.clock.advance(31)
        self.service.verify_setup(user, code=self.code(user), token=token, handle=out.setup_handle)

    def code(self, user: str) -> str:
        code = str(pyotp.TOTP(self.phone[user]).at(self.clock.now()))
        self.seen.add(code)
        return code

    def admin(self) -> Actor:
        return Actor("adam", "admin", "acme", self.clock.now())


def test_counted_failure_is_saved_and_audited() -> None:
    org = Org()
    org.clock.advance(31)
    with pytest.raises(BadCode) as caught:
        org.service.login("mia", password="pw-mia-x1", code="000000" if org.code("mia") != "000000" else "111111")
    stored = org.store.load("mia")
    assert stored.failures == 1 and caught.value.account == stored
    last = org.service.audit_log("mia")[-1]
    assert (last.record.outcome, last.seen_version, last.version) == ("BadCode", stored.version - 1, stored.version)


def test_refusals_are_audited_without_a_write() -> None:
    org = Org()
    version = org.store.load("mia").version
    with pytest.raises(Forbidden):
        org.service.request_reset("mia", Actor("mia", "member", "acme", org.clock.now()))
    with pytest.raises(InvalidEvent):
        org.service.confirm_reset("mia", org.admin())
    assert org.store.load("mia").version == version
    assert [(e.record.outcome, e.version) for e in org.service.audit_log("mia")[-2:]] == [
        ("Forbidden", None),
        ("InvalidEvent", None),
    ]


def test_lock_at_the_limit_is_saved_with_its_notice() -> None:
    org = Org()
    for _ in range(org.service.spec.policy.max_failures):
        org.clock.advance(400)  # past the back-off
        try:
            org.service.login("mia", password="pw-mia-x1", code="999999" if org.code("mia") != "999999" else "888888")
        except BadCode as err:
            last = err
    assert last.locked and last.followed_by is not None
    assert org.store.load("mia").state == "locked_out"
    assert [n.kind for n in org.notifier.notices if n.account == "mia"][-1] == "locked"


class LosingStore(MemoryStore):
    """Every save loses the race, as if another request always saved first."""

    def save(
        self,
        account: Account,
        expected_version: int,
        audit: Sequence[AuditRecord] = (),
        outbox: Sequence[OutboxMessage] = (),
    ) -> None:
        raise ConcurrentUpdate("lost: reload the account and retry")


def test_lost_race_delivers_nothing_and_is_audited() -> None:
    org = Org()
    inner = org.store
    assert isinstance(inner, MemoryStore)
    losing = LosingStore()
    losing._accounts, losing._log = inner._accounts, inner._log
    service = TwoFAService(org.service.engine, losing, notifier=MemoryNotifier())
    with pytest.raises(ConcurrentUpdate):
        service.request_reset("mia", org.admin())
    assert service.notifier == MemoryNotifier()
    last = losing.audit_log("mia")[-1]
    assert (last.record.outcome, last.record.dest, last.version) == ("ConcurrentUpdate", "enrolled", None)
    assert "was: allowed" in last.record.reason


class FirstSaveRaced(SqliteStore):
    """On its first save, another request (``race``) commits first: the deterministic version of a race."""

    race: Callable[[], object] | None = None

    def save(
        self,
        account: Account,
        expected_version: int,
        audit: Sequence[AuditRecord] = (),
        outbox: Sequence[OutboxMessage] = (),
    ) -> None:
        race, self.race = self.race, None
        if race is not None:
            race()
        super().save(account, expected_version, audit, outbox)


def test_two_admins_confirm_at_once_one_reset_one_token(tmp_path: Path) -> None:
    """Two admins click Reset at the same moment, in two processes on one file."""
    org = Org(SqliteStore(tmp_path / "t.db"))
    org.service.request_reset("mia", org.admin())
    slow_notifier, fast_notifier = MemoryNotifier(), MemoryNotifier()
    slow_store = FirstSaveRaced(tmp_path / "t.db")
    slow = TwoFAService.from_spec(
        SPEC, store=slow_store, passwords=org.passwords, clock=org.clock, notifier=slow_notifier
    )
    fast = TwoFAService.from_spec(
        SPEC, store=SqliteStore(tmp_path / "t.db"), passwords=org.passwords, clock=org.clock, notifier=fast_notifier
    )
    slow_store.race = lambda: fast.confirm_reset("mia", Actor("olivia", "owner", "acme", org.clock.now()))
    with pytest.raises(ConcurrentUpdate, match="reload the account and retry"):
        slow.confirm_reset("mia", org.admin())
    assert list(fast_notifier.outbox) == ["mia"] and slow_notifier.outbox == {} and slow_notifier.notices == []
    with pytest.raises(InvalidEvent):  # retrying reloads: the reset is already done
        retry(lambda: slow.confirm_reset("mia", org.admin()))
    rows = [(e.record.actor, e.record.event, e.record.outcome) for e in org.service.audit_log("mia")[-3:]]
    assert rows == [
        ("olivia", "confirm_reset", "allowed"),
        ("adam", "confirm_reset", "ConcurrentUpdate"),
        ("adam", "confirm_reset", "InvalidEvent"),
    ]


def test_retry_reloads_until_it_wins() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConcurrentUpdate("lost")
        return "ok"

    assert retry(flaky, sleep=lambda s: None) == "ok" and len(calls) == 3
    with pytest.raises(ConcurrentUpdate):
        retry(lambda: (_ for _ in ()).throw(ConcurrentUpdate("always")), attempts=2, sleep=lambda s: None)
    with pytest.raises(ValueError):
        retry(flaky, attempts=0)


def test_story_leaks_nothing_to_audit_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    org = Org()
    org.clock.advance(31)
    org.service.login("adam", password="pw-adam-x1", code=org.code("adam"))
    org.service.report_lost_device("mia", password="pw-mia-x1")
    org.service.request_reset("mia", org.service.actor("adam"))
    org.service.confirm_reset("mia", org.service.actor("adam"))
    token = org.notifier.outbox["mia"].get_secret_value()
    org.seen.add(token)
    with pytest.raises(Exception):
        org.service.start_setup("mia", password="pw-mia-x1", token="not-the-token")
    org.enrol("mia", token=token)
    org.clock.advance(31)
    code = org.code("mia")
    org.service.login("mia", password="pw-mia-x1", code=code)
    with pytest.raises(BadCode):
        org.service.login("mia", password="pw-mia-x1", code=code)
    assert org.store.load("mia").state == "enrolled"
    audit = "\n".join(repr(e) for e in org.service.audit_log())
    for value in org.seen:
        assert value not in audit and value not in caplog.text
    assert "DEBUG" in caplog.text


def test_engine_returns_its_emissions_and_writes_to_no_sink() -> None:
    org = Org()
    engine = org.service.engine
    before = list(org.notifier.notices)
    out = engine.report_lost_device(org.store.load("mia"), password="pw-mia-x1")
    assert out.dest == "locked_out"
    assert [r.event for r in out.emitted.audit] == ["report_lost_device"] and out.emitted.audit[0] is out.audit
    assert [n.kind for n in out.emitted.notices] == list(out.notices)
    assert org.notifier.notices == before  # nothing delivered: the caller persists and delivers
    assert not hasattr(engine, "audit") and not hasattr(engine, "notifier")
    assert org.store.load("mia").state == "enrolled"  # nor saved


def test_refusal_carries_its_record_and_the_lock_it_triggered() -> None:
    org = Org()
    account = org.store.load("mia")
    wrong = "000000" if org.code("mia") != "000000" else "111111"
    for _ in range(org.service.engine.policy.max_failures):
        org.clock.advance(600)
        with pytest.raises(BadCode) as caught:
            org.service.login("mia", password="pw-mia-x1", code=wrong)
        account = org.store.load("mia")
    err = caught.value
    assert err.locked and err.followed_by is not None and err.account == account
    assert [r.outcome for r in err.emitted.audit] == ["BadCode", "allowed"]
    assert err.emitted.audit[1].event == err.followed_by.event and account.state == err.followed_by.dest
    assert err.guard == "bound_code_valid" and err.reason and err.event == "login"


def test_example_runs_from_anywhere(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "article_story.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Mia is enrolled again" in done.stdout and "store integrity: ok" in done.stdout
    assert "otpauth://totp/" not in done.stdout and "secret=" not in done.stdout


class BrokenMailer(MemoryNotifier):
    def notify(self, notice: object) -> None:
        raise OSError("smtp down")


def test_a_failing_notifier_does_not_undo_the_commit(caplog: pytest.LogCaptureFixture) -> None:
    org = Org()
    service = TwoFAService(org.service.engine, org.store, notifier=BrokenMailer())
    out = service.report_lost_device("mia", password="pw-mia-x1")
    assert out.dest == "locked_out" and org.store.load("mia").state == "locked_out"
    assert "notifier failed after the commit (OSError)" in caplog.text


def test_a_failing_notifier_behaves_the_same_in_the_scenario_runner(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner goes through the service: a mail server down after the commit leaves every step as it was,
    and what it could not send waits in the outbox until it is back (at least once, no longer at most once)."""
    from twofa_fsm.attempt import deliver
    from twofa_fsm_tools.scenario import run_scenario_file
    from twofa_fsm_tools.scenario.world import Mailboxes

    path = ROOT / "simulator" / "scenarios" / "lost_phone.yaml"
    working = run_scenario_file(path)

    def down(self: Mailboxes, *args: object, **kwargs: object) -> None:
        raise OSError("smtp down")

    with monkeypatch.context() as patch:  # the whole mail server is down: notices and tokens
        patch.setattr(Mailboxes, "notify", down)
        patch.setattr(Mailboxes, "deliver_token", down)
        broken = run_scenario_file(path, keep_world=True)
    assert "notifier failed after the commit (OSError)" in caplog.text
    shape = [(r.step, r.event, r.allowed, r.error_kind, r.state_after) for r in working.trace]
    got = [(r.step, r.event, r.allowed, r.error_kind, r.state_after) for r in broken.trace]
    first = next(i for i, (a, b) in enumerate(zip(shape, got, strict=False)) if a != b)
    confirm = max(i for i, r in enumerate(working.trace[:first]) if r.event == "confirm_reset")
    assert got[confirm] == shape[confirm] and got[confirm][4] == "unenrolled"  # the reset was committed all the same
    world = broken.world
    assert world is not None and world.mail.tokens.get("alice") is None  # not sent (yet): the server is down
    late = broken.trace[first]  # the user's next setup, refused for want of the e-mailed token
    assert (late.event, late.error_kind) == ("start_setup", "GuardFailed") and "token" in late.reason
    assert world.store.load("alice").state == "unenrolled"
    waiting = [m for m in world.store.outbox_messages("alice") if m.kind == "setup_token"]
    assert [(m.delivered, m.attempts, m.last_error) for m in waiting] == [(False, 1, "OSError")]
    world.clock.advance(3600)  # the mail server is back, and the back-off has passed
    now = world.clock.now()
    sent = deliver(world.store, world.mail, world.store.outbox_claim(now), now)
    assert waiting[0].key in sent.delivered and sent.failed == ()
    assert len(world.mail.tokens["alice"]) == 1 and world.store.outbox_messages("alice")[-1].delivered


def test_invited_account_needs_the_token_delivered_after_the_commit() -> None:
    org = Org()
    org.passwords.set("nina", "pw-nina-x1")
    org.service.create_account("nina", "acme", "member", invite=True)
    token = org.notifier.outbox["nina"].get_secret_value()
    created = [e.record for e in org.service.audit_log("nina")]
    assert [(r.event, r.effects) for r in created] == [("create_account", ("issue_setup_token",))]
    with pytest.raises(Exception, match="setup token"):
        org.service.start_setup("nina", password="pw-nina-x1")
    assert org.service.start_setup("nina", password="pw-nina-x1", token=token).dest == "setup_in_progress"
    quiet = MemoryNotifier()
    service = TwoFAService(org.service.engine, org.store, notifier=quiet)
    with pytest.raises(AccountExists):
        service.create_account("nina", "acme", "member", invite=True)
    assert quiet.outbox == {} and quiet.notices == []
