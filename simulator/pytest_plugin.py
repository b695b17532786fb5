"""A pytest plugin: scenario files from any folder a tester names, one test per scenario and spec.

    pytest --twofa-scenarios DIR [--twofa-spec SPEC ...] [-m TAG] [-k NAME]

or, in the tester's ``pytest.ini`` / ``pyproject.toml``: ``twofa_scenarios = DIR ...``.  Each scenario
runs on its own spec (and on every ``--twofa-spec``); its ``tags:`` are pytest marks, so ``-m`` selects
them; a failure is reported with the scenario's failure trace.  Registered through the ``pytest11``
entry point, so it is there once twofa-fsm is installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("twofa-fsm", "twofa-fsm scenarios")
    group.addoption(
        "--twofa-scenarios", action="append", default=[], metavar="DIR", help="collect twofa-fsm scenario files"
    )
    group.addoption(
        "--twofa-spec", action="append", default=[], metavar="SPEC", help="also run every scenario on this spec"
    )
    parser.addini("twofa_scenarios", "folders of twofa-fsm scenario files", type="paths", default=[])


def _folders(config: pytest.Config) -> list[Path]:
    given = [Path(p) for p in config.getoption("twofa_scenarios")]
    return [p.resolve() for p in [*given, *config.getini("twofa_scenarios")]]


def _tags(path: Path) -> list[str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return []
    tags = data.get("tags", []) if isinstance(data, dict) else []
    return [t for t in tags if isinstance(t, str)]


def pytest_configure(config: pytest.Config) -> None:
    folders = _folders(config)
    for folder in folders:
        for path in sorted(folder.rglob("*.yaml")):
            for tag in _tags(path):
                config.addinivalue_line("markers", f"{tag}: twofa-fsm scenarios tagged '{tag}'")
    config.args.extend(str(f) for f in folders if str(f) not in config.args)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    folders = _folders(parent.config)
    if file_path.suffix == ".yaml" and any(file_path.resolve().is_relative_to(f) for f in folders):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        specs: list[str | None] = [None, *self.config.getoption("twofa_spec")]
        tags = _tags(self.path)
        for spec in specs:
            name = self.path.stem if spec is None else f"{self.path.stem}[{Path(spec).stem}]"
            item = ScenarioItem.from_parent(self, name=name, spec=spec)
            for tag in tags:
                item.add_marker(tag)
            yield item


class ScenarioItem(pytest.Item):
    def __init__(self, *, spec: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        from twofa_fsm_tools.scenario import run_scenario_file

        result = run_scenario_file(self.path, spec_override=self.spec)
        if not result.passed:
            raise ScenarioFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            from twofa_fsm_tools.scenario.terminal import failure_trace

            return failure_trace(excinfo.value.result)
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"scenario {self.name}"


class ScenarioFailed(Exception):
    def __init__(self, result: Any) -> None:
        super().__init__(f"scenario {result.name} failed")
        self.result = result
