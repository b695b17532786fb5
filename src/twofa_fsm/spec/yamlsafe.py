"""Safe YAML: no tags, aliases or anchors; bounded size, node count and depth; duplicate keys refused;
line numbers kept.  Every refusal is a one-line ``SpecError``, raised before PyYAML's recursive
composer and constructor can exhaust the stack or the memory.

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
MAX_DEPTH = 64
_STANDARD_TAG = "tag:yaml.org,2002:"

Place = tuple[str | int, ...]
Lines = dict[Place, int]


def _line(event: yaml.Event) -> int | None:
    return None if event.start_mark is None else event.start_mark.line + 1


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing while it composes (before anything recursive can run deep):
    aliases, anchors, tags, more than ``MAX_NODES`` nodes and nesting deeper than ``MAX_DEPTH``."""

    file = "<yaml>"
    nodes = 0
    depth = 0
    anchor: tuple[int | None, str] | None = None  # the first anchor (line, name): refused once the document is read

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML stubs leave it untyped
        self._refuse(event)
        if not isinstance(event, yaml.CollectionStartEvent):
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._error(
                event,
                f"the YAML is nested more than {MAX_DEPTH} levels deep",
                "flatten the structure; real specs nest a few levels",
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _refuse(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.AliasEvent):
            raise self._error(
                event,
                "YAML aliases are not allowed (they can expand without bound)",
                "write the value out in full instead of referring to an anchor",
                value="*" + str(event.anchor),
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = "!!" + tag[len(_STANDARD_TAG) :] if tag.startswith(_STANDARD_TAG) else tag
            raise self._error(
                event,
                "not valid YAML here: tags are not allowed",
                "remove the tag and write the plain value (quote it to make it text)",
                value=shown,
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None and self.anchor is None:
            self.anchor = (_line(event), str(anchor))
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._error(
                event,
                f"the document has more than {MAX_NODES} YAML nodes",
                "split or shrink the file; real specs have a few hundred nodes",
            )

    def _error(self, event: yaml.Event, problem: str, fix: str, value: object = None) -> SpecError:
        return SpecError(problem, file=self.file, line=_line(event), value=value, fix=fix)

    def single_node(self) -> yaml.Node | None:
        """The document's node, or ``SpecError`` for anything refused (an anchor only once all is read:
        an alias to it is the better message)."""
        node = self.get_single_node()
        if self.anchor is not None:
            line, name = self.anchor
            raise SpecError(
                "YAML anchors are not allowed (aliases to them are refused)",
                file=self.file,
                line=line,
                value="&" + name,
                fix="remove the anchor and write each value out in full",
            )
        return node


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


def _read(text: str, file: str) -> tuple[Any, Lines]:
    loader = _Loader(text)  # checks that every character is printable (ReaderError)
    loader.file = file
    try:
        node = loader.single_node()
        if node is None:
            raise SpecError("the file is empty", file=file, line=1, fix="write a YAML mapping (see spec/twofa.yaml)")
        lines: Lines = {}
        _walk(node, (), lines, file)
        return loader.construct_document(node), lines
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str = "<yaml>") -> tuple[Any, Lines]:
    if len(text) > MAX_BYTES:
        raise SpecError(
            f"the file is larger than {MAX_BYTES} bytes",
            file=file,
            value=len(text),
            fix="spec and scenario files are small; check that this is the right file",
        )
    try:
        data, lines = _read(text, file)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise SpecError(
            f"not valid YAML: {err.problem or err.context}",
            file=file,
            line=None if mark is None else mark.line + 1,
            fix="correct the YAML syntax at that line (indentation, quotes, colons)",
        ) from None
    except yaml.reader.ReaderError as err:
        raise SpecError(
            f"not valid YAML: {err.reason}",
            file=file,
            line=text.count("\n", 0, err.position) + 1,
            value=f"#x{err.character:04x}" if isinstance(err.character, int) else None,
            fix="remove the character or write it as an escape inside double quotes",
        ) from None
    except yaml.YAMLError as err:
        raise SpecError(f"not valid YAML: {err}", file=file, fix="correct the YAML syntax") from None
    except (RecursionError, MemoryError) as err:  # the limits above should make this unreachable
        raise SpecError(
            f"the YAML is too deeply nested or too large to read ({type(err).__name__})",
            file=file,
            value=len(text),
            fix=f"keep the file under {MAX_BYTES} bytes, {MAX_NODES} nodes and {MAX_DEPTH} levels of nesting",
        ) from None
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
