"""The checker's half of the review page: the properties, notes, worlds explored and counterexamples drawn."""

from __future__ import annotations

from twofa_fsm_tools.checker import CheckResult
from twofa_fsm_tools.checker.properties import PROPERTIES
from twofa_fsm_tools.review.gather import ReportData
from twofa_fsm_tools.review.html import Content, Html, el, pill, table
from twofa_fsm_tools.review.spec_sections import cards, diagram_block

PARTIES = (
    "In counterexamples, user is the account holder, phisher knows the password (never the phone or the mail), "
    "thief holds the phone (never the password); ROLE_fresh, ROLE_stale, ROLE_out, ROLE_locked and ROLE_reset are "
    "the people of each role around them (their own account set up and 2FA just passed, passed long ago, logged "
    "out, locked, reset), ROLE_other is another organisation's, ROLE_desk vendor staff; in a pair world ROLE_a and "
    "ROLE_b are two holders of one role acting on each other."
)


def _counterexample_drawing(result: CheckResult, prop: str) -> Content:
    """The shortest counterexample of ``prop`` drawn on the spec diagram."""
    from twofa_fsm_tools.checker.export import trace_of
    from twofa_fsm_tools.checker.world import PHISHER, THIEF
    from twofa_fsm_tools.diagrams import Layout, StepTag, TraceError, have_dot, overlay_dot, render_svg
    from twofa_fsm_tools.review.paths import Diagram

    best = next((v for v in result.shortest() if v.prop == prop), None)
    if best is None or not best.path:
        return ""
    steps = trace_of(best, result.spec)
    tags = [StepTag(n, s.actor, s.actor in (PHISHER, THIEF)) for n, s in enumerate(steps, start=1)]
    try:
        dot = overlay_dot(
            result.spec,
            steps,
            title=f"counterexample: {prop}",
            tags=tags,
            layout=Layout(legend=False, spec_title=False),
        )
    except TraceError as err:
        return el("p", f"This path cannot be drawn: {err}", class_="note")
    drawing = Diagram(dot=dot, svg=render_svg(dot) if have_dot() else None)
    return diagram_block(
        drawing,
        f"cx-{result.spec.name}-{prop}",
        f"The shortest counterexample ({len(best.path)} steps) on the diagram.",
    )


def _violation_block(result: CheckResult, prop: str, first: bool) -> Html:
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
        open=first,  # the first open; the others one click away (a short page)
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
        [el("p", PARTIES, class_="note"), [_violation_block(result, p, i == 0) for i, p in enumerate(order)]]
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
