"""A backend with a bug (setup without the e-mailed token) is caught by the generated paths, and the
divergence it is reported with replays as a passing scenario on the engine: the backend is wrong."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from twofa_fsm_tools.cli import main
from twofa_fsm_tools.conform import EngineDriver, broken_driver, check_case, conformance_cases, scenario_yaml
from twofa_fsm_tools.conform.driver import Delivery, Reply

SPEC = "spec/twofa.yaml"


def test_the_broken_backend_is_caught_by_the_generated_paths(tmp_path: Path) -> None:
    cases = conformance_cases(SPEC, suites=("paths",))
    verdicts = [check_case(c, SPEC, broken_driver, f"c{n}_") for n, c in enumerate(cases)]
    diverged = [v for v in verdicts if v.status == "diverged"]
    assert diverged, "the missing token check went unnoticed"
    first = diverged[0]
    assert first.divergence is not None
    what, expected, actual = first.divergence.differences[0]
    assert (what, expected, actual) == ("reply", "guard_failed", "ok")
    steps = first.divergence.scenario["steps"]
    assert len(steps) == first.divergence.step
    assert steps[-1]["note"].startswith("DIVERGES here")
    assert steps[-1]["expect"]["error"] == "GuardFailed"
    # replayed with `twofa-fsm simulate` against the engine, the divergence scenario passes
    files = []
    for v in diverged:
        assert v.divergence is not None
        path = tmp_path / f"{v.divergence.scenario['name']}.yaml"
        path.write_text(scenario_yaml(v.divergence.scenario), encoding="utf-8")
        files.append(str(path))
    result = CliRunner().invoke(main, ["simulate", *files, "--brief"])
    assert result.exit_code == 0, result.output
    assert f"{len(files)}/{len(files)} scenarios passed" in result.output


def test_the_same_divergence_is_found_by_the_walks_and_shrunk() -> None:
    walks = [c for c in conformance_cases(SPEC, suites=("walks",), walks=60, seed=1) if c.start == ("member", False)]
    verdict = check_case(walks[0], SPEC, broken_driver)
    assert verdict.status == "diverged" and verdict.divergence is not None
    assert len(verdict.divergence.scenario["steps"]) <= 2  # shrunk to the step that shows it


def test_the_scenario_library_catches_it_too() -> None:
    cases = {c.name: c for c in conformance_cases(SPEC, suites=("scenarios",))}
    verdict = check_case(cases["phished-reset-window-twofa"], SPEC, broken_driver)
    assert verdict.status == "diverged"
    assert check_case(cases["phished-reset-window-twofa"], SPEC, EngineDriver).status == "passed"


class Crashing(EngineDriver):
    """A backend that fails with an exception on every reset confirmation."""

    def fire(self, account_id: str, event: str, **inputs: str | None) -> Reply:  # type: ignore[override]
        if event == "confirm_reset":
            raise RuntimeError("database down")
        return super().fire(account_id, event, **inputs)  # type: ignore[arg-type]


class Quiet(EngineDriver):
    """A backend that never tells the user about a reset (drops the notice)."""

    def deliveries(self) -> list[Delivery]:
        return [d for d in super().deliveries() if d.kind != "reset"]


def test_a_crash_and_a_missing_notice_are_divergences_too() -> None:
    cases = conformance_cases(SPEC, suites=("paths",))
    for driver, what in ((Crashing, "the driver raised RuntimeError"), (Quiet, "reset to member_t")):
        found = [check_case(c, SPEC, driver) for c in cases]
        diverged = [v for v in found if v.status == "diverged"]
        assert diverged and any(what in v.detail for v in diverged), what
        text = scenario_yaml(diverged[0].divergence.scenario)  # type: ignore[union-attr]
        assert "database down" not in text
        assert yaml.safe_load(text)["spec"] == SPEC
