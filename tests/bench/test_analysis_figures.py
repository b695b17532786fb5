"""The analysis at the end of benchmarks/RESULTS.md quotes only figures its tables show.

Every measured figure the analysis (``benchmarks/analysis.md``) writes, a number with a unit (µs, ms, s,
×, B, KiB, MiB, %, states per second, events per second), must appear in the generated part of
RESULTS.md (the targets and the tables above the analysis), so that a re-run that changes the tables
makes a stale analysis fail here instead of contradicting them.  Limits quoted as targets (after ≤, ≥,
<, >) are not measurements and are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
ANALYSIS = ROOT / "benchmarks" / "analysis.md"
FIGURE = re.compile(r"(?<![≤≥<>\w.,])(\d[\d,]*(?:\.\d+)?)\s?(µs|ms|s\b|×|B\b|KiB|MiB|%|states per second|events/s)")


LIMIT = re.compile(r"[≤≥<>]\s?\d[\d,]*(?:\.\d+)?")


def figures(text: str) -> set[tuple[str, str]]:
    return {(n, unit) for n, unit in FIGURE.findall(LIMIT.sub("", text))}


def test_every_figure_of_the_analysis_is_in_the_tables() -> None:
    analysis = ANALYSIS.read_text(encoding="utf-8")
    results = RESULTS.read_text(encoding="utf-8")
    assert analysis.strip() in results, "RESULTS.md is stale: run make bench (it appends analysis.md)"
    tables = results.split(analysis.strip())[0]
    shown = {n for n, _ in figures(tables)} | set(re.findall(r"\d[\d,]*(?:\.\d+)?", tables))
    quoted = figures(analysis)
    assert quoted, "the analysis quotes no figure at all"
    missing = sorted(f"{n} {unit}" for n, unit in quoted if n not in shown)
    assert missing == [], f"the analysis quotes figures the tables do not show: {missing}"


def test_the_check_finds_a_figure_that_is_not_there() -> None:
    assert figures("the checker took 14.2 s and 1.36× the peer") == {("14.2", "s"), ("1.36", "×")}
    assert figures("target ≤ 1.3× and < 30 s") == set()
