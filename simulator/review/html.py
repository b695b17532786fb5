"""Small, escaping HTML helpers for the review page (no templates, no scripts).

Every piece of text goes through ``esc``; attribute values through ``attr``.
Callers pass already-built HTML fragments only as ``Html`` values, so plain
``str`` text is never pasted into the page unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from simulator.diagrams import inline_svg


class Html(str):
    """A fragment of HTML that is already safe to paste into the page."""

    __slots__ = ()


Content = Html | str | int | float | None | Iterable["Content"]


def esc(text: object) -> Html:
    return Html(escape(str(text), quote=True))


def render(content: Content) -> Html:
    """Content as HTML: ``Html`` kept, text escaped, iterables joined, None dropped."""
    if content is None:
        return Html("")
    if isinstance(content, Html):
        return content
    if isinstance(content, str | int | float):
        return esc(content)
    return Html("".join(render(c) for c in content))


def attrs(**values: str | int | bool | None) -> str:
    """`` key="value"`` pairs (escaped); ``class_`` -> ``class``, ``data_x`` -> ``data-x``; False/None dropped."""
    out: list[str] = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        out.append(f" {name}" if value is True else f' {name}="{escape(str(value), quote=True)}"')
    return "".join(out)


def el(tag: str, *content: Content, **values: str | int | bool | None) -> Html:
    return Html(f"<{tag}{attrs(**values)}>{render(content)}</{tag}>")


def table(header: Iterable[Content], rows: Iterable[Iterable[Content]], **values: str | int | bool | None) -> Html:
    head = el("thead", el("tr", [el("th", h, scope="col") for h in header]))
    body = el("tbody", [el("tr", [el("td", c) for c in row]) for row in rows])
    return el("table", head, body, **values)


def pill(text: str, kind: str) -> Html:
    """A small coloured label: kind is one of pass, fail, held, violated, note, muted, user, admin, system."""
    return el("span", text, class_=f"pill pill-{kind}")


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """An id-safe name: lower case letters, digits and dashes."""
    return _SLUG.sub("-", text.lower()).strip("-") or "x"


_XMLNS = re.compile(r'\s+xmlns(?::[A-Za-z]+)?="[^"]*"')


def svg_figure(svg: str, prefix: str, caption: str = "", wide: bool = False) -> Html:
    """An SVG (from Graphviz, trusted) inlined with unique ids; namespace declarations dropped (HTML needs none)."""
    body = _XMLNS.sub("", inline_svg(svg, prefix))
    return el(
        "figure",
        Html(f'<div class="scroll">{body}</div>'),
        el("figcaption", caption) if caption else None,
        class_="diagram wide" if wide else "diagram",
    )


def dot_figure(dot: str, note: str) -> Html:
    """The DOT text of a diagram, shown when Graphviz's ``dot`` could not render it."""
    return el("figure", el("p", note, class_="note"), el("pre", dot, class_="dot"), class_="diagram")


def page(title: str, css: str, body: Content) -> Html:
    return Html(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{css}</style>\n</head>\n"
        f"<body>\n{render(body)}\n</body>\n</html>\n"
    )


CSS = """\
:root { --ink: #222; --muted: #666; --line: #ddd; --soft: #f6f7f9; --user: #0072B2; --admin: #8E44AD;
  --system: #009E73; --pass: #1B7F3B; --fail: #D62728; --warn: #B58900; --gold: #FFD84D; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: #fff; }
header.top { background: #1f2933; color: #fff; padding: 20px 32px; }
header.top h1 { margin: 0 0 4px; font-size: 24px; }
header.top p { margin: 0; color: #cfd6dd; }
nav.toc { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line);
  padding: 8px 32px; display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 14px; }
nav.toc a { color: #1f5f99; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
main { padding: 8px 32px 48px; max-width: 1500px; }
section { margin-top: 28px; }
h2 { font-size: 21px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; margin: 0 0 12px; }
h3 { font-size: 17px; margin: 20px 0 8px; }
p.lead { color: var(--muted); margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 12px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--soft); }
.card .big { font-size: 24px; font-weight: 700; }
.card.ok { border-left: 6px solid var(--pass); }
.card.bad { border-left: 6px solid var(--fail); }
.card.warn { border-left: 6px solid var(--warn); }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; position: sticky; top: 37px; z-index: 1; }
td.c, th.c { text-align: center; }
tr.group th { background: #fafafa; text-align: left; font-size: 14px; }
table.matrix td.yes { font-weight: 700; color: #fff; text-align: center; }
table.matrix td.no { background: #fbfbfb; }
td.yes.user { background: var(--user); } td.yes.admin { background: var(--admin); }
td.yes.system { background: var(--system); }
table.glance { width: 100%; table-layout: fixed; }
table.glance th:first-child { width: 170px; }
.chips { display: flex; flex-direction: column; align-items: flex-start; gap: 3px; }
.ev { display: inline-block; padding: 1px 6px; border-radius: 4px; color: #fff; font-size: 13px; line-height: 1.35;
  overflow-wrap: anywhere; }
.ev.user { background: var(--user); } .ev.admin { background: var(--admin); } .ev.system { background: var(--system); }
.none { color: #bbb; }
.pill { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 700; color: #fff;
  white-space: nowrap; }
.pill-pass, .pill-held { background: var(--pass); }
.pill-fail, .pill-violated { background: var(--fail); }
.pill-note { background: var(--warn); } .pill-muted { background: #999; }
.pill-user { background: var(--user); } .pill-admin { background: var(--admin); }
.pill-system { background: var(--system); }
.state { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
.muted, .note { color: var(--muted); }
details { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; background: #fff; }
details > summary { cursor: pointer; padding: 8px 12px; font-weight: 600; list-style-position: inside; }
details[open] > summary { border-bottom: 1px solid var(--line); background: var(--soft); }
details > .body { padding: 4px 14px 12px; }
details.fail { border-left: 6px solid var(--fail); } details.pass { border-left: 6px solid var(--pass); }
figure.diagram { margin: 8px 0 16px; }
figure.diagram .scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px;
  background: #fff; }
figure.diagram svg { display: block; margin: 0 auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
pre.dot { max-height: 320px; overflow: auto; background: var(--soft); padding: 8px; font-size: 12px; }
ol.path { margin: 4px 0 8px; padding-left: 28px; }
ol.path li { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
tr.denied td { background: #fdecea; } tr.other td { color: #888; } tr.weak td { background: #fff4cc; }
.pair { border-top: 1px dashed var(--line); margin-top: 8px; }
table.wide { width: 100%; }
table.wide td:first-child { white-space: nowrap; }
.legend span { margin-right: 14px; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 8px; }
"""
