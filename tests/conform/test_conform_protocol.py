"""The protocol: plain values in and out, one backend shared by every case, a driver without a clock,
and the pytest entry point a tester parametrises with."""

from __future__ import annotations

import inspect
import typing

import pytest

from twofa_fsm_tools.conform import (
    Driver,
    EngineDriver,
    as_factory,
    assert_conforms,
    check_case,
    conformance_cases,
    is_driver,
)

SPEC = "spec/article.yaml"


def test_the_protocol_takes_and_returns_plain_values_and_documents_every_method() -> None:
    methods = [m for m in vars(Driver) if not m.startswith("_") and callable(getattr(Driver, m))]
    assert set(methods) == {"create_account", "fire", "authenticate", "advance", "now", "state", "has_access",
                            "deliveries"}  # fmt: skip
    for name in methods:
        method = getattr(Driver, name)
        assert inspect.getdoc(method), name
        hints = typing.get_type_hints(method)
        for hint in hints.values():
            where = getattr(hint, "__module__", "builtins")
            assert where in ("builtins", "types", "typing", "twofa_fsm_tools.conform.driver"), (name, hint)
    assert is_driver(EngineDriver(SPEC)) and not is_driver(EngineDriver) and not is_driver(object())


def test_one_backend_serves_every_case_through_prefixed_ids() -> None:
    shared = EngineDriver(SPEC)
    cases = conformance_cases(SPEC, suites=("paths",))[:30]
    verdicts = [check_case(c, SPEC, shared) for c in cases]
    assert {v.status for v in verdicts} == {"passed"}
    ids = [a.id for a in shared.store.accounts(limit=1000)]
    assert len(ids) > 100 and all("_" in i for i in ids)


class NoClock(EngineDriver):
    """A system whose clock the driver cannot move (it stays where it is)."""

    def advance(self, seconds: float) -> bool:
        return seconds == 0 and False


def test_a_driver_without_a_clock_gets_no_time_moves() -> None:
    factory = as_factory(NoClock, SPEC)
    assert factory().advance(30) is False
    cases = conformance_cases(SPEC, suites=("paths", "walks"), clock=False, walks=3)
    steps = [s for c in cases for s in c.scenario.steps]
    assert not [s for s in steps if s.action == "wait" and (s.seconds or 0) > 0]
    assert not [s for s in steps if s.wait_before]
    library = conformance_cases("spec/twofa.yaml", suites=("scenarios",))
    waits = [c for c in library if any(s.action == "wait" or s.wait_before for s in c.scenario.steps) and not c.skip]
    verdict = check_case(waits[0], "spec/twofa.yaml", NoClock)
    assert verdict.status == "skipped" and "clock" in verdict.detail
    # the oracle's clock stands as the system's does, so the generated cases still compare
    found = [check_case(c, SPEC, NoClock) for c in cases]
    assert {v.status for v in found} == {"passed"}


# -- the pytest entry point, as a tester writes it in their own test file ----------------------------

CASES = conformance_cases(SPEC, suites=("paths",), walks=2)[:12]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_my_backend_conforms(case: object) -> None:
    verdict = assert_conforms(case, SPEC, EngineDriver)  # type: ignore[arg-type]
    assert verdict.status == "passed"
