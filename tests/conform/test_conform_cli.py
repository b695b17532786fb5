"""``twofa-fsm conform``: exit 0 when the driver conforms, 1 with divergences (written as scenarios),
2 on bad input with one line on stderr and no traceback; nothing secret in its outputs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from twofa_fsm_tools.cli import main

ENGINE = "twofa_fsm_tools.conform:EngineDriver"
BROKEN = "twofa_fsm_tools.conform:broken_driver"


def _conform(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["conform", *args])
    return result.exit_code, result.stdout, result.stderr


def test_exit_0_when_the_driver_conforms(tmp_path: Path) -> None:
    code, out, _ = _conform("--driver", ENGINE, "--spec", "spec/article.yaml", "--walks", "3",
                            "--json", str(tmp_path / "v.json"), "--junit", str(tmp_path / "v.xml"),
                            "--out", str(tmp_path / "div"))  # fmt: skip
    assert code == 0, out
    assert "paths:" in out and "walks: 4 cases, 4 conform" in out and "0 diverge" in out
    data = json.loads((tmp_path / "v.json").read_text())
    assert data["spec_name"] == "article" and data["counts"]["passed"] > 50
    suites = {s.get("name") for s in ET.parse(tmp_path / "v.xml").getroot()}
    assert suites == {"scenarios", "paths", "walks"}
    assert not (tmp_path / "div").exists()


def test_exit_1_with_each_divergence_written_as_a_scenario(tmp_path: Path) -> None:
    code, out, _ = _conform("--driver", BROKEN, "--suite", "paths", "--out", str(tmp_path), "--json",
                            str(tmp_path / "v.json"))  # fmt: skip
    assert code == 1
    assert "DIVERGED paths/" in out and "expected guard_failed, actual ok" in out
    files = sorted(tmp_path.glob("divergence-*.yaml"))
    assert files and f"wrote {len(files)} divergence scenarios" in out
    text = "".join(f.read_text() for f in files) + (tmp_path / "v.json").read_text()
    assert "pw-" not in text and "otpauth" not in text and "made-up" not in text  # no password, secret, handle
    replay = CliRunner().invoke(main, ["simulate", *map(str, files), "--brief"])
    assert replay.exit_code == 0, replay.output


@pytest.mark.parametrize(
    ("driver", "message"),
    [
        ("no_colon", "expected MODULE:OBJECT"),
        ("no_such_module_xyz:Driver", "cannot import 'no_such_module_xyz'"),
        ("twofa_fsm_tools.conform:Nothing", "has no 'Nothing'"),
        ("twofa_fsm_tools.conform:SUITES", "neither a driver nor a class or function"),
        ("twofa_fsm_tools.conform:scenario_yaml", "not a driver"),
    ],
)
def test_exit_2_on_a_bad_driver(driver: str, message: str) -> None:
    code, out, err = _conform("--driver", driver, "--suite", "paths")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("twofa-fsm: error: ") and message in err
    assert "Traceback" not in err + out


def test_exit_2_on_a_bad_spec(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: broken\n")
    for spec in (str(bad), str(tmp_path / "missing.yaml")):
        code, out, err = _conform("--driver", ENGINE, "--spec", spec)
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err + out


def test_a_driver_that_fails_to_start_is_bad_input() -> None:
    code, _, err = _conform("--driver", "test_conform_cli:failing_driver", "--suite", "paths")
    assert code == 2 and "making the driver failed (OSError)" in err and "secret-host" not in err


def failing_driver(spec: str) -> object:
    raise OSError("cannot reach secret-host")
