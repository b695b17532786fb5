"""Tables for the console and for RESULTS.md."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.common import Settings


@dataclass(slots=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])

    def markdown(self) -> str:
        lines = [f"## {self.title}", ""]
        if self.notes:
            lines += [*self.notes, ""]
        lines.append("| " + " | ".join(self.headers) + " |")
        lines.append("|" + "|".join("---" for _ in self.headers) + "|")
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in self.rows]
        return "\n".join(lines) + "\n"

    def text(self) -> str:
        widths = [
            max(len(h), *(len(r[i]) for r in self.rows)) if self.rows else len(h) for i, h in enumerate(self.headers)
        ]

        def line(cells: list[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        out = [self.title, "=" * len(self.title), line(self.headers), line(["-" * w for w in widths])]
        out += [line(r) for r in self.rows]
        return "\n".join(out) + "\n"


def num(x: float, digits: int = 2) -> str:
    """A number with about three significant figures."""
    if x != x:  # NaN
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.{digits}f}"


def span(low: float, high: float) -> str:
    return f"{num(low)}–{num(high)}"


def verdict(met: bool | None) -> str:
    if met is None:
        return "not judged"
    return "**met**" if met else "**missed**"


@dataclass
class Target:
    what: str
    measured: str
    met: bool | None


@dataclass
class Report:
    settings: Settings
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    numbers: dict[str, float] = field(default_factory=dict)  # flat figures (for the smoke test and tooling)
    seconds: dict[int, float] = field(default_factory=dict)

    def judged(self, met: bool) -> bool | None:
        return None if self.settings.quick else met
