"""The scenarios on the review page: each told by its steps, its path on the spec and its sequence diagram.

A step-through control (previous / next) highlights one step at a time in the
path drawing, the sequence diagram and the steps table: all three use the
scenario's own step numbers.
"""

from __future__ import annotations

from twofa_fsm_tools.review.figure import zoom_figure
from twofa_fsm_tools.review.gather import ReportData, ScenarioView
from twofa_fsm_tools.review.html import Content, Html, el, pill, table
from twofa_fsm_tools.review.sequence import groups
from twofa_fsm_tools.review.sequence_svg import sequence_svg
from twofa_fsm_tools.review.spec_sections import diagram_block
from twofa_fsm_tools.scenario.records import StepRecord


def first_sentence(text: str) -> str:
    """The story's first sentence (the overview stays short; the whole story is in the scenario's block)."""
    words = " ".join(text.split())
    end = words.find(". ")
    return words if end < 0 else words[: end + 1]


def verdict(passed: bool) -> Html:
    return pill("passed", "pass") if passed else pill("FAILED", "fail")


def _result_text(s: StepRecord) -> Content:
    miss = [" ", pill("not as expected", "note")] if s.mismatches else None
    if s.allowed:
        return [pill("allowed", "pass"), " access granted" if s.access_granted else None, miss]
    return [pill(f"denied: {s.error_kind or 'refused'}", "fail"), miss]


def _actor(view: ScenarioView, actor: str) -> Content:
    return el("strong", actor, class_="attacker") if actor in view.attackers else actor


def steps_table(view: ScenarioView) -> Html:
    """Every spec event of the run, repeated attempts collapsed (×N); grey: not on the drawn account."""
    drawn = {id(s) for s in view.drawn}
    rows: list[Html] = []
    for first, s, count in groups(view.result.steps):
        kind = (
            "other" if id(first) not in drawn else ("denied" if not s.allowed else ("weak" if s.known_weakness else ""))
        )
        note = view.notes.get(s.step, "") if s.kind == "engine" else "followed automatically"
        if s.known_weakness:
            note = f"known weakness of '{s.known_weakness}'" + (f"; {note}" if note else "")
        cells: list[Content] = [
            s.step,
            _actor(view, s.actor),
            [el("strong", s.event), f" ×{count}" if count > 1 else None],
            s.target,
            el("span", s.source, class_="state"),
            el("span", s.dest, class_="state"),
            _result_text(s),
            note,
        ]
        rows.append(el("tr", [el("td", c) for c in cells], class_=kind or None, data_step=s.step))
    head = ["step", "actor", "event", "account", "from", "to", "result", "note"]
    return el(
        "div",
        el("table", el("thead", el("tr", [el("th", h, scope="col") for h in head])), el("tbody", rows), class_="steps"),
        class_="tablewrap",
    )


def stepper(view: ScenarioView) -> Html:
    summaries: dict[int, str] = {}
    for row in view.story.rows:
        if row.step > 0 and row.summary:
            summaries.setdefault(row.step, row.summary)
    return el(
        "div",
        el("button", "◀ Previous", type="button", data_step_act="prev", title="highlight the previous step"),
        el("button", "Next ▶", type="button", data_step_act="next", title="highlight the next step"),
        el("button", "All steps", type="button", data_step_act="all", title="show every step"),
        " ",
        el("span", "all steps", class_="status", aria_live="polite"),
        [el("span", f" — {text}", class_="stepnote", data_step=n, hidden=True) for n, text in summaries.items()],
        class_="stepper",
    )


def _figures(view: ScenarioView) -> Html:
    r = view.result
    path = diagram_block(
        view.diagram, f"path{view.number}", f"{r.name}: the path {view.subject or 'no one'}'s account took"
    )
    sequence = zoom_figure(sequence_svg(view.story), None, f"{r.name}: who did what, step by step", kind="seq")
    return el("div", path, sequence, class_="scenario-figures")


def _intro(view: ScenarioView) -> Html:
    other = sorted({s.target for s in view.result.steps} - {view.subject})
    drawn = (
        f"The path drawing shows the {len(view.drawn)} events on {view.subject}'s account, numbered by step"
        if view.subject
        else "No spec event was fired"
    )
    extra = f" (events on {', '.join(other)}'s account are in the sequence and in grey in the table)" if other else ""
    return el(
        "p",
        drawn,
        extra,
        ". The sequence diagram tells every step. Step through both with Previous / Next; the marks are in ",
        el("a", "the legend", href="#legend"),
        ".",
        class_="note",
    )


def scenario_block(view: ScenarioView) -> Html:
    r = view.result
    failures = el("ul", [el("li", str(f)) for f in r.failures]) if r.failures else None
    breaches = el("ul", [el("li", b) for b in r.breaches]) if r.breaches else None
    owner = f"{view.subject}'s" if view.subject else "no"
    return el(
        "details",
        el(
            "summary",
            verdict(r.passed),
            " ",
            r.name,
            " ",
            el(
                "span",
                f"— spec '{r.spec_name}' · {owner} account · {len(view.drawn)} events drawn, {view.denied} denied · "
                f"ends {view.final_state}",
                class_="muted",
            ),
        ),
        el(
            "div",
            el("p", r.description),
            el("p", el("span", view.file, class_="mono muted")),
            [el("h4", "Failures"), failures] if failures else None,
            [el("h4", "Attacker access"), breaches] if breaches else None,
            _intro(view),
            stepper(view),
            _figures(view),
            steps_table(view),
            class_="body",
        ),
        id=view.anchor,
        class_="scenario pass" if r.passed else "scenario fail",
        open=not r.passed,
        data_steps=" ".join(str(n) for n in view.story.steps()),
    )


def scenarios_section(data: ReportData) -> Html:
    views = data.scenarios
    failed = [v for v in views if not v.result.passed]
    overview = table(
        ["scenario", "result", "spec", "account drawn", "events", "denied", "ends in", "story"],
        [
            [
                el("a", v.result.name, href=f"#{v.anchor}"),
                verdict(v.result.passed),
                v.result.spec_name,
                v.subject or "-",
                len(v.drawn),
                v.denied,
                el("span", v.final_state, class_="state"),
                el("span", first_sentence(v.result.description), class_="muted", title=v.result.description),
            ]
            for v in views
        ],
        class_="wide overview",
    )
    return el(
        "section",
        el("h2", "Scenarios"),
        el(
            "p",
            f"{len(views)} scenarios, each run against its own spec: {len(views) - len(failed)} passed, {len(failed)} "
            "failed. Open one to see its steps, the path it took on the diagram and its sequence diagram (failed ones "
            "are open).",
            class_="lead",
        ),
        overview,
        [scenario_block(v) for v in views],
        id="scenarios",
    )
