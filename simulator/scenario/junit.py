"""JUnit XML of a run: one test suite per spec, one test case per scenario and spec.

A case's name carries its spec (``lost-phone[twofa]``); its properties carry the known weaknesses it
showed and any attacker access; a failure carries the failure trace and the replayable scenario, an
errored file its one-line error.
"""

from __future__ import annotations

import platform
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from twofa_fsm_tools.scenario.records import ScenarioResult
from twofa_fsm_tools.scenario.terminal import failure_trace, replay_yaml, short_path


def to_junit(results: list[ScenarioResult]) -> ET.ElementTree[ET.Element]:
    root = ET.Element("testsuites", {"name": "twofa-fsm simulate", **_counts(results)})
    by_spec: dict[str, list[ScenarioResult]] = {}
    for r in results:
        by_spec.setdefault(r.spec_name or "unloaded", []).append(r)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    for spec, group in by_spec.items():
        attrs = {"name": f"twofa-fsm scenarios on {spec}", "skipped": "0", "timestamp": stamp}
        attrs |= {"hostname": platform.node() or "localhost", **_counts(group)}
        suite = ET.SubElement(root, "testsuite", attrs)
        for r in group:
            _case(suite, r, spec)
    ET.indent(root)
    return ET.ElementTree(root)


def _counts(results: list[ScenarioResult]) -> dict[str, str]:
    return {
        "tests": str(len(results)),
        "failures": str(sum(not r.passed and not r.error for r in results)),
        "errors": str(sum(bool(r.error) for r in results)),
        "time": f"{sum(r.duration for r in results):.3f}",
    }


def _case(suite: ET.Element, r: ScenarioResult, spec: str) -> None:
    case = ET.SubElement(
        suite, "testcase", name=f"{r.name}[{spec}]", classname=f"scenarios.{spec}.{Path(r.path).stem}", file=r.path,
        time=f"{r.duration:.3f}",
    )  # fmt: skip
    if r.error:
        ET.SubElement(case, "error", message=r.error, type="SpecError").text = r.error
        return
    props = ET.SubElement(case, "properties")
    ET.SubElement(props, "property", name="spec", value=short_path(r.spec_path))
    weaknesses = ", ".join(f"step {w.step}" for w in r.known_weaknesses)
    ET.SubElement(props, "property", name="known_weaknesses", value=weaknesses or "none")
    ET.SubElement(props, "property", name="attacker_access", value="; ".join(r.breaches) or "none")
    if not r.passed:
        failure = ET.SubElement(
            case, "failure", message=f"{len(r.failures)} expectation(s) failed; first: {r.failures[0]}",
            type="ScenarioFailure",
        )  # fmt: skip
        failure.text = failure_trace(r) + "\n\n" + replay_yaml(r)
    out = ET.SubElement(case, "system-out")
    out.text = f"spec {short_path(r.spec_path)}; {len(r.steps)} events; edges: " + ", ".join(
        f"{s}-{e}->{d}" for s, e, d in sorted(r.edges())
    )
