"""The files ``twofa-fsm diagrams`` writes for each spec, as bytes (deterministic).

For ``spec/NAME.yaml``: ``NAME.dot``, ``NAME.mmd`` and ``NAME.matrix.md`` (text,
no Graphviz needed), then ``NAME.svg`` and ``NAME.png`` rendered by ``dot``.  The
``twofa-fsm diagrams`` command adds ``NAME.md``, the Markdown page with the
Mermaid diagrams and the scenarios' sequence diagrams (``PAGE_SUFFIX``).
"""

from __future__ import annotations

from pathlib import Path

from twofa_fsm.spec.model import Spec
from twofa_fsm_tools.diagrams.dot import dot_source
from twofa_fsm_tools.diagrams.graph import graph_of
from twofa_fsm_tools.diagrams.mermaid import mermaid_source
from twofa_fsm_tools.diagrams.render import render_dot
from twofa_fsm_tools.diagrams.table import matrix_markdown, role_matrix

PAGE_SUFFIX = ".md"
TEXT_SUFFIXES: tuple[str, ...] = (".dot", ".mmd", ".matrix.md", PAGE_SUFFIX)
RENDER_SUFFIXES: tuple[str, ...] = (".svg", ".png")


def spec_files(spec_dir: str | Path) -> list[Path]:
    """The spec files of a directory, sorted (schema JSON and other files are not specs)."""
    return sorted(p for p in Path(spec_dir).iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))


def text_outputs(spec: Spec, stem: str) -> dict[str, bytes]:
    graph = graph_of(spec)
    matrix = (
        f"# Who may do what: {graph.title}\n\nGenerated from `{stem}` by `twofa-fsm diagrams`; do not edit.\n\n"
        + matrix_markdown(role_matrix(graph))
    )
    return {
        f"{stem}.dot": dot_source(graph).encode("utf-8"),
        f"{stem}.mmd": mermaid_source(graph).encode("utf-8"),
        f"{stem}.matrix.md": matrix.encode("utf-8"),
    }


def rendered_outputs(dot: bytes, stem: str) -> dict[str, bytes]:
    """SVG and PNG of the DOT text (raises ``DotMissing`` without ``dot``)."""
    source = dot.decode("utf-8")
    return {f"{stem}{suffix}": render_dot(source, suffix[1:]) for suffix in RENDER_SUFFIXES}


def outputs(spec: Spec, stem: str, with_renders: bool = True) -> dict[str, bytes]:
    files = text_outputs(spec, stem)
    if with_renders:
        files.update(rendered_outputs(files[f"{stem}.dot"], stem))
    return files


def write_outputs(out_dir: str | Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` into ``out_dir``; a file whose bytes are unchanged is left alone."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, data in files.items():
        path = out / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    return written
