"""The scenario-library suite: the shipped scenarios (or a tester's folder of them) as driver cases.

A scenario written for another spec is listed as skipped; so is one whose steps the protocol cannot
drive (a profile page left open: a stale view).  Other world actions (phones lost, stolen, replaced;
time passing) act on the harness's side or the driver's clock; a driver without a clock skips the
scenarios that let time pass, when they get there.
"""

from __future__ import annotations

from pathlib import Path

from twofa_fsm import Spec
from twofa_fsm.errors import SpecError
from twofa_fsm_tools.conform.run import Case
from twofa_fsm_tools.scenario.loading import load_scenario
from twofa_fsm_tools.scenario.model import Scenario
from twofa_fsm_tools.scenario.runner import resolve_spec
from twofa_fsm_tools.scenario.stage import spec_at

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"


def library_cases(spec: Spec, folder: str | Path = LIBRARY) -> list[Case]:
    """One case per scenario file in ``folder`` (sorted, recursively)."""
    files = sorted(p for p in Path(folder).rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    out: list[Case] = []
    for path in files:
        try:
            scenario, _ = load_scenario(path)
        except SpecError as err:
            out.append(_skipped(path.stem, f"does not load: {err}"))
            continue
        out.append(Case(scenario.name, "scenarios", scenario, _why_not(scenario, spec, str(path))))
    return out


def _skipped(name: str, why: str) -> Case:
    placeholder = Scenario.model_validate(
        {"name": "unloadable", "spec": "-", "people": [{"id": "nobody", "role": "member", "org": "none"}],
         "steps": [{"action": "wait", "seconds": 0}]}
    )  # fmt: skip
    return Case(name, "scenarios", placeholder, why)


def _why_not(scenario: Scenario, spec: Spec, file: str) -> str | None:
    """Why the scenario cannot run on a driver of ``spec``, or None."""
    try:
        own = spec_at(resolve_spec(scenario.spec, file))
    except (SpecError, OSError):
        return f"its spec '{scenario.spec}' does not load"
    if own.name != spec.name:
        return f"written for spec '{own.name}', not '{spec.name}'"
    for n, step in enumerate(scenario.steps, start=1):
        if step.view is not None or step.action == "open_profile":
            return f"step {n}: a profile page left open (a stale view, concurrency) is not a driver call"
    return None


__all__ = ["LIBRARY", "library_cases"]
