"""The scenario pipeline, one stage a module.

``model`` (the scenario file format) -> ``world`` (people, phones, mailboxes, clock) and
``credentials`` (what each person can present) -> ``runner`` (every step through the
library's service, as an embedder calls it) -> ``records`` and ``expectations`` ->
``terminal`` (tables, JSON, JUnit, replayable YAML) and ``coverage``.
"""

from twofa_fsm_tools.scenario.coverage import Coverage, measure
from twofa_fsm_tools.scenario.junit import to_junit
from twofa_fsm_tools.scenario.loading import load_scenario, parse_scenario
from twofa_fsm_tools.scenario.model import Scenario
from twofa_fsm_tools.scenario.records import Failure, Mismatch, ScenarioResult, StepRecord
from twofa_fsm_tools.scenario.runner import resolve_spec, run_scenario, run_scenario_file
from twofa_fsm_tools.scenario.terminal import failure_trace, print_results, replay_yaml, to_json

__all__ = [
    "Coverage",
    "Failure",
    "Mismatch",
    "Scenario",
    "ScenarioResult",
    "StepRecord",
    "failure_trace",
    "load_scenario",
    "measure",
    "parse_scenario",
    "print_results",
    "replay_yaml",
    "resolve_spec",
    "run_scenario",
    "run_scenario_file",
    "to_json",
    "to_junit",
]
