"""The engine on both specs: the article's story, tokens, lockout, replay, revoked secrets."""

from __future__ import annotations

import pytest

from twofa_fsm import Actor, BadCode, GuardFailed, InvalidEvent
from twofa_harness import ARTICLE, Org


def test_lost_phone_story_hardened(org: Org) -> None:
    e = org.engine
    assert org.login("mia").access_granted
    lost = org.keep(e.report_lost_device(org.acc["mia"], password="pw-mia"))
    assert lost.dest == "locked_out" and "revoke_sessions" in lost.effects and lost.account.sessions == ()
    org.keep(e.request_reset(org.acc["mia"], org.actor("adam")))
    assert org.acc["mia"].state == "reset_pending"
    done = org.keep(e.confirm_reset(org.acc["mia"], org.actor("adam")))
    assert done.dest == "unenrolled" and not done.access_granted
    assert done.account.bound_secret is None and done.account.sessions == ()
    assert {"revoke_secret", "revoke_sessions", "issue_setup_token", "notify(reset)"} <= set(done.effects)
    assert [n.kind for n in org.notifier.notices[-2:]] == ["token_issued", "reset"]
    with pytest.raises(GuardFailed, match="setup token"):
        e.start_setup(org.acc["mia"], password="pw-mia")
    again = org.enrol("mia", token=org.token("mia"))
    assert again.dest == "enrolled" and again.access_granted and "consume_setup_token" in again.effects
    assert org.login("mia").access_granted


def test_article_spec_story_needs_no_token(article_org: Org) -> None:
    o, e = article_org, article_org.engine
    o.keep(e.report_lost_device(o.acc["mia"], password="pw-mia"))
    o.keep(e.request_reset(o.acc["mia"], o.actor("adam")))
    o.keep(e.confirm_reset(o.acc["mia"], o.actor("adam")))
    assert o.notifier.outbox == {}
    assert o.enrol("mia").access_granted


def test_reset_window_weakness_on_article_only(article_org: Org, org: Org) -> None:
    """Whoever has the phished password enrols their own authenticator right after a reset."""
    for o, attacker_wins in ((article_org, True), (org, False)):
        o.keep(o.engine.request_reset(o.acc["mia"], o.actor("adam")))
        o.keep(o.engine.confirm_reset(o.acc["mia"], o.actor("adam")))
        if attacker_wins:
            assert o.enrol("mia").access_granted  # the attacker's phone now holds the new secret
        else:
            with pytest.raises(GuardFailed, match="setup token"):
                o.engine.start_setup(o.acc["mia"], password="pw-mia", token="guessed-token")


def test_replay_rejected_and_counted(org: Org) -> None:
    ok = org.login("mia")
    assert ok.access_granted
    code = org.code("mia")
    with pytest.raises(BadCode, match="replayed") as info:
        org.engine.login(org.acc["mia"], password="pw-mia", code=code)
    assert info.value.counted and info.value.account is not None and info.value.account.failures == 1


def test_code_used_for_setup_cannot_log_in(org: Org) -> None:
    org.add("nina", enrol=False)
    out = org.keep(org.engine.start_setup(org.acc["nina"], password="pw-nina"))
    import pyotp

    assert out.provisioning_uri is not None
    secret = pyotp.parse_uri(out.provisioning_uri.get_secret_value()).secret
    code = pyotp.TOTP(secret).at(org.clock.now())
    org.keep(org.engine.verify_setup(org.acc["nina"], code=code, handle=out.setup_handle))
    with pytest.raises(BadCode, match="replayed"):
        org.engine.login(org.acc["nina"], password="pw-nina", code=code)


@pytest.mark.parametrize("offset,ok", [(-2, False), (-1, True), (1, True), (2, False)])
def test_engine_drift_edges(org: Org, offset: int, ok: bool) -> None:
    org.tick(61)
    code = org.code("mia", offset=offset)
    if ok:
        assert org.keep(org.engine.login(org.acc["mia"], password="pw-mia", code=code)).access_granted
    else:
        with pytest.raises(BadCode, match="wrong code"):
            org.engine.login(org.acc["mia"], password="pw-mia", code=code)


