"""Small, escaping HTML helpers for the review page (no templates).

Every piece of text goes through ``esc``; attribute values through ``attrs``.
Callers pass already-built HTML fragments only as ``Html`` values, so plain
``str`` text is never pasted into the page unescaped.  The page's one script is
the fixed text of ``twofa_fsm_tools.review.script`` (no data is ever pasted into it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape


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
    """A table in a box that scrolls sideways on a narrow screen (the page itself never does)."""
    head = el("thead", el("tr", [el("th", h, scope="col") for h in header]))
    body = el("tbody", [el("tr", [el("td", c) for c in row]) for row in rows])
    return el("div", el("table", head, body, **values), class_="tablewrap")


def pill(text: str, kind: str) -> Html:
    """A small coloured label: kind is one of pass, fail, held, violated, note, muted, user, admin, system."""
    return el("span", text, class_=f"pill pill-{kind}")


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """An id-safe name: lower case letters, digits and dashes."""
    return _SLUG.sub("-", text.lower()).strip("-") or "x"


def dot_figure(dot: str, note: str) -> Html:
    """The DOT text of a diagram, shown when Graphviz's ``dot`` could not render it."""
    return el("figure", el("p", note, class_="note"), el("pre", dot, class_="dot"), class_="diagram")


def page(title: str, css: str, script: str, body: Content) -> Html:
    return Html(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{css}</style>\n</head>\n"
        f"<body>\n{render(body)}\n<script>{script}</script>\n</body>\n</html>\n"
    )
