"""Build the review page through the CLI (shared by the tests in tests/report)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from twofa_fsm_tools.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "twofa.yaml"
SCENARIOS = ROOT / "simulator" / "scenarios"


@dataclass(frozen=True)
class Built:
    index: Path
    html: str
    stdout: str
    stderr: str


def build(out: Path, *extra: str, scenarios: Path | None = None) -> Built:
    result = CliRunner().invoke(
        main, ["report", "--out", str(out), "--spec", str(SPEC), "--scenarios", str(scenarios or SCENARIOS), *extra]
    )
    assert result.exit_code == 0, result.stderr + result.stdout
    index = Path(result.stdout.strip())
    return Built(index, index.read_text(encoding="utf-8"), result.stdout, result.stderr)
