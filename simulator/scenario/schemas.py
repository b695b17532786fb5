"""JSON Schemas generated from the models, written for editors."""

from __future__ import annotations

import json
from pathlib import Path

from twofa_fsm.spec.model import json_schema


def spec_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def write_schemas(out: str | Path = "spec/schema.json") -> list[Path]:
    """Write the spec schema to ``out`` and the scenario schema next to it (scenario.schema.json)."""
    from twofa_fsm_tools.scenario.model import scenario_schema_text

    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(spec_schema_text(), encoding="utf-8")
    scenario = path.parent / "scenario.schema.json"
    scenario.write_text(scenario_schema_text(), encoding="utf-8")
    return [path, scenario]