def _fail(org: Org, who: str, code: str = "000000") -> BadCode:
    org.tick(400)  # past any back-off
    with pytest.raises(BadCode) as info:
        org.engine.login(org.acc[who], password=f"pw-{who}", code=code)
    assert info.value.account is not None
    org.acc[who] = info.value.account
    return info.value


def test_lockout_at_policy_maximum(org: Org) -> None:
    limit = org.engine.policy.max_failures
    for n in range(1, limit):
        err = _fail(org, "mia")
        assert org.acc["mia"].failures == n and org.acc["mia"].state == "enrolled" and not err.locked
    err = _fail(org, "mia")
    assert err.locked and err.followed_by is not None and err.followed_by.event == "too_many_failures"
    assert org.acc["mia"].state == "locked_out" and org.acc["mia"].failures == limit
    with pytest.raises(InvalidEvent):
        org.engine.login(org.acc["mia"], password="pw-mia", code=org.code("mia"))


def test_failure_count_survives_reset_and_start_of_setup_and_success_clears_it(org: Org) -> None:
    for _ in range(3):
        _fail(org, "mia")
    org.keep(org.engine.request_reset(org.acc["mia"], org.actor("adam")))
    org.keep(org.engine.confirm_reset(org.acc["mia"], org.actor("adam")))
    assert org.acc["mia"].failures == 3
    org.tick(400)
    token = org.token("mia")
    started = org.keep(org.engine.start_setup(org.acc["mia"], password="pw-mia", token=token))
    assert started.account.failures == 3  # a reset and a new setup do not clear it
    org.tick(400)
    org.keep(org.engine.abandon_setup(org.acc["mia"], handle=started.setup_handle))
    org.enrol("mia", token=token)  # a completed setup is a success: it clears the count
    assert org.acc["mia"].failures == 0


def test_one_typo_after_a_recovery_does_not_lock_again(org: Org) -> None:
    policy = org.engine.policy
    for _ in range(policy.max_failures):
        org.tick(policy.backoff_max_seconds + 1)
        _fail(org, "mia")
    assert org.acc["mia"].state == "locked_out"
    org.keep(org.engine.request_reset(org.acc["mia"], org.actor("adam")))
    org.keep(org.engine.confirm_reset(org.acc["mia"], org.actor("adam")))
    org.tick(400)
    org.enrol("mia", token=org.token("mia"))
    org.tick(400)
    _fail(org, "mia")  # one typo
    assert org.acc["mia"].state == "enrolled" and org.acc["mia"].failures == 1


def test_backoff_refuses_without_counting(org: Org) -> None:
    _fail(org, "mia")
    _fail(org, "mia")
    with pytest.raises(GuardFailed, match="retry after") as info:
        org.engine.login(org.acc["mia"], password="pw-mia", code=org.code("mia"))
    assert not info.value.counted and info.value.guard == "not_backed_off"


def test_malformed_codes_count_as_attempts(org: Org) -> None:
    err = _fail(org, "mia", code="０８１８０４")
    assert err.counted and "non-ASCII" in str(err)
    org.tick(400)
    with pytest.raises(BadCode, match="not a string") as info:
        org.engine.login(org.acc["mia"], password="pw-mia", code=None)  # type: ignore[arg-type]
    assert not info.value.counted


def test_revoked_secret_codes_never_accepted(org: Org) -> None:
    old = org.phone["mia"]
    org.keep(org.engine.request_reset(org.acc["mia"], org.actor("adam")))
    org.keep(org.engine.confirm_reset(org.acc["mia"], org.actor("adam")))
    org.tick()
    with pytest.raises(InvalidEvent):
        org.engine.login(org.acc["mia"], password="pw-mia", code=org.code("mia", secret=old))
    org.enrol("mia", token=org.token("mia"))
    assert org.phone["mia"] != old
    for offset in (-1, 0, 1):
        org.tick(400)
        with pytest.raises(BadCode, match="wrong code"):
            org.engine.login(org.acc["mia"], password="pw-mia", code=org.code("mia", offset=offset, secret=old))
        org.acc["mia"] = org.acc["mia"].model_copy(update={"failures": 0, "last_failure_at": None})


