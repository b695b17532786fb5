"""A ``SequenceStory`` drawn as inline SVG (no Graphviz, no Mermaid, no script): the page always has it.

Lifelines left to right with a header each; one row per step, top to bottom,
inside ``<g class="row step_N" data-step="N">`` so the page can highlight a step.
An arrow carries the step's number and event above it and its result below; a
refusal is red and dashed and ends in a cross instead of an arrowhead.  Text is
12–13 px at the drawing's natural size, with a white halo so it stays readable
where it crosses a lifeline.
"""

from __future__ import annotations

from html import escape

from twofa_fsm_tools.diagrams import style
from twofa_fsm_tools.review.sequence import Message, Row, SequenceStory

KIND_COLOUR: dict[str, str] = {
    "user": style.WHO_COLOUR["user"],
    "person": style.WHO_COLOUR["admin"],
    "attacker": style.ATTACKER,
    "system": style.WHO_COLOUR["system"],
    "phone": "#555555",
    "mailbox": "#8A6D00",
}
FONT = "Helvetica, 'DejaVu Sans', Arial, sans-serif"
CHAR = 7.0  # estimated width of one 12 px character
MIN_GAP, MAX_GAP = 160.0, 360.0
TOP, HEAD, MARGIN = 8.0, 40.0, 16.0
EVENT_H, SMALL_H, NOTE_H, SELF_H = 42.0, 26.0, 28.0, 44.0


def _esc(text: str) -> str:
    return escape(text, quote=True)


def _text(x: float, y: float, text: str, *, size: int = 12, colour: str = style.TEXT, bold: bool = False,
          anchor: str = "middle") -> str:  # fmt: skip
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{colour}" text-anchor="{anchor}"{weight} '
        f'paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round">{_esc(text)}</text>'
    )


