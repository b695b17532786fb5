"""Liveness under declared fairness in the built-in checker: the fairness section, the lasso search, and the
lasso written as a replayable scenario with its drawing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from twofa_fsm import Spec, SpecError, load_spec, parse_spec
from twofa_fsm_tools.checker.liveness import liveness, write_lasso

ROOT = Path(__file__).resolve().parents[2]
WORLD = (("member", True),)


def _without_admin(path: str) -> Spec:
    """The spec with nobody promising to answer the confirmation step but the timers."""
    data = yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))
    data["fairness"] = [f for f in data["fairness"] if "reset_pending" not in f["when"] or f["party"] == "system"]
    return parse_spec(yaml.safe_dump(data), path)


def test_fairness_names_are_checked() -> None:
    text = (ROOT / "spec/article.yaml").read_text(encoding="utf-8").replace("party: admin,", "party: admn,", 1)
    with pytest.raises(SpecError, match=r"fairness\[2\]\.party: unknown party 'admn'.*did you mean 'admin'"):
        parse_spec(text, "article.yaml")


def test_the_fairness_section_is_optional() -> None:
    data = yaml.safe_load((ROOT / "spec/article.yaml").read_text(encoding="utf-8"))
    del data["fairness"]
    assert parse_spec(yaml.safe_dump(data)).fairness == ()


def test_the_reset_timer_ends_a_pending_reset_nobody_answers() -> None:
    assert "pending_reset_ends" not in liveness(_without_admin("spec/twofa.yaml"), WORLD).lassos
    stuck = liveness(_without_admin("spec/article.yaml"), WORLD).lassos["pending_reset_ends"]
    assert stuck.loop and any(a.actor == "clock" for a in stuck.loop)
    assert not any(a.event in ("confirm_reset", "cancel_reset") for a in stuck.loop)


def test_the_request_cancel_loop_keeps_a_user_locked_out(tmp_path: Path) -> None:
    spec = load_spec(ROOT / "spec/twofa.yaml")
    found = liveness(spec, WORLD)
    assert "pending_reset_ends" not in found.lassos
    lasso = found.lassos["locked_out_regains_access"]
    assert {a.event for a in lasso.loop} >= {"request_reset", "cancel_reset"}
    scenario, drawing = write_lasso(lasso, spec, "spec/twofa.yaml", tmp_path)
    assert drawing.exists() and drawing.suffix in (".svg", ".dot")
    steps = yaml.safe_load(scenario.read_text(encoding="utf-8"))["steps"]
    cancels = sum(a.event == "cancel_reset" for a in lasso.loop)
    assert sum(s.get("event") == "cancel_reset" for s in steps) == 2 * cancels  # the loop, unrolled twice
    done = subprocess.run(
        [str(Path(sys.executable).parent / "twofa-fsm"), "simulate", str(scenario)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
