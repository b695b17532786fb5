"""Safe YAML: no tags, no aliases, bounded size, duplicate keys refused, line numbers kept.

``load_yaml`` returns the plain data and a map from each place (a tuple of keys
and indices) to the line where it starts, so that every later error can point at
the line to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from twofa_fsm.errors import SpecError

MAX_BYTES = 1_000_000
MAX_NODES = 50_000

Place = tuple[str | int, ...]
Lines = dict[Place, int]


class _Loader(yaml.SafeLoader):
    file = "<yaml>"
    nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise SpecError(
                "YAML aliases are not allowed (they can expand without bound)",
                file=self.file,
                line=event.start_mark.line + 1,
                value="*" + str(event.anchor),
                fix="write the value out in full instead of referring to an anchor",
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise SpecError(
                f"the document has more than {MAX_NODES} YAML nodes",
                file=self.file,
                line=mark.line + 1,
                fix="split or shrink the file; real specs have a few hundred nodes",
            )
        return super().compose_node(parent, index)


def place_text(place: Place) -> str:
    out = ""
    for part in place:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(lines: Lines, place: Place) -> int | None:
    """The line of ``place``, or of the nearest enclosing place that has one."""
    for cut in range(len(place), -1, -1):
        if place[:cut] in lines:
            return lines[place[:cut]]
    return None


def _walk(node: yaml.Node, place: Place, lines: Lines, file: str) -> None:
    lines[place] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise SpecError(
                    f"duplicate key '{key}' (first on line {seen[key]})",
                    file=file,
                    line=line,
                    place=place_text(place) or "top level",
                    value=key,
                    fix="keep one of the two; YAML would silently drop the first",
                )
            seen[key] = line
            lines[place + (key,)] = line
            _walk(value_node, place + (key,), lines, file)
            lines[place + (key,)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, place + (i,), lines, file)


def parse_yaml(text: str, file: str = "<yaml>") -> tuple[Any, Lines]:
    if len(text) > MAX_BYTES:
        raise SpecError(
            f"the file is larger than {MAX_BYTES} bytes",
            file=file,
            value=len(text),
            fix="spec and scenario files are small; check that this is the right file",
        )
    loader = _Loader(text)
    loader.file = file
    try:
        node = loader.get_single_node()
        if node is None:
            raise SpecError("the file is empty", file=file, line=1, fix="write a YAML mapping (see spec/twofa.yaml)")
        lines: Lines = {}
        _walk(node, (), lines, file)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise SpecError(
            f"not valid YAML: {err.problem or err.context}",
            file=file,
            line=None if mark is None else mark.line + 1,
            fix="correct the YAML syntax at that line (indentation, quotes, colons)",
        ) from None
    except yaml.YAMLError as err:
        raise SpecError(f"not valid YAML: {err}", file=file, fix="correct the YAML syntax") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise SpecError(
            "the top level must be a mapping of keys to values",
            file=file,
            line=1,
            value=type(data).__name__,
            fix="start the file with keys such as 'name:' (see spec/twofa.yaml)",
        )
    return data, lines


def read_text(path: str | Path) -> str:
    file = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise SpecError("no such file", file=file, fix="check the path") from None
    except IsADirectoryError:
        raise SpecError("is a directory, not a file", file=file, fix="name a .yaml file") from None
    except OSError as err:
        raise SpecError(f"cannot read the file ({err.strerror})", file=file, fix="check its permissions") from None
    if len(raw) > MAX_BYTES:
        raise SpecError(
            f"the file is larger than {MAX_BYTES} bytes",
            file=file,
            fix="spec and scenario files are small; check that this is the right file",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SpecError(
            f"not UTF-8 text (bad byte at offset {err.start})",
            file=file,
            fix="save the file as UTF-8",
        ) from None


def load_yaml(path: str | Path) -> tuple[Any, Lines]:
    return parse_yaml(read_text(path), file=str(path))
