"""The scenario pipeline, one stage a module.

``model`` (the scenario file format) -> ``world`` (people, phones, mailboxes, clock) and
``credentials`` (what each person can present) -> ``runner`` (every step through the
library's service, as an embedder calls it) -> ``records`` and ``expectations`` ->
``terminal`` (tables, JSON, JUnit, replayable YAML) and ``coverage``.
"""

from simulator.scenario.coverage import Coverage, measure
from simulator.scenario.junit import to_junit
from simulator.scenario.loading import load_scenario, parse_scenario
from simulator.scenario.model import Scenario
from simulator.scenario.records import Failure, Mismatch, ScenarioResult, StepRecord
from simulator.scenario.runner import resolve_spec, run_scenario, run_scenario_file
from simulator.scenario.terminal import failure_trace, print_results, replay_yaml, to_json

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
