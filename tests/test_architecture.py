"""The architecture holds: the import-linter contracts in pyproject.toml, and no import cycle anywhere.

``lint-imports`` checks the contracts (``make lint`` runs it too); its ``acyclic_siblings``
contract only compares siblings, so the whole-tree check is here: no strongly connected
component of more than one module in the import graph of twofa_fsm and twofa_fsm_tools.  Imports
under ``if TYPE_CHECKING:`` are left out (annotations only: they never run), as in the
contracts.  The last tests show that a broken contract does fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
# Run from the repository root, in a fresh interpreter (grimp imports the packages it maps).
IMPORT_GRAPH = """
import json, grimp
g = grimp.build_graph("twofa_fsm", "twofa_fsm_tools", cache_dir=None, exclude_type_checking_imports=True)
print(json.dumps({
    m: {i: [f"{d['line_number']}: {d['line_contents']}" for d in g.get_import_details(importer=m, imported=i)]
        for i in sorted(g.find_modules_directly_imported_by(m))}
    for m in sorted(g.modules)
}))
"""


def lint_imports(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module, each sorted (modules that reach each other)."""
    reach = {m: reachable(graph, m) for m in graph}
    out: list[list[str]] = []
    done: set[str] = set()
    for m in sorted(graph):
        if m in done or m not in reach[m]:  # on a cycle exactly when it reaches itself
            continue
        component = sorted(n for n in reach[m] if m in reach[n])
        done.update(component)
        if len(component) > 1:
            out.append(component)
    return out


def import_graph() -> dict[str, dict[str, list[str]]]:
    """importer -> imported -> the import lines ("LINE: CODE"), built by grimp in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_GRAPH], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    graph: dict[str, dict[str, list[str]]] = json.loads(result.stdout)
    return graph


def describe(graph: dict[str, dict[str, list[str]]], component: list[str]) -> str:
    """Every import inside the cycle, with its line, so the message says what to cut."""
    lines = [f"import cycle among {len(component)} modules:"]
    for importer in component:
        for imported, where in graph[importer].items():
            if imported in component:
                lines += [
                    f"  {importer}:{line.split(': ', 1)[0]} -> {imported}  ({line.split(': ', 1)[1]})" for line in where
                ]
    return "\n".join(lines)


def test_contracts_are_kept() -> None:
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_import_cycle_anywhere() -> None:
    graph = import_graph()
    assert {"twofa_fsm.engine", "twofa_fsm_tools.cli", "twofa_fsm_tools.commands.common"} <= set(
        graph
    )  # the project's modules
    found = cycles({m: set(i) for m, i in graph.items()})
    assert not found, "\n".join(describe(graph, c) for c in found)


def test_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_a_contract_the_tree_breaks_fails(tmp_path: Path) -> None:
    """The project's own configuration, plus a contract the tree breaks: lint-imports fails and says where."""
    broken = tmp_path / "pyproject.toml"
    broken.write_text(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        + "\n[[tool.importlinter.contracts]]\n"
        + 'id = "cli-without-commands"\n'
        + 'name = "The CLI imports no command (false: it assembles them)"\n'
        + 'type = "forbidden"\n'
        + 'source_modules = ["twofa_fsm_tools.cli"]\n'
        + 'forbidden_modules = ["twofa_fsm_tools.commands.check"]\n',
        encoding="utf-8",
    )
    assert len(tomllib.loads(broken.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]) == 6
    result = lint_imports(str(broken))
    assert result.returncode != 0
    assert "5 kept, 1 broken" in result.stdout
    assert "BROKEN" in result.stdout and "twofa_fsm_tools.cli -> twofa_fsm_tools.commands.check" in result.stdout


def test_the_library_importing_the_tools_is_caught(tmp_path: Path) -> None:
    """Contract (a) on a tree that breaks it: a copy named like the project whose library imports the tools."""
    (tmp_path / "twofa_fsm").mkdir()
    (tmp_path / "twofa_fsm" / "__init__.py").write_text("from twofa_fsm import engine\n", encoding="utf-8")
    (tmp_path / "twofa_fsm" / "engine.py").write_text("import twofa_fsm_tools.cli\n", encoding="utf-8")
    (tmp_path / "twofa_fsm_tools").mkdir()
    (tmp_path / "twofa_fsm_tools" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "twofa_fsm_tools" / "cli.py").write_text("import twofa_fsm\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)}
    result = lint_imports("--contract", "library-independent-of-tools", cwd=tmp_path, env=env)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "BROKEN" in result.stdout and "twofa_fsm.engine -> twofa_fsm_tools.cli" in result.stdout
