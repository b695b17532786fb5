"""The mutation-testing half of the review page: the kill matrix of a ``twofa-fsm mutate --json`` run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from twofa_fsm import SpecError
from twofa_fsm_tools.review.html import Html, el, pill, table

COLUMNS = ("validate", "checker", "scenarios", "hypothesis")


def load_mutants(path: str | Path) -> dict[str, Any]:
    """A ``mutate --json`` report, checked for the parts the page shows (``SpecError`` when it is not one)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SpecError(
            f"{path}: cannot read the mutation report ({err}); write one with twofa-fsm mutate --json"
        ) from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("matrix"), dict)
        or not isinstance(data.get("verdicts"), list)
    ):
        raise SpecError(
            f"{path}: not a mutation report (no 'matrix' and 'verdicts'); write one with twofa-fsm mutate --json"
        )
    return data


def mutation_section(report: dict[str, Any] | None) -> Html:
    if report is None:
        return el(
            "section",
            el("h2", "Mutation testing"),
            el(
                "p",
                "Not shown: run `make mutate` (or `twofa-fsm mutate SPEC --json FILE`) and pass the file with "
                "`twofa-fsm report --mutants FILE`.",
                class_="note",
            ),
            id="mutation",
        )
    killers = [k for k in COLUMNS if k in report.get("killers", COLUMNS)]
    rows = [
        [kind, str(row.get("mutants", 0)), *(str(row.get(k, 0)) for k in killers), str(row.get("equivalent", 0)),
         pill(str(row.get("survived", 0)), "bad" if row.get("survived") else "ok")]
        for kind, row in report["matrix"].items()
    ]  # fmt: skip
    verdicts = report["verdicts"]
    equivalent = [v for v in verdicts if v.get("status") == "equivalent"]
    survived = [v for v in verdicts if v.get("status") == "survived"]
    killed = sum(1 for v in verdicts if v.get("status") == "killed")
    return el(
        "section",
        el("h2", "Mutation testing"),
        el(
            "p",
            f"{len(verdicts)} mutants of {report.get('spec', 'the spec')}: {killed} killed, {len(equivalent)} "
            f"equivalent (each with its reason), {len(survived)} survived. Each mutant is a spec broken on purpose "
            "the way a designer's edit would; every killer runs on every mutant, so a row says which checks catch "
            "that class.",
        ),
        table(["class", "mutants", *killers, "equivalent", "survived"], rows, class_="matrix"),
        el("h3", "Equivalent mutants and why") if equivalent else "",
        el("ul", [el("li", el("code", v["id"]), ": ", v.get("detail", "")) for v in equivalent]) if equivalent else "",
        el("h3", "Survivors") if survived else "",
        el("ul", [el("li", el("code", v["id"]), ": ", v.get("description", "")) for v in survived]) if survived else "",
        id="mutation",
    )
