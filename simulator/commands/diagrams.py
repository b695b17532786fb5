"""``twofa-fsm diagrams``: write every spec's DOT, SVG, PNG, Mermaid and role matrix."""

from __future__ import annotations

from pathlib import Path

import click

from twofa_fsm_tools.commands.common import exit_on_problems, fail, one_line_errors


@click.command()
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--spec-dir",
    default="spec",
    show_default=True,
    type=click.Path(file_okay=False),
    help="draw every *.yaml spec in it (when no SPECS are given)",
)
@click.option(
    "--out", default="diagrams", show_default=True, type=click.Path(file_okay=False), help="where to write the files"
)
@click.option(
    "--scenarios",
    default="simulator/scenarios",
    show_default=True,
    type=click.Path(file_okay=False),
    help="scenarios drawn as sequence diagrams on each spec's Markdown page (those that run on it)",
)
@one_line_errors
def diagrams(specs: tuple[str, ...], spec_dir: str, out: str, scenarios: str) -> None:
    """Draw specs: NAME.dot, .svg, .png, .mmd (Mermaid), .matrix.md and the Markdown page NAME.md per spec
    (Mermaid state diagram, matrix, each scenario's sequence diagram), byte-identical on re-runs.

    A malformed spec is refused with the same message as `twofa-fsm validate` and nothing is written.
    """
    from twofa_fsm import load_spec, spec_problems
    from twofa_fsm_tools.diagrams.files import PAGE_SUFFIX, outputs, spec_files, write_outputs
    from twofa_fsm_tools.diagrams.render import DOT_HINT, have_dot
    from twofa_fsm_tools.review.markdown import spec_page_for

    paths = [Path(p) for p in specs] if specs else spec_files(spec_dir)
    if not paths:
        fail(f"{spec_dir}: no spec files (*.yaml) here; fix: pass --spec-dir DIR or SPEC files")
    exit_on_problems(problem for path in paths for problem in spec_problems(str(path)))
    folder = Path(scenarios)
    scenario_files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    render = have_dot()
    for path in paths:
        spec = load_spec(str(path))
        stem = path.name.rsplit(".", 1)[0]
        files = outputs(spec, stem, with_renders=render)
        files[f"{stem}{PAGE_SUFFIX}"] = spec_page_for(path, stem, scenario_files, folder).encode("utf-8")
        for written in write_outputs(out, files):
            click.echo(f"wrote {written}")
    if not render:
        click.echo(f"twofa-fsm: note: {DOT_HINT}; wrote DOT, Mermaid and matrix files only", err=True)
