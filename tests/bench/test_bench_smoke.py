"""The benchmark code runs and produces numbers (tiny counts; no timing assertions)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is not an installed package
    sys.path.insert(0, str(ROOT))

from benchmarks.run import ITEMS, run  # noqa: E402


@pytest.mark.bench
def test_quick_run_produces_numbers(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    rep = run(ITEMS, quick=True, out=out, echo=False)

    assert set(rep.seconds) == set(ITEMS)
    expected = {
        "api_us",
        "raw_us",
        "api_vs_raw",
        "per_account_vs_api",
        "psm_live_vs_api",
        "web_us",
        "totp_us",
        "mem_account_json",
        "mem_transitions",
        "checker_twofa.yaml_seconds",
        "help_ms",
        "validate_ms",
    }
    assert expected <= set(rep.numbers)
    for name in expected:
        value = rep.numbers[name]
        assert math.isfinite(value) and value > 0, (name, value)
    assert rep.targets and all(
        t.met is None for t in rep.targets if "checker" in t.what
    )  # --quick never judges the checker
    text = out.read_text(encoding="utf-8")
    assert "## Targets" in text and "## 1. One event" in text and "## 7. Start-up" in text