def test_token_expires(org: Org) -> None:
    org.keep(org.engine.request_reset(org.acc["mia"], org.actor("adam")))
    org.keep(org.engine.confirm_reset(org.acc["mia"], org.actor("adam")))
    lifetime = org.engine.policy.token_lifetime_seconds
    assert lifetime is not None
    org.tick(lifetime + 1)
    with pytest.raises(GuardFailed, match="expired"):
        org.engine.start_setup(org.acc["mia"], password="pw-mia", token=org.token("mia"))


def test_token_single_use_and_replaced_by_a_new_reset(org: Org) -> None:
    org.keep(org.engine.request_reset(org.acc["mia"], org.actor("adam")))
    org.keep(org.engine.confirm_reset(org.acc["mia"], org.actor("adam")))
    first = org.token("mia")
    org.keep(org.engine.request_reset(org.acc["mia"], org.actor("adam")))
    org.keep(org.engine.confirm_reset(org.acc["mia"], org.actor("adam")))
    second = org.token("mia")
    assert first != second
    with pytest.raises(GuardFailed, match="wrong setup token"):
        org.engine.start_setup(org.acc["mia"], password="pw-mia", token=first)
    org.enrol("mia", token=second)
    assert org.acc["mia"].token_digest is None and not org.acc["mia"].token_required


def test_setup_expires_by_tick(org: Org) -> None:
    org.add("nina", enrol=False)
    org.keep(org.engine.start_setup(org.acc["nina"], password="pw-nina"))
    assert org.engine.tick(org.acc["nina"]) is None
    timeout = org.engine.policy.setup_timeout_seconds
    assert timeout is not None
    org.tick(timeout + 1)
    out = org.engine.tick(org.acc["nina"])
    assert out is not None and out.event == "expire_setup" and out.dest == "unenrolled"
    assert out.account.pending_secret is None


def test_access_only_from_login_and_verified_setup(org: Org) -> None:
    granted = {r.event for r in org.audit if r.outcome == "allowed" and "start_session" in r.effects}
    assert granted <= {"login", "verify_setup"}


def test_second_request_while_pending_is_invalid(org: Org) -> None:
    org.keep(org.engine.request_reset(org.acc["mia"], org.actor("adam")))
    with pytest.raises(InvalidEvent):
        org.engine.request_reset(org.acc["mia"], org.actor("olivia"))
    pending = org.acc["mia"]
    first = org.engine.confirm_reset(pending, org.actor("adam"))
    with pytest.raises(InvalidEvent):
        org.engine.confirm_reset(first.account, org.actor("olivia"))


def test_article_has_no_expiry_or_token() -> None:
    o = Org(ARTICLE)
    o.add("mia")
    assert "expire_setup" not in o.engine.spec.events
    assert o.engine.policy.token_lifetime_seconds is None


def test_report_lost_device_needs_password(org: Org) -> None:
    with pytest.raises(GuardFailed, match="wrong password"):
        org.engine.report_lost_device(org.acc["mia"], password="nope")
    assert org.acc["mia"].state == "enrolled"


def test_system_cannot_be_impersonated(org: Org) -> None:
    from twofa_fsm import Forbidden

    org.tick(10_000)
    with pytest.raises(Forbidden):
        org.engine.fire(org.acc["mia"], "too_many_failures", Actor.holder(org.acc["mia"]))


def test_invited_account_needs_the_invitation_token(org: Org) -> None:
    nina = org.engine.new_account("nina", "acme", "member", invite=True).account
    org.acc["nina"] = nina
    org.passwords.set("nina", "pw-nina")
    assert nina.token_required and org.notifier.notices[-1].kind == "token_issued"
    with pytest.raises(GuardFailed, match="setup token"):
        org.engine.start_setup(nina, password="pw-nina")
    assert org.enrol("nina", token=org.token("nina")).access_granted


def test_article_invite_is_a_no_op(article_org: Org) -> None:
    nina = article_org.engine.new_account("nina", "acme", "member", invite=True).account
    assert not nina.token_required and "nina" not in article_org.notifier.outbox
