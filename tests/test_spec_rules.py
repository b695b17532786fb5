"""A designer's edits that break the references are refused by validate, whatever names they use."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from twofa_fsm import SpecError, parse_spec

ROOT = Path(__file__).resolve().parents[1]
BASE: dict[str, Any] = yaml.safe_load((ROOT / "spec" / "twofa.yaml").read_text(encoding="utf-8"))


def _edit(change: str) -> dict[str, Any]:
    d = copy.deepcopy(BASE)
    transitions: list[dict[str, Any]] = d["transitions"]
    if change.startswith("self_service:"):  # a holder's own shortcut out of enrolled, password only
        name, dest = change.split(":")[1:]
        d["events"][name] = {"inputs": ["password"]}
        transitions.append({"event": name, "from": "enrolled", "to": dest, "guards": ["is_self", "password_valid"]})
    elif change.startswith("admin_shortcut:"):  # an Owner/Admin moves a user out of enrolled, no confirmation
        name = change.split(":")[1]
        d["events"].setdefault(name, {})
        guards = ["same_organisation", {"actor_role_in": ["owner", "admin"]}, "not_self", "actor_recently_verified"]
        transitions.append({"event": name, "from": "enrolled", "to": "locked_out", "guards": guards})
    elif change.startswith("role:"):  # a new organisation role added to every reset guard
        role = change.split(":")[1]
        d["roles"][role] = {"tier": 2, "scope": "organisation"}
        for t in transitions:
            for g in t.get("guards", []):
                if isinstance(g, dict) and "actor_role_in" in g:
                    g["actor_role_in"] = [*g["actor_role_in"], role]
    else:  # a policy knob past its bound
        key, value = change.split("=")
        d["policy"][key] = float(value)
    return d


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("self_service:change_phone:setup_in_progress", "without a code of the bound secret"),
        ("self_service:new_device:unenrolled", "without a code of the bound secret"),
        ("admin_shortcut:start_setup", "without the Reset/Cancel confirmation step"),
        ("admin_shortcut:suspend", "without the Reset/Cancel confirmation step"),
        ("role:helpdesk", "only an Owner or Admin may reset"),
        ("role:auditor", "only an Owner or Admin may reset"),
        ("backoff_max_seconds=0", "no back-off"),
        ("backoff_max_seconds=0.5", "no back-off"),
        ("drift_window=2", "drift window of 2 steps"),
    ],
)
def test_edits_that_break_the_rules_are_refused(change: str, words: str) -> None:
    text = yaml.safe_dump(_edit(change), sort_keys=False)
    with pytest.raises(SpecError, match=words):
        parse_spec(text, file="edited.yaml")


def test_validate_refuses_with_exit_2_and_one_line_per_problem(tmp_path: Path) -> None:
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(_edit("self_service:change_phone:setup_in_progress"), sort_keys=False))
    done = subprocess.run(
        [sys.executable, "-m", "twofa_fsm_tools.cli", "validate", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "edited.yaml:" in done.stderr and "fix:" in done.stderr


def test_the_shipped_specs_and_a_knowing_wide_drift_pass() -> None:
    for name in ("twofa.yaml", "article.yaml"):
        parse_spec((ROOT / "spec" / name).read_text(encoding="utf-8"), file=name)
    d = _edit("drift_window=2")
    d["policy"]["drift_widened_knowingly"] = True
    parse_spec(yaml.safe_dump(d, sort_keys=False), file="wide.yaml")
