"""`twofa-fsm simulate`: exit codes, tables, traces of failures, JSON and JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from twofa_fsm_tools.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIBRARY = ROOT / "simulator" / "scenarios"


def test_library_passes_with_junit_and_json(tmp_path: Path) -> None:
    junit, js = tmp_path / "sim.xml", tmp_path / "sim.json"
    result = CliRunner().invoke(main, ["simulate", str(LIBRARY), "--junit", str(junit), "--json", str(js)])
    assert result.exit_code == 0, result.output
    count = len(list(LIBRARY.glob("*.yaml")))
    assert f"{count}/{count} scenarios passed" in result.output
    assert "known weakness of 'article'" in result.output
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("tests") == str(count) and root.get("failures") == "0"
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == count >= 18
    assert all(c.find("failure") is None for c in cases)
    names = {c.get("name") for c in cases}
    assert names >= {"lost-phone[twofa]", "two-admins-confirm[twofa]", "phished-reset-window-article[article]"}
    suites = {s.get("name") for s in root.findall("./testsuite")}
    assert suites == {"twofa-fsm scenarios on twofa", "twofa-fsm scenarios on article"}
    article = next(c for c in cases if c.get("name") == "phished-reset-window-article[article]")
    props = {p.get("name"): p.get("value") for p in article.iter("property")}
    assert props["known_weaknesses"] != "none" and "mallory" in props["attacker_access"]
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["summary"] == {"scenarios": count, "passed": count, "failed": 0, "errored": 0}
    lost = next(s for s in data["scenarios"] if s["name"] == "lost-phone")
    assert ["locked_out", "request_reset", "reset_pending"] in lost["edges"]


def test_wrong_expectation_fails_with_a_trace(tmp_path: Path) -> None:
    junit = tmp_path / "sim.xml"
    result = CliRunner().invoke(main, ["simulate", str(FIXTURES / "wrong_expectation.yaml"), "--junit", str(junit)])
    assert result.exit_code == 1
    out = result.output
    assert "step 7 (line 38) bob request_reset: state: expected unenrolled, got reset_pending" in out
    assert "✗ step 7: bob request_reset on alice" in out and "expected state: unenrolled; actual: reset_pending" in out
    assert "replayable scenario" in out and "name: lost-phone-wrong-expectation-replay" in out
    case = ET.parse(junit).getroot().find("./testsuite/testcase")
    assert case is not None
    failure = case.find("failure")
    assert (
        failure is not None and "step 7" in (failure.get("message") or "") and "reset_pending" in (failure.text or "")
    )


def test_mixed_pass_and_fail_exits_1() -> None:
    result = CliRunner().invoke(
        main, ["simulate", str(LIBRARY / "lost_phone.yaml"), str(FIXTURES / "wrong_expectation.yaml"), "--brief"]
    )
    assert result.exit_code == 1
    assert "1/2 scenarios passed" in result.output


@pytest.mark.parametrize("name", sorted(p.stem for p in (FIXTURES / "bad").glob("*.yaml")))
def test_bad_scenario_exits_2_with_one_line(name: str) -> None:
    path = FIXTURES / "bad" / f"{name}.yaml"
    result = CliRunner().invoke(main, ["simulate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"twofa-fsm: error: {path}"), result.stderr
    assert "fix:" in lines[0] and "Traceback" not in result.output


def test_missing_path_and_bad_spec_override_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["simulate", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
    empty = runner.invoke(main, ["simulate", str(tmp_path)])
    assert empty.exit_code == 2 and "no scenario files" in empty.stderr
    bad_spec = runner.invoke(
        main, ["simulate", str(LIBRARY / "lost_phone.yaml"), "--spec", str(ROOT / "tests/specs/bad/misspelt_key.yaml")]
    )
    assert bad_spec.exit_code == 2 and "descripton" in bad_spec.stderr


def test_spec_override_from_the_cli() -> None:
    path = LIBRARY / "phished_reset_window_article.yaml"
    result = CliRunner().invoke(main, ["simulate", str(path), "--spec", str(ROOT / "spec/twofa.yaml"), "--brief"])
    assert result.exit_code == 1
    assert "step 6" in result.output and "expected setup_in_progress, got unenrolled" in result.output
