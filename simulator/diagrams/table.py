"""The role × transition matrix: who may do what from which state.

One row per (source state, transition), grouped by source state in the spec's
state order; one column per actor: ``user`` (the account holder acting on their
own account) and then every role of the spec.  ``Matrix`` is plain data, so the
review report can draw it as HTML; Markdown and aligned text are provided here.
"""

from __future__ import annotations

from dataclasses import dataclass

from twofa_fsm_tools.diagrams.graph import SELF, Graph, Who

YES = "✓"


@dataclass(frozen=True)
class MatrixRow:
    source: str
    event: str
    dest: str
    who: Who
    allowed: tuple[bool, ...]  # one per Matrix.columns
    guards: tuple[str, ...]  # the other conditions, compact


@dataclass(frozen=True)
class Matrix:
    columns: tuple[str, ...]
    rows: tuple[MatrixRow, ...]

    def actors(self, row: MatrixRow) -> tuple[str, ...]:
        return tuple(c for c, ok in zip(self.columns, row.allowed, strict=True) if ok)


def role_matrix(graph: Graph) -> Matrix:
    columns = [SELF, *(r for r in graph.roles if r != SELF)]
    for edge in graph.edges:
        columns += [r for r in edge.roles if r not in columns]
    order = {n.id: i for i, n in enumerate(graph.nodes)}
    edges = sorted(graph.edges, key=lambda e: (order.get(e.source, len(order)), e.index))
    rows = tuple(
        MatrixRow(e.source, e.event, e.dest, e.who, tuple(c in e.roles for c in columns), e.short_guards) for e in edges
    )
    return Matrix(tuple(columns), rows)


def _header(m: Matrix) -> list[str]:
    return ["from", "event", "to", *(f"{c} (self)" if c == SELF else c for c in m.columns), "if"]


def _cells(m: Matrix, row: MatrixRow) -> list[str]:
    return [row.source, row.event, row.dest, *(YES if ok else "" for ok in row.allowed), " · ".join(row.guards)]


def matrix_markdown(m: Matrix) -> str:
    header = _header(m)
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i < 3 or i == len(header) - 1 else ":-:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(_cells(m, row)) + " |" for row in m.rows]
    return "\n".join(lines) + "\n"


def matrix_text(m: Matrix) -> str:
    table = [_header(m)] + [_cells(m, row) for row in m.rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
