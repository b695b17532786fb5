"""Errors are results: a file that does not load is an errored case, and the other files still run."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from twofa_fsm_tools.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "simulator" / "scenarios"


def test_one_broken_one_failing_one_passing(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(SCENARIOS / "lost_phone.yaml", folder / "a_passing.yaml")
    failing = (SCENARIOS / "replayed_code.yaml").read_text(encoding="utf-8")
    failing = re.sub(r"access: granted", "access: denied", failing, count=1)
    (folder / "b_failing.yaml").write_text(failing.replace("spec: spec/", f"spec: {ROOT}/spec/"), encoding="utf-8")
    (folder / "c_broken.yaml").write_text("name: broken\nspec: spec/twofa.yaml\nsteps: [\n", encoding="utf-8")
    for path in folder.glob("a_*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("spec: spec/", f"spec: {ROOT}/spec/"))
    junit = tmp_path / "out.xml"
    result = CliRunner().invoke(main, ["simulate", str(folder), "--brief", "--junit", str(junit)])
    assert result.exit_code == 1, result.output
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    cases = {c.get("name"): c for c in root.iter("testcase")}
    broken = cases["c_broken[unloaded]"].find("error")
    assert broken is not None and "c_broken.yaml:" in (broken.text or "")
    assert cases["replayed-code[twofa]"].find("failure") is not None
    passing = cases["lost-phone[twofa]"]
    assert passing.find("failure") is None and passing.find("error") is None


def test_a_bad_spec_option_is_still_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["simulate", str(SCENARIOS / "lost_phone.yaml"), "--spec", str(tmp_path / "x")])
    assert result.exit_code == 2


def test_several_specs_and_tags(tmp_path: Path) -> None:
    junit = tmp_path / "out.xml"
    args = ["simulate", str(SCENARIOS / "lost_phone.yaml"), str(SCENARIOS / "phished_reset_window_article.yaml")]
    specs = ["--spec", str(ROOT / "spec" / "twofa.yaml"), "--spec", str(ROOT / "spec" / "article.yaml")]
    result = CliRunner().invoke(main, [*args, *specs, "--brief", "--junit", str(junit)])
    names = sorted(c.get("name") or "" for c in ET.parse(junit).getroot().iter("testcase"))
    assert names == [
        "lost-phone[article]", "lost-phone[twofa]", "phished-reset-window-article[article]",
        "phished-reset-window-article[twofa]",
    ], result.output  # fmt: skip
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text(
        (SCENARIOS / "lost_phone.yaml").read_text(encoding="utf-8").replace("\nseed:", "\ntags: [smoke]\nseed:", 1)
        .replace("spec: spec/", f"spec: {ROOT}/spec/"),
        encoding="utf-8",
    )  # fmt: skip
    only = CliRunner().invoke(main, ["simulate", str(tagged), str(SCENARIOS / "replayed_code.yaml"), "--tag", "smoke"])
    assert only.exit_code == 0 and "1/1 scenarios passed" in only.output, only.output


def test_trace_prints_the_world_after_each_step() -> None:
    result = CliRunner().invoke(main, ["simulate", str(SCENARIOS / "lost_phone.yaml"), "--brief", "--trace"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "trace of 'lost-phone' on 'twofa':" in out and "after step 1 (t=" in out
    assert "alice locked_out" in out and "alice_phone held by nobody" in out and "token(s)" in out


def test_step_waits_for_enter_after_each_step_and_q_stops() -> None:
    args = ["simulate", str(SCENARIOS / "lost_phone.yaml"), "--brief", "--step"]
    result = CliRunner().invoke(main, args, input="\n\nq\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("Enter: next step, q: quit") == 3  # two Enters, then q
    assert "step 1: alice login -> allowed" in out and "step 3: alice login -> BadCode" in out
    assert "after step 4" not in out
    everything = CliRunner().invoke(main, args, input="\n" * 40)
    steps = everything.output.count("Enter: next step")
    assert steps == everything.output.count("  after step ") and steps > 10


def test_junitparser_reads_the_report(tmp_path: Path) -> None:
    """A CI's JUnit reader (junitparser) reads the file: one suite per spec, a case per scenario x spec, with
    the spec, the known weaknesses and attacker access as the case's properties."""
    from junitparser import Error, Failure, JUnitXml, Properties

    junit = tmp_path / "out.xml"
    files = [str(SCENARIOS / "lost_phone.yaml"), str(SCENARIOS / "phished_reset_window_article.yaml")]
    result = CliRunner().invoke(main, ["simulate", *files, "--brief", "--junit", str(junit)])
    assert result.exit_code == 0, result.output
    xml = JUnitXml.fromfile(str(junit))
    suites = {suite.name: suite for suite in xml}
    assert any("twofa" in name for name in suites) and any("article" in name for name in suites), list(suites)
    cases = [case for suite in xml for case in suite]
    assert len(cases) == 2 and all(case.is_passed for case in cases)
    assert not any(isinstance(r, (Error, Failure)) for case in cases for r in case.result)
    props = {
        case.name: {p.name: p.value for group in case.iterchildren(Properties) for p in group}
        for suite in xml
        for case in suite
    }
    article = props["phished-reset-window-article[article]"]
    assert article["spec"] == "spec/article.yaml" and article["known_weaknesses"].startswith("step ")
    assert "mallory gained access" in article["attacker_access"]
    assert props["lost-phone[twofa]"]["spec"] == "spec/twofa.yaml"
