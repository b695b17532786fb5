"""A ``SequenceStory`` as Mermaid text, for Markdown pages a code host renders.

``sequenceDiagram``: participants grouped in coloured boxes by kind (people,
attackers, the service, phones and mailboxes); ``->>`` an event that went
through, ``-x`` a refusal (its cross), ``-->>`` a code or token read or mail
sent; an attacker's steps sit on a red band.  ``path_flowchart``: the drawn
account's steps as a strip of boxes coloured by who acted, through Mermaid
``classDef`` classes (``user``, ``person``, ``attacker``, ``system``; ``*_refused``
dashed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from twofa_fsm_tools.diagrams import style
from twofa_fsm_tools.review.sequence import Lifeline, Message, Row, SequenceStory

_UNSAFE = re.compile(r"[:;#{}\"<>`|\[\]]")
BOX: dict[str, tuple[str, str]] = {  # kind -> (box colour, box title)
    "user": ("rgb(224, 238, 248)", "people"),
    "person": ("rgb(224, 238, 248)", "people"),
    "attacker": ("rgb(252, 228, 226)", "attackers"),
    "system": ("rgb(222, 243, 236)", "the system"),
    "phone": ("rgb(240, 240, 240)", "phones and mail"),
    "mailbox": ("rgb(240, 240, 240)", "phones and mail"),
}
CLASS_COLOUR: dict[str, str] = {
    "user": style.WHO_COLOUR["user"],
    "person": style.WHO_COLOUR["admin"],
    "attacker": style.ATTACKER,
    "system": style.WHO_COLOUR["system"],
}


class PathStep(NamedTuple):
    """One box of the path strip: repeated attempts collapse into ``repeats``."""

    number: int
    kind: str  # user, person, attacker, system
    actor: str
    text: str
    refused: bool
    repeats: int = 1


def safe(text: str) -> str:
    """Mermaid reads ``:`` ``;`` ``#`` and friends as syntax: keep labels plain."""
    return " ".join(_UNSAFE.sub(" ", text).split())


def _participants(lines: Sequence[Lifeline]) -> list[str]:
    out: list[str] = []
    current: str | None = None
    for line in lines:
        colour, title = BOX.get(line.kind, ("rgb(240, 240, 240)", "other"))
        if title != current:
            if current is not None:
                out.append("    end")
            out.append(f"    box {colour} {title}")
            current = title
        word = "actor" if line.kind in ("user", "person", "attacker") else "participant"
        out.append(f"        {word} {line.id} as {safe(line.label)}")
    if current is not None:
        out.append("    end")
    return out


def _arrow(m: Message) -> str:
    if m.refused:
        return "-x"
    return "-->>" if m.style in ("input", "notice") else "->>"


def _message(m: Message) -> str:
    text = m.text + (f" — {m.result}" if m.result else "")
    return f"    {m.source}{_arrow(m)}{m.target}: {safe(text)}"


def _row(row: Row, first: str, last: str, attackers: set[str]) -> list[str]:
    out: list[str] = []
    if row.note:
        out.append(f"    Note over {first},{last}: {safe(row.note)}")
    lines = [_message(m) for m in row.messages]
    if lines and row.actor in attackers:
        return [*out, "    rect rgb(252, 228, 226)", *("    " + x for x in lines), "    end"]
    return out + lines


def sequence_mermaid(story: SequenceStory) -> str:
    """``sequenceDiagram`` text of the story (ends with a newline)."""
    ids = [line.id for line in story.lifelines]
    attackers = {line.id for line in story.lifelines if line.kind == "attacker"}
    out = ["sequenceDiagram", *_participants(story.lifelines)]
    for row in story.rows:
        out += _row(row, ids[0], ids[-1], attackers)
    return "\n".join(out) + "\n"


def path_flowchart(steps: Sequence[PathStep]) -> str:
    """The drawn account's steps as boxes coloured by who acted (Mermaid ``classDef`` classes).

    A strip left to right; a longer story top to bottom (a code host scales a wide chart down).
    """
    out = ["flowchart LR" if len(steps) <= 6 else "flowchart TB"]
    for kind, colour in CLASS_COLOUR.items():
        out.append(f"    classDef {kind} fill:{colour},stroke:{colour},color:#ffffff")
        out.append(
            f"    classDef {kind}_refused fill:#ffffff,stroke:{colour},color:{style.DENIED},stroke-dasharray:5 3"
        )
    names: list[str] = []
    for i, p in enumerate(steps):
        name = f"p{i}"
        times = f" ×{p.repeats}" if p.repeats > 1 else ""
        label = safe(f"{'✕ ' if p.refused else ''}{p.number}{times} {p.actor}")
        out.append(f'    {name}["{label}<br/>{safe(p.text)}"]:::{p.kind}{"_refused" if p.refused else ""}')
        names.append(name)
    if len(names) > 1:
        out.append("    " + " --> ".join(names))
    return "\n".join(out) + "\n"
