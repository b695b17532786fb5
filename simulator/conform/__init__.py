"""Model-based conformance testing of a tester's own backend: ``twofa-fsm conform``.

A tester wraps their backend in a ``Driver`` (``driver.py``: plain values in and out); the suites
(the scenario library, shortest paths covering the spec, Hypothesis random walks) run every case on the
driver and on the engine running the spec (the oracle, ``EngineDriver``), compare every observation,
and write each divergence as a scenario that ``twofa-fsm simulate`` replays.  See ``docs/conform.md``.
"""

from twofa_fsm_tools.conform.driver import KINDS, SETUP_TOKEN, SYSTEM, Delivery, Driver, Kind, Reply, is_driver
from twofa_fsm_tools.conform.engine_driver import EngineDriver, broken_driver
from twofa_fsm_tools.conform.run import Case, Divergence, Verdict, scenario_yaml
from twofa_fsm_tools.conform.suites import (
    SUITES,
    DriverError,
    as_factory,
    assert_conforms,
    check_case,
    conformance_cases,
    load_driver,
)
from twofa_fsm_tools.conform.world import Unsupported

__all__ = [
    "KINDS",
    "SETUP_TOKEN",
    "SUITES",
    "SYSTEM",
    "Case",
    "Delivery",
    "Divergence",
    "Driver",
    "DriverError",
    "EngineDriver",
    "Kind",
    "Reply",
    "Unsupported",
    "Verdict",
    "as_factory",
    "assert_conforms",
    "broken_driver",
    "check_case",
    "conformance_cases",
    "is_driver",
    "load_driver",
    "scenario_yaml",
]
