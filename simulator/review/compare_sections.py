"""The article's flow beside the reviewed spec: the reset window scenario by scenario, checker, differences."""

from __future__ import annotations

from twofa_fsm_tools.diagrams import Edge, Graph
from twofa_fsm_tools.review.checker_sections import checker_block
from twofa_fsm_tools.review.gather import ReportData, ScenarioView, SpecView
from twofa_fsm_tools.review.html import Content, Html, el, pill, table
from twofa_fsm_tools.review.scenario_sections import verdict
from twofa_fsm_tools.review.spec_sections import diagram_block


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
                diagram_block(article.diagram, f"spec-{article.spec.name}", article.spec.title, kind="spec"),
                class_="body",
            ),
        ),
        id="article",
    )
