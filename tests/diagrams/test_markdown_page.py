"""diagrams/NAME.md: the lifecycle, who may do what (and on whom), and every scenario on the spec as a sequence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from twofa_fsm import load_spec
from twofa_fsm_tools.diagrams import graph_of
from twofa_fsm_tools.diagrams.whom import targets
from twofa_fsm_tools.review.markdown import spec_page_for
from twofa_fsm_tools.scenario.loading import load_scenario
from twofa_fsm_tools.scenario.runner import resolve_spec

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "simulator" / "scenarios"


def _names_on(spec: Path) -> list[str]:
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario, lines = load_scenario(path)
        if resolve_spec(scenario.spec, str(path), lines).resolve() == spec.resolve():
            out.append(scenario.name)
    return out


@pytest.mark.parametrize("stem", ["twofa", "article"])
def test_page_has_the_lifecycle_the_matrix_and_every_scenario(stem: str) -> None:
    spec_path = ROOT / "spec" / f"{stem}.yaml"
    page = (ROOT / "diagrams" / f"{stem}.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```mermaid\n(.*?)```", page, re.S)
    assert "stateDiagram-v2" in blocks[0]
    spec = load_spec(spec_path)
    for state in spec.states:
        assert f'state "{state}" as {state}' in blocks[0]
    graph = graph_of(spec)
    for role in graph.role_info:
        if role.scope == "organisation":
            whom = ", ".join(targets(graph, role.name))
            assert f"| {role.name} | {role.tier} | organisation | tier ≤ {role.tier}: {whom} |" in page
    assert "| from | event | to |" in page
    names = _names_on(spec_path)
    assert names and re.findall(r"^### ([a-z0-9-]+) \(", page, re.M) == names
    sequences = [b for b in blocks if b.startswith("sequenceDiagram")]
    assert len(sequences) == len(names)


def test_sequences_mark_refusals_attackers_and_mail() -> None:
    page = (ROOT / "diagrams" / "twofa.md").read_text(encoding="utf-8")
    story = page.split("### phished-reset-window-twofa", 1)[1].split("\n### ", 1)[0]
    assert "actor mallory as mallory (attacker)" in story and "box rgb(252, 228, 226) attackers" in story
    assert "mallory-xservice: 5. start_setup (alice's account) — ✕ refused GuardFailed" in story
    assert "rect rgb(252, 228, 226)" in story  # an attacker's steps on a red band
    assert "service-->>mail_alice: ✉" in story and "mail_alice-->>alice: token" in story
    for kind in ("user", "person", "attacker", "system"):
        assert f"classDef {kind} fill:" in story and f"classDef {kind}_refused " in story
    assert ":::attacker_refused" in story and ":::user" in story


def test_page_is_deterministic_and_names_no_absolute_path(tmp_path: Path) -> None:
    spec = ROOT / "spec" / "twofa.yaml"
    files = sorted(SCENARIOS.glob("*.yaml"))
    first = spec_page_for(spec, "twofa", files, SCENARIOS)
    assert first == spec_page_for(spec, "twofa", files, SCENARIOS)
    assert str(ROOT) not in first
