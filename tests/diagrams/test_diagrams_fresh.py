"""Committed diagrams are what the specs generate now, byte for byte, and re-runs are identical."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from twofa_fsm_tools.cli import main
from twofa_fsm_tools.diagrams.files import RENDER_SUFFIXES, TEXT_SUFFIXES, spec_files
from twofa_fsm_tools.diagrams.render import dot_version, have_dot, svg_graphviz_version

ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = ROOT / "spec"
COMMITTED = ROOT / "diagrams"
STEMS = [p.stem for p in spec_files(SPEC_DIR)]
REGENERATE = "regenerate them with `twofa-fsm diagrams` and commit diagrams/"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diagrams")
    result = CliRunner().invoke(main, ["diagrams", "--spec-dir", str(SPEC_DIR), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _renders_comparable(stem: str) -> None:
    if not have_dot():
        pytest.skip("Graphviz's `dot` is not installed: SVG/PNG freshness not checked (apt-get install graphviz)")
    committed = svg_graphviz_version((COMMITTED / f"{stem}.svg").read_text(encoding="utf-8"))
    local = dot_version()
    if committed != local:
        pytest.skip(
            f"committed renders come from Graphviz {committed}, this machine has {local}: layouts differ between "
            "versions"
        )


def test_every_spec_has_diagrams() -> None:
    assert STEMS, "no specs found in spec/"
    expected = {f"{stem}{suffix}" for stem in STEMS for suffix in TEXT_SUFFIXES + RENDER_SUFFIXES}
    present = {p.name for p in COMMITTED.iterdir() if p.is_file()}
    assert not expected - present, f"missing in diagrams/: {sorted(expected - present)}; {REGENERATE}"
    assert not present - expected, f"stale files in diagrams/ (no spec makes them): {sorted(present - expected)}"


@pytest.mark.parametrize("suffix", TEXT_SUFFIXES)
@pytest.mark.parametrize("stem", STEMS)
def test_text_diagrams_are_fresh(generated: Path, stem: str, suffix: str) -> None:
    name = f"{stem}{suffix}"
    assert (generated / name).read_bytes() == (COMMITTED / name).read_bytes(), f"diagrams/{name} is stale: {REGENERATE}"


@pytest.mark.parametrize("suffix", RENDER_SUFFIXES)
@pytest.mark.parametrize("stem", STEMS)
def test_rendered_diagrams_are_fresh(generated: Path, stem: str, suffix: str) -> None:
    _renders_comparable(stem)
    name = f"{stem}{suffix}"
    assert (generated / name).read_bytes() == (COMMITTED / name).read_bytes(), f"diagrams/{name} is stale: {REGENERATE}"


def test_reruns_are_byte_identical(generated: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diagrams", "--spec-dir", str(SPEC_DIR), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    first = {p.name: p.read_bytes() for p in generated.iterdir()}
    second = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert first == second
