"""Helpers for the population-run tests: run the CLI and read its JSON summary (imported by name)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from twofa_fsm_tools.cli import main

ROOT = Path(__file__).resolve().parents[2]
HARDENED = str(ROOT / "spec" / "twofa.yaml")
ARTICLE = str(ROOT / "spec" / "article.yaml")

# Attacks made likely: many phished users, a gullible help desk, attackers who watch every reset
# and move long before the user comes back to set up again.
ATTACK_PROFILE = """\
name: attack-heavy
devices: {lose_phone: 0.004, delete_app: 0.002, change_phone: 0.004, change_phone_keeps_codes: 0.0, stolen_phone: 0.002}
users:
  resetup_delay_hours: {kind: uniform, low: 0.1, high: 0.8}
admins:
  response_delay_hours: {kind: uniform, low: 0.5, high: 4}
attackers:
  phished_at_start: 0.5
  act_after_hours: {kind: uniform, low: 1, high: 48}
  help_desk: 0.8
  help_desk_fooled: 1.0
  brute_force: 0.0
  watch_reset_window: 1.0
  window_lag_hours: {kind: fixed, hours: 0.02}
"""


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, ["population", *args])


def run_json(tmp_path: Path, *args: str, name: str = "pop.json") -> dict[str, Any]:
    out = tmp_path / name
    result = run_cli(*args, "--json", str(out))
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def write_attack_profile(tmp_path: Path) -> str:
    path = tmp_path / "attack.yaml"
    path.write_text(ATTACK_PROFILE, encoding="utf-8")
    return str(path)
