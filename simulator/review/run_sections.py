"""The runs half of the review page: scenarios with their paths, the checker's results, the article compared."""

from __future__ import annotations

from simulator.checker import CheckResult
from simulator.checker.properties import PROPERTIES
from simulator.diagrams import Edge, Graph
from simulator.review.gather import ReportData, ScenarioView, SpecView
from simulator.review.html import Content, Html, el, pill, table
from simulator.review.spec_sections import cards, diagram_block
from simulator.scenario.records import StepRecord

PARTIES = (
    "In counterexamples, user is the account holder, phisher knows the password (never the phone or the mail), "
    "thief holds the phone (never the password); owner, admin, support and stale_admin are the people around them."
)


# -- scenarios ---------------------------------------------------------------------------------------


def verdict(passed: bool) -> Html:
    return pill("passed", "pass") if passed else pill("FAILED", "fail")


def _result_text(s: StepRecord) -> Content:
    miss = [" ", pill("not as expected", "note")] if s.mismatches else None
    if s.allowed:
        return [pill("allowed", "pass"), " access granted" if s.access_granted else None, miss]
    return [pill(f"denied: {s.error_kind or 'refused'}", "fail"), miss]


def steps_table(view: ScenarioView) -> Html:
    numbers = {id(s): n for n, s in enumerate(view.drawn, start=1)}
    rows: list[Html] = []
    for s in view.result.steps:
        n = numbers.get(id(s))
        kind = "other" if n is None else ("denied" if not s.allowed else ("weak" if s.known_weakness else ""))
        note = view.notes.get(s.step, "") if s.kind == "engine" else "followed automatically"
        if s.known_weakness:
            note = f"known weakness of '{s.known_weakness}'" + (f"; {note}" if note else "")
        cells: list[Content] = [
            str(n) if n is not None else "–",
            s.step,
            s.actor,
            el("strong", s.event),
            s.target,
            el("span", s.source, class_="state"),
            el("span", s.dest, class_="state"),
            _result_text(s),
            note,
        ]
        rows.append(el("tr", [el("td", c) for c in cells], class_=kind or None))
    head = ["#", "step", "actor", "event", "account", "from", "to", "result", "note"]
    return el(
        "table", el("thead", el("tr", [el("th", h, scope="col") for h in head])), el("tbody", rows), class_="steps"
    )


def scenario_block(view: ScenarioView) -> Html:
    r = view.result
    other = sorted({s.target for s in r.steps} - {view.subject})
    failures = el("ul", [el("li", str(f)) for f in r.failures]) if r.failures else None
    breaches = el("ul", [el("li", b) for b in r.breaches]) if r.breaches else None
    owner = f"{view.subject}'s" if view.subject else "no"
    drawn = (
        f"The diagram numbers the {len(view.drawn)} events on {view.subject}'s account in order"
        if view.subject
        else "No spec event was fired"
    )
    extra = f"; events on {', '.join(other)}'s account are listed in grey, not drawn." if other else "."
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
            el("p", drawn, extra, " Denied attempts are red and dashed; the final state is gold.", class_="note"),
            steps_table(view),
            diagram_block(view.diagram, f"path{view.number}", f"{r.name}: the path taken"),
            class_="body",
        ),
        id=view.anchor,
        class_="scenario pass" if r.passed else "scenario fail",
        open=not r.passed,
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
                el("span", v.result.description, class_="muted"),
            ]
            for v in views
        ],
        class_="wide",
    )
    return el(
        "section",
        el("h2", "Scenarios"),
        el(
            "p",
            f"{len(views)} scenarios, each run against its own spec: {len(views) - len(failed)} passed, {len(failed)} "
            "failed. Open one to see its steps and the path it took on the diagram (failed ones are open).",
            class_="lead",
        ),
        overview,
        [scenario_block(v) for v in views],
        id="scenarios",
    )


# -- checker -----------------------------------------------------------------------------------------


def _counterexample_drawing(result: CheckResult, prop: str) -> Content:
    """The shortest counterexample of ``prop`` drawn on the spec diagram."""
    from simulator.checker.export import trace_of
    from simulator.diagrams import TraceError, have_dot, overlay_dot, render_svg
    from simulator.review.paths import Diagram

    best = next((v for v in result.shortest() if v.prop == prop), None)
    if best is None or not best.path:
        return ""
    try:
        dot = overlay_dot(result.spec, trace_of(best, result.spec), title=f"counterexample: {prop}")
    except TraceError as err:
        return el("p", f"This path cannot be drawn: {err}", class_="note")
    drawing = Diagram(dot=dot, svg=render_svg(dot) if have_dot() else None)
    return diagram_block(
        drawing,
        f"cx-{result.spec.name}-{prop}",
        f"The shortest counterexample ({len(best.path)} steps) on the diagram.",
    )


