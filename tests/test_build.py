"""The engine's fast constructors build exactly the objects the dataclasses' own constructors build."""

from __future__ import annotations

import dataclasses
from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from twofa_fsm import Account, AuditRecord, Emissions, Notice, Outcome
from twofa_fsm._build import FIELDS, audit_record, emissions, notice, outcome

text = st.text(max_size=8)
times = st.floats(min_value=0, max_value=4e9, allow_nan=False)


def test_field_lists_follow_the_classes() -> None:
    """A field added, removed or moved in a class fails here until ``_build`` follows it."""
    for cls, names in FIELDS.items():
        assert tuple(f.name for f in dataclasses.fields(cls)) == names, cls.__name__


@given(times, text, text, text, text, text, text, text, text, text, st.lists(text, max_size=3))
def test_audit_record_and_notice(at: float, a: str, r: str, t: str, o: str, e: str, out: str, s: str, d: str,
                                 why: str, eff: list[str]) -> None:  # fmt: skip
    built = audit_record(at, a, r, t, o, e, out, s, d, why, tuple(eff))
    plain = AuditRecord(at, a, r, t, o, e, out, s, d, why, tuple(eff))
    assert built == plain and hash(built) == hash(plain) and repr(built) == repr(plain)
    assert notice(t, e, at, s) == Notice(t, e, at, s) and notice(t, e, at) == Notice(t, e, at)
    with pytest.raises(FrozenInstanceError):
        built.actor = "someone else"  # type: ignore[misc]


@given(text, text, st.booleans(), st.none() | text, st.none() | text)
def test_outcome_and_emissions(event: str, who: str, access: bool, session: str | None, handle: str | None) -> None:
    account = Account(id="mia", org="acme", role="member", state="enrolled")
    record = AuditRecord(1.0, who, "admin", "mia", "acme", event, "allowed", "enrolled", "locked_out")
    emitted = emissions((record,), (Notice("mia", "reset", 1.0),))
    assert emitted == Emissions((record,), (Notice("mia", "reset", 1.0),))
    uri = SecretStr("otpauth://totp/x?secret=ABC")
    args = (event, "enrolled", "locked_out", who, "admin", "mia", 1.0, ("e",), access, ("reset",), account, record)
    built = outcome(*args, emitted, uri, session, handle)
    plain = Outcome(*args, emitted=emitted, provisioning_uri=uri, session=session, setup_handle=handle)
    assert built == plain and repr(built) == repr(plain)
    assert "ABC" not in repr(built)
    with pytest.raises(FrozenInstanceError):
        built.dest = "enrolled"  # type: ignore[misc]
