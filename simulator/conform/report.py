"""A conformance run's outputs: the summary lines, the divergence scenario files, JSON and JUnit XML.

Nothing here shows a password, code, token, setup handle or session id: verdicts hold states, reply
kinds and delivery kinds only.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

from twofa_fsm_tools.conform.run import Verdict, scenario_yaml


def summary(verdicts: list[Verdict]) -> list[str]:
    """One line per suite (cases passed, diverged, skipped, seconds), then one per divergence."""
    lines = []
    for suite in dict.fromkeys(v.case.suite for v in verdicts):
        mine = [v for v in verdicts if v.case.suite == suite]
        counts = Counter(v.status for v in mine)
        took = sum(v.seconds for v in mine)
        lines.append(
            f"{suite}: {len(mine)} cases, {counts['passed']} conform, {counts['diverged']} diverge, "
            f"{counts['skipped']} skipped ({took:.1f} s)"
        )
    for v in verdicts:
        if v.status == "diverged":
            lines.append(f"  DIVERGED {v.case.suite}/{v.case.name}: {v.detail}")
    return lines


def skipped_reasons(verdicts: list[Verdict]) -> list[str]:
    return [f"  skipped {v.case.suite}/{v.case.name}: {v.detail}" for v in verdicts if v.status == "skipped"]


def write_divergences(verdicts: list[Verdict], out_dir: str | Path) -> list[Path]:
    """Each divergence as a scenario file ``OUT/NAME.yaml`` (replay it with ``twofa-fsm simulate``)."""
    written = []
    for v in verdicts:
        if v.divergence is None:
            continue
        data = v.divergence.scenario
        path = Path(out_dir) / f"{data['name']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(scenario_yaml(data), encoding="utf-8")
        written.append(path)
    return written


def to_json(verdicts: list[Verdict], meta: dict[str, Any]) -> dict[str, Any]:
    cases = []
    for v in verdicts:
        case: dict[str, Any] = {"suite": v.case.suite, "name": v.case.name, "status": v.status,
                                "detail": v.detail, "steps": v.steps, "seconds": round(v.seconds, 4)}  # fmt: skip
        if v.case.covers:
            case["covers"] = list(v.case.covers)
        if v.divergence is not None:
            case["divergence"] = {
                "step": v.divergence.step,
                "differences": [{"what": w, "expected": e, "actual": a} for w, e, a in v.divergence.differences],
                "scenario": v.divergence.scenario["name"],
            }
        cases.append(case)
    return {**meta, "counts": dict(Counter(v.status for v in verdicts)), "cases": cases}


def to_junit(verdicts: list[Verdict]) -> ET.ElementTree[ET.Element]:
    """One test suite per conformance suite, one test case per case (a divergence is a failure)."""
    root = ET.Element("testsuites", name="twofa-fsm conform")
    for suite in dict.fromkeys(v.case.suite for v in verdicts):
        mine = [v for v in verdicts if v.case.suite == suite]
        counts = Counter(v.status for v in mine)
        node = ET.SubElement(root, "testsuite", name=suite, tests=str(len(mine)), failures=str(counts["diverged"]),
                             skipped=str(counts["skipped"]), time=f"{sum(v.seconds for v in mine):.3f}")  # fmt: skip
        for v in mine:
            case = ET.SubElement(node, "testcase", classname=f"conform.{suite}", name=v.case.name,
                                 time=f"{v.seconds:.3f}")  # fmt: skip
            if v.status == "skipped":
                ET.SubElement(case, "skipped", message=v.detail)
            elif v.divergence is not None:
                failure = ET.SubElement(case, "failure", message=v.detail)
                failure.text = scenario_yaml(v.divergence.scenario)
    return ET.ElementTree(root)


__all__ = ["skipped_reasons", "summary", "to_json", "to_junit", "write_divergences"]