def _violation_block(result: CheckResult, prop: str) -> Html:
    found = [v for v in result.violations if v.prop == prop]
    items = [
        el(
            "div",
            el(
                "p",
                el("strong", v.message),
                el(
                    "span",
                    f" — target: {v.target}, starting {v.start}, {len(v.path)} step"
                    + ("" if len(v.path) == 1 else "s"),
                    class_="muted",
                ),
            ),
            el("ol", [el("li", a.label()) for a in v.path], class_="path")
            if v.path
            else el("p", "(already so in the starting state)", class_="note"),
        )
        for v in found
    ]
    return el(
        "details",
        el(
            "summary",
            pill("violated", "violated"),
            " ",
            prop,
            el("span", f" — {len(found)} counterexample(s)", class_="muted"),
        ),
        el("div", items, _counterexample_drawing(result, prop), class_="body"),
        class_="fail",
        open=True,
    )


def checker_block(result: CheckResult | None, anchor: str) -> Html:
    if result is None:
        return el(
            "p",
            "The checker was not run (--no-check). Run twofa-fsm report without --no-check to include its results.",
            class_="note",
            id=anchor,
        )
    violated = result.violated()
    held = [p for p in PROPERTIES if p not in violated]
    summary = cards(
        [
            (f"{result.states:,}", "states explored", ""),
            (f"{result.transitions:,}", "transitions tried", ""),
            (f"{result.seconds:.1f} s", "time", ""),
            (f"{len(held)}/{len(PROPERTIES)}", "properties held", "ok" if not violated else "bad"),
        ]
    )
    props = table(
        ["property", "promise", "result"],
        [
            [el("code", p), text, pill("violated", "violated") if p in violated else pill("held", "held")]
            for p, text in PROPERTIES.items()
        ],
        class_="props",
    )
    worlds = table(["target / start", "states"], [[k, f"{n:,}"] for k, n in result.per_target.items()])
    notes = (
        el("ul", [el("li", pill("note", "note"), " ", n) for n in result.notes])
        if result.notes
        else el("p", "No notes.", class_="muted")
    )
    order = [p for p in PROPERTIES if p in violated] + sorted(violated - set(PROPERTIES))
    return el(
        "div",
        summary,
        props,
        el("h3", "Counterexamples"),
        [el("p", PARTIES, class_="note"), [_violation_block(result, p) for p in order]]
        if order
        else el("p", "None: every property held in every reachable state.", class_="muted"),
        el("h3", "Notes"),
        notes,
        el("h3", "Worlds explored"),
        worlds,
        id=anchor,
    )


def checker_section(data: ReportData) -> Html:
    return el(
        "section",
        el("h2", f"Checker: spec '{data.spec.spec.name}'"),
        el(
            "p",
            "The exhaustive checker drives the real engine through every reachable state of a small organisation "
            "(a member, an admin and the sole owner as targets) and judges each step against the promises below.",
            class_="lead",
        ),
        checker_block(data.check, "checker-results"),
        id="checker",
    )


# -- the article compared -----------------------------------------------------------------------------


def _edge_text(edge: Edge | None) -> Content:
    if edge is None:
        return el("span", "not in this spec", class_="none")
    return [
        el("span", ", ".join(edge.roles), class_=f"ev {edge.who}"),
        " ",
        el("span", " · ".join(edge.short_guards) or "no conditions", class_="muted"),
        [el("div", "then: " + ", ".join(edge.effects), class_="muted")] if edge.effects else None,
    ]


def _edges(graph: Graph) -> dict[tuple[str, str, str], Edge]:
    return {(e.source, e.event, e.dest): e for e in graph.edges}


def differences(main: Graph, other: Graph) -> list[tuple[tuple[str, str, str], Edge | None, Edge | None]]:
    a, b = _edges(main), _edges(other)
    keys = list(a) + [k for k in b if k not in a]
    out = []
    for k in keys:
        ea, eb = a.get(k), b.get(k)
        if ea is None or eb is None or (ea.roles, ea.guards, ea.effects) != (eb.roles, eb.guards, eb.effects):
            out.append((k, ea, eb))
    return out


