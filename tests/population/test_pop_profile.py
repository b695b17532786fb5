"""Profiles: the default one documents every field; bad files and arguments are one line, exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pop_helpers import run_cli
from pydantic import BaseModel

from twofa_fsm_tools.population.profile import DEFAULT_PROFILE, Profile, load_profile


def _fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for name, info in model.model_fields.items():
        out.add(prefix + name)
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            out |= _fields(info.annotation, f"{prefix}{name}.")
    return out


def _keys(data: dict[str, Any], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, value in data.items():
        out.add(prefix + key)
        if isinstance(value, dict) and "kind" not in value:
            out |= _keys(value, f"{prefix}{key}.")
    return out


def test_default_profile_lists_every_field_with_the_defaults() -> None:
    data = yaml.safe_load(DEFAULT_PROFILE.read_text(encoding="utf-8"))
    assert _keys(data) == _fields(Profile)
    assert load_profile().model_copy(update={"description": ""}) == Profile()


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("users:\n  login_probabilty: 0.5\n", 2, "did you mean 'login_probability'"),
        ("devices:\n  lose_phone: 2\n", 2, "devices.lose_phone"),
        ("admins:\n  response_delay_hours: {kind: lognormal, median: 3, p95: 1}\n", 2, "p95 (1.0) is below the median"),
        ("admins:\n  response_delay_hours: {kind: gamma, median: 3}\n", 2, "set 'kind:'"),
        ("users: [1, 2]\n", 1, "users"),
        ("name: x\nname: y\n", 2, "duplicate key"),
    ],
)
def test_bad_profile_is_one_line_and_exit_2(tmp_path: Path, text: str, line: int, words: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    result = run_cli("--users", "10", "--days", "2", "--profile", str(bad))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"twofa-fsm: error: {bad}:{line}: ")
    assert words in lines[0] and "fix:" in lines[0]
    assert "Traceback" not in result.output and result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [("--users", "0"), ("--jobs", "two"), ("--days", "-3"), ("--profile", "no/such.yaml"), ("--spec", "no/such.yaml")],
)
def test_bad_arguments_are_one_line_and_exit_2(args: tuple[str, str]) -> None:
    result = run_cli("--users", "10", "--days", "2", *args) if args[0] != "--users" else run_cli(*args)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("twofa-fsm: error: ")
