"""``check --cross spin`` without spin or gcc: one line, exit 2 (before any search)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_missing_spin_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "twofa-fsm"), "check", "spec/twofa.yaml", "--cross", "spin"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": str(tmp_path)},  # neither spin nor gcc here
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "spin and gcc not found" in lines[0] and "tools/ensure-spin.sh" in lines[0]
    assert done.stdout == ""
