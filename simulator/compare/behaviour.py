"""Behaviour: the shortest scenario one spec allows and the other forbids.

Each spec is checked; every counterexample it has is written as a scenario and replayed on the other
spec.  A scenario that breaks a property on one spec and passes on the other tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from twofa_fsm import Spec
from twofa_fsm_tools.checker.cache import remembered_explore
from twofa_fsm_tools.checker.export import write_counterexample
from twofa_fsm_tools.scenario import run_scenario_file


@dataclass(frozen=True)
class Distinction:
    """A scenario that fails (breaks ``prop``) on ``fails_on`` and passes on ``passes_on``."""

    prop: str
    message: str
    steps: tuple[str, ...]
    scenario: Path
    fails_on: str
    passes_on: str


def distinguish(a: tuple[Spec, str], b: tuple[Spec, str], out_dir: str | Path, *, jobs: int = 2) -> list[Distinction]:
    """Every counterexample of one spec that the other spec withstands, shortest first.

    The replayed scenario keeps the steps and drops the expectations that recorded the first spec's
    answers: it fails where an attacker gains access, and passes where nobody does.
    """
    found: list[Distinction] = []
    for (spec, path), (_, other_path) in ((a, b), (b, a)):
        for v in remembered_explore(spec, jobs=jobs).shortest():
            written = _story(write_counterexample(v, spec, path, Path(out_dir) / spec.name))
            on_self = run_scenario_file(written)
            on_other = run_scenario_file(written, spec_override=other_path)
            if on_self.breaches and not on_self.passed and on_other.passed:
                steps = tuple(act.label() for act in v.path)
                found.append(Distinction(v.prop, v.message, steps, written, path, other_path))
    return sorted(found, key=lambda d: len(d.steps))


def _story(counterexample: Path) -> Path:
    """The counterexample's steps without its expectations, beside it (``*-story.yaml``)."""
    data = yaml.safe_load(counterexample.read_text(encoding="utf-8"))
    for step in data["steps"]:
        if "expect" in step:
            step["expect"] = {}  # the steps alone: nothing checked on purpose but the built-in rule
    data["name"] = f"{data['name']}-story"
    data["description"] = (
        "The steps of a counterexample, with no expectation but the built-in one: no attacker gains access. "
        + str(data.get("description", ""))
    )
    path = counterexample.with_name(f"{counterexample.stem}-story.yaml")
    header = "# yaml-language-server: $schema=../../../spec/scenario.schema.json\n# Written by `twofa-fsm diff`\n"
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    return path
