"""Run the checks on each mutant: validation, the exhaustive checker, the scenario library."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from twofa_fsm import Spec, SpecError
from twofa_fsm.spec.loader import parse_spec_data
from twofa_fsm.spec.yamlsafe import load_yaml
from twofa_fsm_tools.checker.cache import remembered_explore
from twofa_fsm_tools.mutation.analysis import analysed
from twofa_fsm_tools.mutation.equivalent import EQUIVALENT
from twofa_fsm_tools.mutation.kinds import Mutant
from twofa_fsm_tools.scenario.runner import run_scenario_file


@dataclass(frozen=True)
class Verdict:
    id: str
    kind: str
    description: str
    status: str  # killed, survived, equivalent
    killed_by: tuple[str, ...]  # validate / checker / scenarios / hypothesis
    detail: str
    seconds: float


def scenarios_for(spec_path: str | Path, folder: str | Path) -> list[Path]:
    """The scenario files of ``folder`` written for ``spec_path``."""
    want = Path(spec_path).resolve()
    root = Path(__file__).resolve().parents[2]
    out: list[Path] = []
    for path in sorted(Path(folder).rglob("*.yaml")):
        try:
            data, _ = load_yaml(path)
        except SpecError:
            continue
        spec = data.get("spec") if isinstance(data, dict) else None
        if isinstance(spec, str) and ((root / spec).resolve() == want or Path(spec).resolve() == want):
            out.append(path)
    return out


KILLERS = ("validate", "checker", "scenarios", "hypothesis")


def judge(mutant: Mutant, scenario_files: list[Path], *, quick: bool = False, hypothesis: bool = False) -> Verdict:
    """Run every killer on ``mutant`` (validation first: an invalid spec goes no further), so the verdict says
    which of them would kill it."""
    started = time.perf_counter()
    spec, problems = parse_spec_data(mutant.data, {}, f"<mutant {mutant.id}>")
    killers: list[str] = []
    details: list[str] = []
    fired: set[str] = set()
    if problems or spec is None:
        killers.append("validate")
        details.append(problems[0].problem)
    else:
        try:
            details += _checker(spec, quick, killers, fired)
        except Exception as err:  # a broken spec that makes the world itself fail is caught too
            killers.append("checker")
            details.append(f"checker: the world broke ({type(err).__name__}: {err})")
        details += _scenarios(spec, scenario_files, killers)
        if hypothesis:
            details += _hypothesis(spec, killers)
    # the analysis needs the whole search: the quick mode explores two worlds only
    shown = None if quick else analysed(mutant, fired)
    reason = None if killers else (EQUIVALENT.get(mutant.id) or shown)
    status = "killed" if killers else ("equivalent" if reason else "survived")
    if reason:
        details.append(reason)
    return Verdict(
        mutant.id,
        mutant.kind,
        mutant.description,
        status,
        tuple(killers),
        "; ".join(details),
        time.perf_counter() - started,
    )


def _checker(spec: Spec, quick: bool, killers: list[str], fired: set[str]) -> list[str]:
    # remembered: a re-run after adding a scenario (how a survivor gets killed) runs only the scenarios again
    result = remembered_explore(spec, quick=quick, stop_on_violation=True, lean=True)
    fired |= result.fired
    if result.violations:
        v = result.violations[0]
        killers.append("checker")
        return [f"checker: {v.prop} ({v.message}; {len(v.path)} steps)"]
    return []


def _hypothesis(spec: Spec, killers: list[str]) -> list[str]:
    from twofa_fsm_tools.mutation.hypothesis_killer import hypothesis_kills

    found = hypothesis_kills(spec)
    if found is None:
        return []
    killers.append("hypothesis")
    return [f"hypothesis: {found}"]


def _scenarios(spec: Spec, files: list[Path], killers: list[str]) -> list[str]:
    failed: list[str] = []
    for path in files:
        try:
            result = run_scenario_file(path, spec_override=spec)
            if not result.passed:
                failed.append(result.name)
        except Exception:  # a scenario that cannot run on the mutant catches it too
            failed.append(f"{path.stem} (cannot run on this spec)")
    if failed:
        killers.append("scenarios")
        return [f"scenarios: {', '.join(failed[:3])}" + (f" and {len(failed) - 3} more" if len(failed) > 3 else "")]
    return []


def _judge_args(args: tuple[Mutant, list[Path], bool, bool]) -> Verdict:
    return judge(args[0], args[1], quick=args[2], hypothesis=args[3])


def run_all(
    mutants: Iterable[Mutant],
    scenario_files: list[Path],
    *,
    jobs: int = 1,
    quick: bool = False,
    hypothesis: bool = False,
) -> Iterator[Verdict]:
    work = [(m, scenario_files, quick, hypothesis) for m in mutants]
    if jobs <= 1:
        yield from map(_judge_args, work)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_judge_args, work, chunksize=1)


def matrix(verdicts: list[Verdict]) -> dict[str, dict[str, int]]:
    """Per mutant class: how many mutants, how many each killer kills, how many are equivalent or survive."""
    out: dict[str, dict[str, int]] = {}
    for v in verdicts:
        row = out.setdefault(v.kind, {"mutants": 0, **dict.fromkeys(KILLERS, 0), "equivalent": 0, "survived": 0})
        row["mutants"] += 1
        for killer in v.killed_by:
            row[killer] += 1
        if v.status in ("equivalent", "survived"):
            row[v.status] += 1
    return dict(sorted(out.items()))
