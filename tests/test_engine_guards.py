"""Authorisation, Cancel, the shared machine, and what never leaks."""

from __future__ import annotations

import json
import logging

import pytest

from twofa_fsm import Account, Actor, Forbidden, InvalidEvent, SeededEntropy
from twofa_harness import Org


def _unchanged(before: Account, after: Account | None) -> None:
    assert after is not None
    assert after == before


@pytest.mark.parametrize(
    "actor_id,target,why",
    [
        ("mia", "adam", "role 'member' may not do this"),
        ("adam", "olivia", "cannot act on a 'owner'"),
        ("adam", "adam", "cannot do this to their own account"),
        ("olivia", "olivia", "cannot do this to their own account"),
        ("eve", "mia", "not in organisation 'acme'"),
    ],
)
def test_forbidden_resets_change_nothing(org: Org, actor_id: str, target: str, why: str) -> None:
    org.add("eve", "admin", org="other")
    before = org.acc[target]
    for event in ("request_reset",):
        with pytest.raises(Forbidden, match=why) as info:
            org.engine.fire(before, event, org.actor(actor_id))
        _unchanged(before, info.value.account)
    assert org.audit[-1].outcome == "Forbidden"


def test_actor_not_recently_verified_is_forbidden(org: Org) -> None:
    org.tick(10_000)
    stale = org.actor("adam", fresh=False)
    before = org.acc["mia"]
    with pytest.raises(Forbidden, match="has not passed 2FA") as info:
        org.engine.request_reset(before, stale)
    _unchanged(before, info.value.account)
    never = Actor("adam", "admin", "acme", None)
    with pytest.raises(Forbidden):
        org.engine.request_reset(before, never)


def test_confirm_by_unauthorised_actor_is_forbidden(org: Org) -> None:
    org.keep(org.engine.request_reset(org.acc["mia"], org.actor("adam")))
    org.add("max", "member")
    pending = org.acc["mia"]
    with pytest.raises(Forbidden) as info:
        org.engine.confirm_reset(pending, org.actor("max"))
    _unchanged(pending, info.value.account)


@pytest.mark.parametrize("start", ["enrolled", "locked_out", "unenrolled", "setup_in_progress"])
def test_cancel_changes_nothing(org: Org, start: str) -> None:
    org.add("nina", enrol=start not in ("unenrolled", "setup_in_progress"))
    if start == "locked_out":
        org.keep(org.engine.report_lost_device(org.acc["nina"], password="pw-nina"))
    if start == "setup_in_progress":
        org.keep(org.engine.start_setup(org.acc["nina"], password="pw-nina"))
    before = org.acc["nina"]
    assert before.state == start
    pending = org.engine.request_reset(before, org.actor("adam")).account
    after = org.engine.cancel_reset(pending, org.actor("olivia")).account
    ignore = {"version", "prior_state"}
    assert after.model_dump(exclude=ignore, context={"secrets": True}) == before.model_dump(
        exclude=ignore, context={"secrets": True}
    )
    assert after.prior_state is None and after.version == before.version + 2


def test_sole_owner_only_vendor_support_can_reset(org: Org) -> None:
    olivia = org.keep(org.engine.report_lost_device(org.acc["olivia"], password="pw-olivia")).account
    with pytest.raises(Forbidden, match="cannot act on a 'owner'"):
        org.engine.request_reset(olivia, org.actor("adam"))
    support = Actor("desk-1", "support", None, org.clock.now())
    pending = org.engine.request_reset(olivia, support).account
    assert org.engine.confirm_reset(pending, support).dest == "unenrolled"
    org.directory.add("acme", "owner")  # a second owner exists now: support must refuse
    with pytest.raises(Forbidden, match="sole owner"):
        org.engine.request_reset(org.acc["mia"].model_copy(update={"role": "owner"}), support)


def test_invalid_events(org: Org) -> None:
    with pytest.raises(InvalidEvent, match="'confirm_reset' is not allowed in state 'enrolled'"):
        org.engine.confirm_reset(org.acc["mia"], org.actor("adam"))
    with pytest.raises(InvalidEvent, match="unknown event 'to_enrolled'"):
        org.engine.fire(org.acc["mia"], "to_enrolled", org.actor("adam"))


def test_one_shared_machine_without_auto_transitions(org: Org) -> None:
    from twofa_fsm._runtime.machine import Runtime  # the private runtime, tested on its own

    rt = Runtime(org.engine.spec, clock=org.clock, entropy=SeededEntropy(1), passwords=org.passwords, directory=None)
    assert rt.machine.auto_transitions is False
    assert not any(name.startswith("to_") for name in rt.machine.events)
    assert rt.machine.models == []
    for name in ("to_enrolled", "is_enrolled", "login", "trigger"):
        assert not hasattr(org.acc["mia"], name)


def test_account_is_immutable(org: Org) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        org.acc["mia"].state = "enrolled"  # type: ignore[misc]


def test_json_round_trip_keeps_secrets_only_in_to_json(org: Org) -> None:
    acc = org.acc["mia"]
    again = Account.from_json(acc.to_json())
    assert again == acc
    assert again.bound_secret is not None and again.bound_secret.get_secret_value() == org.phone["mia"]
    secret = org.phone["mia"]
    for text in (repr(acc), str(acc), json.dumps(acc.public()), acc.model_dump_json()):
        assert secret not in text
        assert acc.token_digest is None or acc.token_digest not in text


def test_nothing_secret_in_audit_logs_or_reprs(org: Org, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    out = org.login("mia")
    code = org.code("mia")
    org.keep(org.engine.request_reset(org.acc["mia"], org.actor("adam")))
    done = org.keep(org.engine.confirm_reset(org.acc["mia"], org.actor("adam")))
    token = org.token("mia")
    setup = org.engine.start_setup(org.acc["mia"], password="pw-mia", token=token)
    assert setup.provisioning_uri is not None
    uri = setup.provisioning_uri.get_secret_value()
    haystack = "\n".join(
        [caplog.text, repr(out), repr(done), repr(setup), repr(org.notifier), repr(setup.account)]
        + [repr(r) for r in org.audit]
    )
    for needle in (org.phone["mia"], token, uri, code, "pw-mia"):
        assert needle not in haystack


def test_engine_copies_are_full_accounts(org: Org) -> None:
    """The engine's cheap copies behave like validated accounts (equality, JSON, immutability)."""
    from pydantic import ValidationError

    out = org.login("mia")
    acc = out.account
    assert Account.from_json(acc.to_json()) == acc
    assert acc.model_dump() == Account.model_validate(acc.model_dump(context={"secrets": True})).model_dump()
    with pytest.raises(ValidationError):
        acc.failures = 3  # type: ignore[misc]
    again = acc.model_copy(update={"failures": 1})
    assert again.failures == 1 and acc.failures == 0
