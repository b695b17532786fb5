"""A zoomable figure: toolbar (zoom out / in, fit width, reset, open full size) over a scrollable viewport.

The SVG keeps its natural size in px (1 px per unit of its viewBox) so that,
without script, nothing is scaled below its drawn size: the diagrams' smallest
text is 11 units.  The page's script zooms by changing the SVG's width and height
and pans by scrolling the viewport (drag, or the scroll bars).
"""

from __future__ import annotations

import re

from twofa_fsm_tools.diagrams import inline_svg
from twofa_fsm_tools.review.html import Content, Html, el

_XMLNS = re.compile(r'\s+xmlns(?::[A-Za-z]+)?="[^"]*"')
_SIZE = re.compile(r'\s(width|height)="[^"]*"')
_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')


def natural_svg(svg: str, prefix: str | None) -> str:
    """``svg`` ready to inline: ids prefixed (Graphviz output), no namespaces, width and height in px."""
    body = inline_svg(svg, prefix, responsive=False) if prefix is not None else svg
    body = _XMLNS.sub("", body)
    start = body.index("<svg")
    end = body.index(">", start)
    head = body[start:end]
    box = _VIEWBOX.search(head)
    if box is None:
        return body
    w, h = float(box.group(3)), float(box.group(4))
    head = _SIZE.sub("", head) + f' width="{w:.0f}" height="{h:.0f}"'
    return body[:start] + head + body[end:]


def toolbar(extra: Content = None) -> Html:
    def button(act: str, text: str, title: str) -> Html:
        return el("button", text, type="button", data_act=act, title=title, aria_label=title)

    return el(
        "div",
        button("out", "−", "zoom out"),
        el("span", "100%", class_="zoomlevel", aria_live="polite"),
        button("in", "+", "zoom in"),
        button("fit", "Fit width", "scale the whole drawing to the box's width"),
        button("one", "Reset", "back to the default size (text at least 11 px)"),
        button("open", "Open full size ↗", "open the drawing alone in a new tab, at full size"),
        extra,
        class_="toolbar",
        role="toolbar",
    )


def zoom_figure(svg: str, prefix: str | None, caption: str = "", kind: str = "path", extra: Content = None) -> Html:
    """A figure with the zoom toolbar; ``prefix`` makes Graphviz ids unique (None: the SVG has no ids)."""
    return el(
        "figure",
        toolbar(extra),
        el("div", Html(natural_svg(svg, prefix)), class_="viewport", tabindex="0"),
        el("figcaption", caption) if caption else None,
        class_=f"diagram zoomable {kind}",
        data_zoom=kind,
    )
