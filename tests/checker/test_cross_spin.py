"""The SPIN cross-check: the built-in checker and SPIN on the generated Promela model agree, property by
property, on both shipped specs and on a sample of mutants; a broken export makes them disagree; SPIN's
counterexamples replay with ``twofa-fsm simulate``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from twofa_fsm import Spec, load_spec
from twofa_fsm.spec.loader import parse_spec_data
from twofa_fsm_tools.checker.cross import VIOLATED, CrossResult, cross_check
from twofa_fsm_tools.checker.cross_spin import missing_tools
from twofa_fsm_tools.checker.liveness import liveness
from twofa_fsm_tools.checker.search import explore
from twofa_fsm_tools.mutation.mutants import generate

ROOT = Path(__file__).resolve().parents[2]
WORLD = (("member", True),)  # the lowest role, set up: the article's story; every property can break here

pytestmark = pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))

# one or two mutants per class that validate (the others are refused by validation before any search)
MUTANTS = (
    "drop-guard/t1:verify_setup@setup_in_progress/not_backed_off",
    "drop-guard/t7:request_reset@enrolled+locked_out+unenrolled+setup_in_progress/actor_recently_verified",
    "drop-role/t7:request_reset@enrolled+locked_out+unenrolled+setup_in_progress/admin",
    "drop-effect/t8:confirm_reset@reset_pending/notify",
    "skip-token/all",
    "add-into-enrolled/login@locked_out",
    "add-event/t1:verify_setup@setup_in_progress@unenrolled",
)


def _cross(spec: Spec, path: str, out: Path | None, *, live: bool = False, **kwargs: object) -> CrossResult:
    result = explore(spec, worlds=WORLD, lean=not live, pairs=False)
    found = liveness(spec, WORLD) if live else None
    return cross_check(spec, path, result, found, WORLD, lean=not live, out_dir=out, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> CrossResult:
    return _cross(
        load_spec(ROOT / "spec/article.yaml"), "spec/article.yaml", tmp_path_factory.mktemp("spin"), live=True
    )


def _verdicts(cross: CrossResult) -> dict[str, tuple[str, str]]:
    return {r.prop: (r.builtin, r.spin) for r in cross.rows}


def test_agrees_on_the_hardened_spec() -> None:
    cross = _cross(load_spec(ROOT / "spec/twofa.yaml"), "spec/twofa.yaml", None, live=True)
    assert cross.agrees, [(r.prop, r.builtin, r.spin) for r in cross.rows if not r.agrees]
    verdicts = _verdicts(cross)
    assert verdicts["attacker_never_gains_access"] == ("holds", "holds")
    assert verdicts["pending_reset_ends"] == ("holds", "holds")
    assert verdicts["locked_out_regains_access"] == (VIOLATED, VIOLATED)  # the request/cancel loop


def test_agrees_on_the_article_spec_and_finds_the_reset_window(article: CrossResult) -> None:
    assert article.agrees, [(r.prop, r.builtin, r.spin) for r in article.rows if not r.agrees]
    verdicts = _verdicts(article)
    assert verdicts["attacker_never_gains_access"] == (VIOLATED, VIOLATED)
    assert verdicts["reset_deletes_and_notifies"] == (VIOLATED, VIOLATED)
    assert verdicts["code_used_once"] == ("holds", "holds")
    assert article.checkers()["attacker_never_gains_access"] == {"builtin": VIOLATED, "spin": VIOLATED}


def test_a_spin_counterexample_replays_with_simulate(article: CrossResult) -> None:
    row = next(r for r in article.rows if r.prop == "attacker_never_gains_access")
    assert row.spin_scenario is not None
    done = subprocess.run(
        [str(Path(sys.executable).parent / "twofa-fsm"), "simulate", row.spin_scenario],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # the attacker gains access: the security rule fails
    assert "attacker access" in done.stdout


def test_a_broken_export_disagrees() -> None:
    spec = load_spec(ROOT / "spec/twofa.yaml")
    index = next(i for i, t in enumerate(spec.transitions) if t.guard("bound_code_valid"))  # the login's code
    cross = _cross(spec, "spec/twofa.yaml", None, drop_guard=(index, "bound_code_valid"))
    assert not cross.agrees
    wrong = {r.prop for r in cross.rows if not r.agrees}
    assert "attacker_never_gains_access" in wrong
    row = next(r for r in cross.rows if r.prop == "attacker_never_gains_access")
    assert (row.builtin, row.spin) == ("holds", VIOLATED) and row.spin_path


@pytest.fixture(scope="module")
def mutants() -> dict[str, Spec]:
    out: dict[str, Spec] = {}
    for m in generate(load_spec(ROOT / "spec/twofa.yaml")):
        if m.id in MUTANTS:
            spec, problems = parse_spec_data(m.data, {}, m.id)
            assert spec is not None, problems
            out[m.id] = spec
    return out


@pytest.mark.parametrize("mutant_id", MUTANTS)
def test_agrees_on_mutants(mutants: dict[str, Spec], mutant_id: str) -> None:
    cross = _cross(mutants[mutant_id], mutant_id, None)
    assert cross.agrees, [(r.prop, r.builtin, r.spin) for r in cross.rows if not r.agrees]