def pairs(data: ReportData, article: SpecView) -> list[tuple[ScenarioView, ScenarioView | None]]:
    """Scenarios run on the article's spec, each with its counterpart on the spec (same name, other suffix)."""
    by_name = {v.result.name: v for v in data.scenarios}
    out: list[tuple[ScenarioView, ScenarioView | None]] = []
    for v in data.scenarios:
        if v.result.spec_name != article.spec.name:
            continue
        name, suffix = v.result.name, f"-{article.spec.name}"
        twin = by_name.get(name[: -len(suffix)] + f"-{data.spec.spec.name}") if name.endswith(suffix) else None
        out.append((v, twin))
    return out


def _pair_figure(view: ScenarioView, prefix: str) -> Html:
    r = view.result
    return el(
        "div",
        el(
            "h4",
            verdict(r.passed),
            " ",
            el("a", r.name, href=f"#{view.anchor}"),
            el("span", f" on '{r.spec_name}'", class_="muted"),
        ),
        el("p", r.description, class_="note"),
        el(
            "p",
            f"Attacker access: {'; '.join(r.breaches)}." if r.breaches else "No attacker gained access.",
            class_="note",
        ),
        el(
            "p",
            f"It passes because its attacker's steps are marked as the known weakness of '{r.spec_name}': "
            "the scenario shows the weakness on purpose.",
            class_="note",
        )
        if r.known_weaknesses and r.passed
        else None,
        diagram_block(view.diagram, f"{prefix}{view.number}", f"{r.name}: the path taken"),
    )


def comparison_section(data: ReportData) -> Html:
    article = data.article
    if article is None:
        return el(
            "section",
            el("h2", "The article's flow compared"),
            el("p", "No article.yaml beside the spec: nothing to compare.", class_="note"),
            id="article",
        )
    main = data.spec
    diffs = differences(main.graph, article.graph)
    rows: list[list[Content]] = [
        [el("span", s, class_="state"), el("strong", e), el("span", d, class_="state"), _edge_text(a), _edge_text(b)]
        for (s, e, d), a, b in diffs
    ]
    pol_a, pol_b = main.spec.policy.model_dump(), article.spec.policy.model_dump()
    pol = [
        [el("code", k), "off" if pol_a[k] is None else pol_a[k], "off" if pol_b.get(k) is None else pol_b.get(k)]
        for k in pol_a
        if pol_a[k] != pol_b.get(k)
    ]
    weak = (
        sorted(data.article_check.violated() - (data.check.violated() if data.check else set()))
        if data.article_check
        else []
    )
    paired = pairs(data, article)
    return el(
        "section",
        el("h2", f"The article's flow compared ({article.path})"),
        el(
            "p",
            el("strong", article.spec.title or article.spec.name),
            ". It models the help-centre article exactly as written, so its weakness can be shown: right after a "
            "reset, whoever next logs in with the password enrols their own authenticator (the reset window). "
            f"'{main.spec.name}' closes it with a single-use setup token delivered out of band.",
            class_="lead",
        ),
        el("h3", "The reset window, scenario by scenario"),
        [
            el(
                "div",
                _pair_figure(a, "cmp"),
                _pair_figure(b, "cmp") if b else el("p", "No counterpart on the reviewed spec.", class_="note"),
                class_="pair",
            )
            for a, b in paired
        ]
        if paired
        else el("p", "No scenario runs on the article's spec.", class_="note"),
        el("h3", "What the checker finds in the article's flow"),
        el(
            "p",
            "Promises the article's flow breaks and the reviewed spec keeps: ",
            [[pill(p, "violated"), " "] for p in weak],
        )
        if weak
        else None,
        checker_block(data.article_check, "article-checker-results"),
        el("h3", "Transitions that differ"),
        el(
            "p",
            f"{len(diffs)} of {len(set(_edges(main.graph)) | set(_edges(article.graph)))} transitions differ (who may "
            "fire them, conditions or effects).",
            class_="lead",
        ),
        table(["from", "event", "to", f"in '{main.spec.name}'", f"in '{article.spec.name}'"], rows, class_="diff"),
        el("h3", "Policy settings that differ"),
        table(["setting", f"'{main.spec.name}'", f"'{article.spec.name}'"], pol)
        if pol
        else el("p", "None.", class_="muted"),
        el(
            "details",
            el("summary", f"The article's diagram ({article.spec.name})"),
            el(
                "div",
                diagram_block(article.diagram, f"spec-{article.spec.name}", article.spec.title, wide=True),
                class_="body",
            ),
        ),
        id="article",
    )
