"""`twofa-fsm diagrams` refuses a malformed spec exactly as `twofa-fsm validate` does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from twofa_fsm_tools.cli import main

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "specs" / "bad" / "unknown_dest_state.yaml"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_malformed_spec_argument_is_refused_like_validate(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = _run("diagrams", str(BAD), "--out", str(out))
    v_code, _, v_stderr = _run("validate", str(BAD))
    assert (code, v_code) == (2, 2)
    assert stderr == v_stderr
    assert len(stderr.splitlines()) == 1
    assert "unknown state 'enroled'" in stderr and "Traceback" not in stderr + stdout
    assert not out.exists()


def test_malformed_spec_in_spec_dir_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    spec_dir, out = tmp_path / "spec", tmp_path / "out"
    spec_dir.mkdir()
    shutil.copy(ROOT / "spec" / "twofa.yaml", spec_dir / "twofa.yaml")
    shutil.copy(BAD, spec_dir / "zz_bad.yaml")
    (spec_dir / "schema.json").write_text("{}", encoding="utf-8")
    code, _, stderr = _run("diagrams", "--spec-dir", str(spec_dir), "--out", str(out))
    _, _, v_stderr = _run("validate", str(spec_dir / "zz_bad.yaml"))
    assert code == 2
    assert stderr == v_stderr
    assert not out.exists()


def test_schema_json_is_not_drawn(tmp_path: Path) -> None:
    spec_dir, out = tmp_path / "spec", tmp_path / "out"
    spec_dir.mkdir()
    shutil.copy(ROOT / "spec" / "article.yaml", spec_dir / "article.yaml")
    (spec_dir / "schema.json").write_text("{}", encoding="utf-8")
    code, _, stderr = _run("diagrams", "--spec-dir", str(spec_dir), "--out", str(out))
    assert code == 0, stderr
    assert {p.name.split(".")[0] for p in out.iterdir()} == {"article"}


def test_missing_dot_still_writes_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("twofa_fsm_tools.diagrams.render.shutil.which", lambda name: None)
    code, _, stderr = _run("diagrams", str(ROOT / "spec" / "twofa.yaml"), "--out", str(tmp_path))
    assert code == 0
    assert "Graphviz's 'dot' is not on PATH" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["twofa.dot", "twofa.matrix.md", "twofa.md", "twofa.mmd"]
