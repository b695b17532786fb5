"""Errors are results: a file that does not load is an errored case, and the other files still run."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from simulator.cli import main

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
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases["c_broken"].find("error") is not None and "c_broken.yaml:" in cases["c_broken"].find("error").text
    assert cases["replayed-code"].find("failure") is not None
    assert cases["lost-phone"].find("failure") is None and cases["lost-phone"].find("error") is None


def test_a_bad_spec_option_is_still_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["simulate", str(SCENARIOS / "lost_phone.yaml"), "--spec", str(tmp_path / "x")])
    assert result.exit_code == 2