class _Canvas:
    def __init__(self, story: SequenceStory) -> None:
        self.story = story
        self.index = {line.id: i for i, line in enumerate(story.lifelines)}
        self.centres = self._centres(self._gaps())
        self.width = self.centres[-1] + MIN_GAP / 2 + MARGIN if self.centres else 2 * MARGIN
        self.kind = {line.id: line.kind for line in story.lifelines}

    def _gaps(self) -> list[float]:
        """Space between neighbouring lifelines: at least ``MIN_GAP``, widened where a label needs room."""
        gaps = [MIN_GAP] * max(0, len(self.story.lifelines) - 1)
        spans: list[tuple[int, int, float]] = []
        for row in self.story.rows:
            for m in (m for m in row.messages if m.source != m.target):
                a, b = sorted((self.index.get(m.source, 0), self.index.get(m.target, 0)))
                spans.append((a, b, max(len(m.text), len(m.result)) * CHAR + 24))
        for a, b, need in sorted(spans, key=lambda s: s[1] - s[0]):
            short = need - sum(gaps[a:b])
            for i in range(a, b) if short > 0 else ():
                gaps[i] = min(MAX_GAP, gaps[i] + short / (b - a))
        return gaps

    @staticmethod
    def _centres(gaps: list[float]) -> list[float]:
        out = [MARGIN + MIN_GAP / 2]
        for g in gaps:
            out.append(out[-1] + g)
        return out

    def x(self, lifeline: str) -> float:
        return self.centres[self.index.get(lifeline, 0)]

    def colour(self, m: Message) -> str:
        """The actor's colour (an attacker's is red); a refusal is marked by its cross and red result."""
        return KIND_COLOUR.get(self.kind.get(m.source, ""), style.MUTED)

    def header(self) -> str:
        parts: list[str] = []
        for line in self.story.lifelines:
            cx, w = self.x(line.id), MIN_GAP - 12
            colour = KIND_COLOUR.get(line.kind, style.MUTED)
            parts.append(
                f'<rect x="{cx - w / 2:.1f}" y="{TOP}" width="{w:.1f}" height="{HEAD - 8}" rx="6" fill="#ffffff" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
            parts.append(_text(cx, TOP + 21, line.label, size=12, colour=colour, bold=True))
        return f'<g class="heads">{"".join(parts)}</g>'

    def lifelines(self, bottom: float) -> str:
        return "".join(
            f'<line x1="{self.x(line.id):.1f}" y1="{TOP + HEAD - 8}" x2="{self.x(line.id):.1f}" y2="{bottom:.1f}" '
            f'stroke="#bbbbbb" stroke-width="1.2" stroke-dasharray="4 4"/>'
            for line in self.story.lifelines
        )

    def arrow(self, m: Message, y: float, colour: str) -> str:
        x1, x2 = self.x(m.source), self.x(m.target)
        d = 1 if x2 >= x1 else -1
        dash = ' stroke-dasharray="6 4"' if m.refused or m.style in ("input", "notice") else ""
        out = [f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2 - d * 2:.1f}" y2="{y:.1f}" stroke="{colour}" '
               f'stroke-width="{2.2 if m.style == "event" else 1.4}"{dash}/>']  # fmt: skip
        if m.refused:
            out.append(_text(x2 - d * 4, y + 5, "✕", size=16, colour=style.DENIED, bold=True))
        else:
            out.append(
                f'<polygon points="{x2:.1f},{y:.1f} {x2 - d * 10:.1f},{y - 5:.1f} {x2 - d * 10:.1f},{y + 5:.1f}" '
                f'fill="{colour}"/>'
            )
        return "".join(out)

    def loop(self, m: Message, y: float, colour: str) -> str:
        """A message of the service to itself (an automatic event): a loop on its lifeline, text to the right."""
        x = self.x(m.source)
        dash = ' stroke-dasharray="6 4"' if m.refused else ""
        path = f'<path d="M {x:.1f} {y + 8:.1f} h 28 v 16 h -26" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        tip = f"{x:.1f},{y + 24:.1f} {x + 9:.1f},{y + 19:.1f} {x + 9:.1f},{y + 29:.1f}"
        texts = _text(x + 34, y + 14, m.text, colour=colour, bold=True, anchor="start")
        texts += _text(x + 34, y + 30, m.result, colour=style.DENIED if m.refused else style.TEXT, anchor="start")
        return f'{path}<polygon points="{tip}" fill="{colour}"/>{texts}'

    def message(self, m: Message, row: Row, y: float) -> tuple[str, float]:
        colour = self.colour(m)
        if m.source == m.target:
            return self.loop(m, y, colour), SELF_H
        mid = (self.x(m.source) + self.x(m.target)) / 2
        h = EVENT_H if m.result else SMALL_H
        y0 = y + (20 if m.result else 16)
        parts = [_text(mid, y0 - 6, m.text, colour=colour, bold=m.style in ("event", "world"))]
        parts.append(self.arrow(m, y0, colour))
        if m.result:
            parts.append(_text(mid, y0 + 16, m.result, colour=style.DENIED if m.refused else style.TEXT))
        return "".join(parts), h

    def row(self, row: Row, y: float) -> tuple[str, float]:
        parts: list[str] = []
        height = 0.0
        if row.note:
            w = self.width - 2 * MARGIN
            parts.append(
                f'<rect x="{MARGIN}" y="{y + 3:.1f}" width="{w:.1f}" height="{NOTE_H - 6}" rx="4" fill="#f3f4f6" '
                f'stroke="#d0d4d9"/>'
            )
            parts.append(_text(self.width / 2, y + 18, row.note, colour=style.MUTED))
            height = NOTE_H
        for m in row.messages:
            drawn, h = self.message(m, row, y + height)
            parts.append(drawn)
            height += h
        names = f"row step_{row.step}" + (" refused" if row.refused else "") + (" note" if row.note else "")
        bg = f'<rect class="rowbg" x="0" y="{y:.1f}" width="{self.width:.1f}" height="{height:.1f}" fill="none"/>'
        return f'<g class="{names}" data-step="{row.step}">{bg}{"".join(parts)}</g>', height


def sequence_svg(story: SequenceStory) -> str:
    """The story as one ``<svg>`` element (no XML prolog, no ids: safe to inline many times)."""
    canvas = _Canvas(story)
    y = TOP + HEAD + 6
    rows: list[str] = []
    for row in story.rows:
        drawn, h = canvas.row(row, y)
        rows.append(drawn)
        y += h
    height = y + 12
    return (
        f'<svg class="seq" viewBox="0 0 {canvas.width:.0f} {height:.0f}" width="{canvas.width:.0f}" '
        f'height="{height:.0f}" font-family="{FONT}" role="img" aria-label="{_esc(story.title)}: sequence diagram">'
        f"<title>{_esc(story.title)}: who did what, step by step</title>"
        f'<rect x="0" y="0" width="{canvas.width:.0f}" height="{height:.0f}" fill="#ffffff"/>'
        f"{canvas.lifelines(height - 6)}{canvas.header()}{''.join(rows)}</svg>"
    )
