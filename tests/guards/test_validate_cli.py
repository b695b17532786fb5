"""`twofa-fsm validate` runs the solver after the library's checks: errors exit 2, warnings do not."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from twofa_fsm_tools.cli import main

ROOT = Path(__file__).resolve().parents[2]
TWOFA = ROOT / "spec" / "twofa.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, old: str, new: str) -> str:
    text = TWOFA.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "spec.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return str(path)


def test_shipped_specs_are_valid() -> None:
    code, out, err = run(str(TWOFA), str(ROOT / "spec" / "article.yaml"))
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"{TWOFA}: valid", f"{ROOT / 'spec' / 'article.yaml'}: valid"]


def test_a_vacuous_transition_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "guards: [actor_is_system, setup_timed_out]",
        "guards: [actor_is_system, setup_timed_out, setup_not_timed_out]",
    )
    code, out, err = run(path)
    assert code == 2 and out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"twofa-fsm: error: {path}:") and "transitions[3].guards" in line
    assert "can never fire from 'setup_in_progress'" in line and "; fix: " in line and "Traceback" not in err


def test_a_completeness_gap_is_a_warning_and_the_spec_stays_valid(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "    from: [enrolled, setup_in_progress]\n    to: locked_out",
        "    from: [enrolled]\n    to: locked_out",
    )
    code, out, err = run(path)
    assert code == 0 and out == f"{path}: valid\n"
    (line,) = err.splitlines()
    assert line.startswith(f"twofa-fsm: warning: {path}:") and "never locks" in line


def test_the_dropped_came_from_adds_witnesses_to_the_librarys_errors(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "    guards: [{came_from: locked_out}, same_organisation, {actor_role_in: [owner, admin, support]}",
        "    guards: [same_organisation, {actor_role_in: [owner, admin, support]}",
    )
    code, _, err = run(path)
    assert code == 2
    lines = err.splitlines()
    assert all(line.startswith("twofa-fsm: error: ") for line in lines)
    solver = [line for line in lines if "z3 finds a context" in line]
    assert len(solver) == 3 and all("came_from=" in line for line in solver)
    assert len(lines) > len(solver)  # the library's own (syntactic) errors come first


def test_a_malformed_spec_gets_only_the_librarys_message() -> None:
    code, _, err = run(str(ROOT / "tests" / "specs" / "bad" / "unknown_dest_state.yaml"))
    assert code == 2 and len(err.splitlines()) == 1 and "unknown state 'enroled'" in err
