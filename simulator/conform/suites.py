"""The suites, what a driver reference names, and the entry points for a tester's own pytest.

``conformance_cases`` lists the cases (one pytest test each); ``check_case`` runs one against a driver;
``assert_conforms`` does that inside a test (skip, or fail with the divergence as a scenario).
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import os
import sys
from pathlib import Path
from typing import Any

from twofa_fsm import Spec
from twofa_fsm_tools.conform.driver import Driver, is_driver
from twofa_fsm_tools.conform.library import LIBRARY, library_cases
from twofa_fsm_tools.conform.paths import MAX_DEPTH, path_cases
from twofa_fsm_tools.conform.run import Case, Factory, Verdict, run_case, scenario_yaml
from twofa_fsm_tools.conform.walks import run_walks, walk_cases
from twofa_fsm_tools.scenario.stage import spec_at

SUITES = ("scenarios", "paths", "walks")
DEFAULT_SPEC = "spec/twofa.yaml"


class DriverError(ValueError):
    """A ``MODULE:OBJECT`` that names no driver (one line, for the CLI)."""


def _spec(spec: str | Path | Spec) -> Spec:
    return spec if isinstance(spec, Spec) else spec_at(spec)


def _path(spec: str | Path | Spec) -> str:
    return f"<{spec.name}>" if isinstance(spec, Spec) else str(spec)


def conformance_cases(
    spec: str | Path = DEFAULT_SPEC,
    *,
    suites: tuple[str, ...] = SUITES,
    walks: int = 20,
    seed: int = 0,
    folder: str | Path = LIBRARY,
    clock: bool = True,
    max_depth: int = MAX_DEPTH,
) -> list[Case]:
    """Every case of ``suites`` on ``spec`` (a path: the scenario files written for divergences name it).
    ``clock=False``: for a driver that cannot move its system's clock (no generated time moves)."""
    loaded, path = _spec(spec), str(spec)
    out: list[Case] = []
    if "scenarios" in suites:
        out += library_cases(loaded, folder)
    if "paths" in suites:
        out += path_cases(loaded, path, clock=clock, max_depth=max_depth).cases
    if "walks" in suites:
        out += walk_cases(loaded, path, walks=walks, seed=seed)
    return out


def as_factory(driver: Any, spec: str | Path | Spec = DEFAULT_SPEC) -> Factory:
    """A fresh-driver maker from a driver (shared by every case: ids are prefixed per case), or from a
    class or function that makes one (called per case, with the spec's path when it takes an argument)."""
    if is_driver(driver):
        shared: Driver = driver
        return lambda: shared
    if not callable(driver):
        raise DriverError(f"{driver!r} is neither a driver nor a class or function that makes one")
    try:
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                      inspect.Parameter.VAR_POSITIONAL)  # fmt: skip
        takes_spec = any(p.kind in positional for p in inspect.signature(driver).parameters.values())
    except (TypeError, ValueError):
        takes_spec = False
    target = spec if isinstance(spec, Spec) else str(spec)

    def make() -> Driver:
        made = driver(target) if takes_spec else driver()
        if not is_driver(made):
            raise DriverError(f"{getattr(driver, '__name__', driver)!r} made {type(made).__name__}, not a driver "
                              "(see docs/conform.md for the methods a driver has)")  # fmt: skip
        return made  # type: ignore[no-any-return]

    return make


def load_driver(ref: str, spec: str | Path | Spec = DEFAULT_SPEC) -> Factory:
    """``MODULE:OBJECT`` as a driver maker; ``DriverError`` (one line) when it names none."""
    module_name, sep, name = ref.partition(":")
    if not sep or not module_name or not name:
        raise DriverError(f"--driver {ref!r}: expected MODULE:OBJECT, e.g. mypackage.conform:MyDriver")
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as pytest and uvicorn do: a driver module of the tester's project
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise DriverError(f"--driver {ref!r}: cannot import {module_name!r} ({type(err).__name__}: {err})") from None
    obj: Any = module
    for part in name.split("."):
        if not hasattr(obj, part):
            raise DriverError(f"--driver {ref!r}: {module_name!r} has no {name!r}")
        obj = getattr(obj, part)
    try:
        factory = as_factory(obj, spec)
        factory()  # made once now, so that a bad object is bad input, not a failure of every case
    except DriverError as err:
        raise DriverError(f"--driver {ref!r}: {err}") from None
    except Exception as err:
        raise DriverError(f"--driver {ref!r}: making the driver failed ({type(err).__name__})") from None
    return factory


def controls_clock(factory: Factory) -> bool:
    """Whether the driver can move its system's clock (``advance(0)`` answers)."""
    return bool(factory().advance(0))


_RUNS = itertools.count(1)


def check_case(
    case: Case, spec: str | Path | Spec, driver: Any, prefix: str | None = None, *, clock: bool | None = None
) -> Verdict:
    """Run one case against ``driver`` (a driver, or what makes one): its verdict.  ``prefix``: put before
    every id and organisation on the driver (default: a fresh one per call, so a shared backend serves all)."""
    factory = as_factory(driver, spec)
    loaded = _spec(spec)
    prefix = f"k{next(_RUNS)}_" if prefix is None else prefix
    if case.walks:
        moves_time = controls_clock(factory) if clock is None else clock
        return run_walks(case, loaded, factory, prefix, clock=moves_time)
    return run_case(case, loaded, factory, prefix)


def assert_conforms(case: Case, spec: str | Path | Spec, driver: Any, prefix: str | None = None) -> Verdict:
    """In a pytest test: skip a case the driver cannot run, fail with the divergence as a scenario."""
    import pytest

    verdict = check_case(case, spec, driver, prefix)
    if verdict.status == "skipped":
        pytest.skip(verdict.detail)
    if verdict.divergence is not None:
        pytest.fail(f"{verdict.detail}\n\nreplayable scenario:\n{scenario_yaml(verdict.divergence.scenario)}")
    return verdict


__all__ = [
    "DEFAULT_SPEC", "SUITES", "DriverError", "as_factory", "assert_conforms", "check_case", "conformance_cases",
    "controls_clock", "load_driver",
]  # fmt: skip
