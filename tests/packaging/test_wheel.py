"""The package an embedder installs: the wheel without extras holds the library and the specs only.

Built from this checkout, installed into a fresh virtual environment with no extras, and the
embedding example (examples/article_story.py) run with that environment's interpreter, outside the
source tree: it must work on the library's own dependencies, ``import simulator`` must fail there,
and the tools' command must say which extra it needs instead of a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS_ONLY = ("click", "rich", "graphviz")


# the bare environment must see only what is installed in it: never this checkout through the caller's PYTHONPATH
CLEAN = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        env=CLEAN,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (found,) = out.glob("twofa_fsm-*.whl")
    return found


@pytest.fixture(scope="module")
def bare_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel and nothing but its own dependencies (from the package index)."""
    env = tmp_path_factory.mktemp("venv") / "env"
    venv.create(env, with_pip=True)
    py = env / "bin" / "python"
    got = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
        env=CLEAN,
    )
    if got.returncode != 0 and "No matching distribution" in got.stderr:
        pytest.skip(f"the package index is not reachable to install the wheel's dependencies: {got.stderr[-300:]}")
    assert got.returncode == 0, got.stdout + got.stderr
    return py


def test_wheel_holds_library_specs_and_distinct_tools_name(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"twofa_fsm", "twofa_fsm_tools"}, tops
    assert {"twofa_fsm/specs/twofa.yaml", "twofa_fsm/specs/article.yaml", "twofa_fsm/py.typed"} <= set(names)
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    plain = [line for line in meta.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert plain and not any(dep in line.lower() for line in plain for dep in TOOLS_ONLY), plain


def test_embedding_example_runs_on_the_bare_wheel(bare_env: Path, tmp_path: Path) -> None:
    example = tmp_path / "article_story.py"
    shutil.copy(ROOT / "examples" / "article_story.py", example)
    run = subprocess.run(
        [str(bare_env), str(example)], capture_output=True, text=True, timeout=300, cwd=tmp_path, env=CLEAN
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Mia" in run.stdout and "single-use" in run.stdout
    for dep in TOOLS_ONLY:
        probe = subprocess.run(
            [str(bare_env), "-c", f"import {dep}"], capture_output=True, text=True, cwd=tmp_path, env=CLEAN
        )
        assert probe.returncode != 0, f"{dep} came with the bare install"


def test_no_generic_import_name_and_a_clear_tools_message(bare_env: Path, tmp_path: Path) -> None:
    probe = subprocess.run(
        [str(bare_env), "-c", "import simulator"], capture_output=True, text=True, cwd=tmp_path, env=CLEAN
    )
    assert probe.returncode != 0 and "ModuleNotFoundError" in probe.stderr
    cli = subprocess.run(
        [str(bare_env.parent / "twofa-fsm"), "check", "x.yaml"], capture_output=True, text=True, cwd=tmp_path, env=CLEAN
    )
    assert cli.returncode == 2
    assert cli.stderr.count("\n") == 1 and "pip install 'twofa-fsm[tools]'" in cli.stderr, cli.stderr
    assert "Traceback" not in cli.stderr
