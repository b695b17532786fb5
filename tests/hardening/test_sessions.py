"""Sessions that mean something: long random ids kept only as digests, checked, ended, expiring, and the
only way an admin acts on someone else's account."""

from __future__ import annotations

import pickle
from pathlib import Path

import pyotp
import pytest

from twofa_fsm import (
    Actor,
    Forbidden,
    InvalidSession,
    ManualClock,
    MemoryNotifier,
    MemoryStore,
    PasswordBook,
    SystemEntropy,
    TwoFAService,
)

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "twofa.yaml"


class Org:
    def __init__(self) -> None:
        self.clock, self.passwords, self.mail = ManualClock(), PasswordBook(iterations=1), MemoryNotifier()
        self.store = MemoryStore()
        self.service = TwoFAService.from_spec(
            SPEC, store=self.store, passwords=self.passwords, clock=self.clock, notifier=self.mail,
            entropy=SystemEntropy(),
        )  # fmt: skip
        self.phones: dict[str, pyotp.TOTP] = {}
        self.sessions: list[str] = []
        for user, role in (("olivia", "owner"), ("adam", "admin"), ("mia", "member")):
            self.passwords.set(user, f"pw-{user}")
            self.service.create_account(user, "acme", role, invite=False)
            out = self.service.start_setup(user, password=f"pw-{user}")
            assert out.provisioning_uri is not None
            self.phones[user] = pyotp.parse_uri(out.provisioning_uri.get_secret_value())
            self.clock.advance(31)
            done = self.service.verify_setup(user, code=self.phones[user].at(self.clock.now()), handle=out.setup_handle)
            assert done.session is not None
            self.sessions.append(done.session)

    def login(self, user: str) -> str:
        self.clock.advance(31)
        out = self.service.login(user, password=f"pw-{user}", code=self.phones[user].at(self.clock.now()))
        assert out.session is not None
        self.sessions.append(out.session)
        return out.session


def test_session_ids_are_long_random_and_kept_only_as_digests() -> None:
    org = Org()
    sid = org.login("mia")
    assert len(sid) >= 22 and sid not in org.sessions[:-1]  # 256 bits from the CSPRNG, url-safe
    account = org.service.account("mia")
    for shown in (repr(account), str(account.public()), account.model_dump_json(), repr(org.store)):
        assert sid not in shown
    stored = account.to_json()
    assert sid not in stored and len(account.sessions) == 2 and account.public()["sessions"] == 2
    audit = "\n".join(repr(e) for e in org.service.audit_log())
    assert not [s for s in org.sessions if s in audit]


def test_check_and_logout() -> None:
    org = Org()
    sid = org.login("adam")
    who = org.service.check_session("adam", sid)
    assert (who.id, who.role, who.org) == ("adam", "admin", "acme") and who.verified_at == org.clock.now()
    org.service.logout("adam", sid)
    with pytest.raises(InvalidSession, match="no such session"):
        org.service.check_session("adam", sid)
    assert org.service.audit_log("adam")[-1].record.outcome == "InvalidSession"
    with pytest.raises(InvalidSession):
        org.service.check_session("adam", "x" * 43)


def test_idle_and_absolute_expiry() -> None:
    org = Org()
    policy = org.service.spec.policy
    assert policy.session_idle_seconds and policy.session_lifetime_seconds
    sid = org.login("mia")
    org.clock.advance(policy.session_idle_seconds + 1)
    with pytest.raises(InvalidSession, match="idle"):
        org.service.check_session("mia", sid)
    sid = org.login("mia")
    for _ in range(policy.session_lifetime_seconds // (policy.session_idle_seconds // 2)):
        org.clock.advance(policy.session_idle_seconds // 2)
        if org.clock.now() - org.service.check_session("mia", sid).verified_at >= policy.session_lifetime_seconds:
            break
    org.clock.advance(policy.session_idle_seconds // 2)
    with pytest.raises(InvalidSession, match="older than"):
        org.service.check_session("mia", sid)


@pytest.mark.parametrize("what", ["reset", "locked_out", "logged_out"])
def test_an_admin_who_lost_their_own_access_cannot_act(what: str) -> None:
    org = Org()
    sid = org.login("adam")
    adam = org.service.check_session("adam", sid)
    org.service.report_lost_device("mia", password="pw-mia")
    if what == "reset":
        owner = org.service.check_session("olivia", org.login("olivia"))
        org.service.report_lost_device("adam", password="pw-adam")
        org.service.request_reset("adam", owner)
        org.service.confirm_reset("adam", owner)
    elif what == "locked_out":
        org.service.report_lost_device("adam", password="pw-adam")
    else:
        for session in org.sessions:
            try:
                org.service.logout("adam", session)
            except InvalidSession:
                pass
    for actor in (adam, Actor("adam", "admin", "acme", org.clock.now())):  # a bare timestamp is no way round
        with pytest.raises(Forbidden) as caught:
            org.service.request_reset("mia", actor)
        assert isinstance(caught.value, InvalidSession)
    assert org.service.account("mia").state == "locked_out"
    assert org.service.audit_log("mia")[-1].record.outcome == "InvalidSession"


def test_the_actor_is_the_stored_account_not_what_the_caller_claims() -> None:
    org = Org()
    org.login("mia")
    org.service.report_lost_device("adam", password="pw-adam")
    claimed = Actor("mia", "owner", "acme", org.clock.now())  # a member claiming to be an owner
    with pytest.raises(Forbidden):
        org.service.request_reset("adam", claimed)
    assert org.service.account("adam").state == "locked_out"


def test_an_error_pickles_without_a_session() -> None:
    org = Org()
    sid = org.login("adam")
    org.service.logout("adam", sid)
    with pytest.raises(InvalidSession) as caught:
        org.service.check_session("adam", sid)
    assert sid.encode() not in pickle.dumps(caught.value)


def test_the_inline_live_filter_is_the_expiry_rule() -> None:
    """``live_of`` (the fast filter every login runs) keeps exactly the sessions ``expiry_problem`` finds live,
    at and around both limits, for each combination of limits set and unset."""
    from twofa_fsm import Session, load_spec
    from twofa_fsm.sessions import expiry_problem, live_of

    base = load_spec(SPEC).policy
    for lifetime, idle in ((3600, 600), (None, 600), (3600, None), (None, None)):
        policy = base.model_copy(update={"session_lifetime_seconds": lifetime, "session_idle_seconds": idle})
        sessions = tuple(
            Session(digest=f"{i:064x}", started_at=1000.0 + i * 97, seen_at=1000.0 + i * 97 + j * 211)
            for i in range(12)
            for j in range(4)
        )
        dropped = 0
        edges = {t + d for x in sessions for t in (x.started_at + 3600, x.seen_at + 600) for d in (-0.5, 0.0, 0.5)}
        for now in sorted(edges | {1000.0 + k * 53.5 for k in range(120)}):  # on, just before and after each limit
            kept = live_of(sessions, now, policy)
            assert kept == tuple(s for s in sessions if expiry_problem(s, now, policy) is None), (lifetime, idle, now)
            dropped += len(sessions) - len(kept)
        assert (dropped > 0) == (lifetime is not None or idle is not None), "the grid reaches the limits set"
