"""One-line diagnostics for YAML files validated by pydantic models: a public module.

Tools built on twofa-fsm (the simulator's scenario and profile loaders, editors,
linters) may import it: ``suggest`` words a "did you mean", ``error_at`` points a
``SpecError`` at a place of a file (``Problems`` collects many), and
``from_validation`` turns a pydantic ``ValidationError`` into ``SpecError`` s that
name the file, the line, the place, the value and a fix, so every file format of
the project reports its errors alike.

A format describes itself with a ``Format``: its root model, where its expected
form is documented, and its own fixes for the kinds of error it knows better.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from twofa_fsm.errors import SpecError
from twofa_fsm.spec.yamlsafe import Lines, Place, line_of, place_text

__all__ = ["Format", "Issue", "Problems", "error_at", "from_validation", "keys_of", "suggest", "unknown_key_fix"]


def suggest(word: str, choices: Collection[str]) -> str:
    """``did you mean 'X'? (one of: ...)`` when a choice is close to ``word``, else ``use one of: ...``."""
    names = sorted(choices)
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    listing = ", ".join(names)
    if close:
        return f"did you mean '{close[0]}'? (one of: {listing})"
    return f"use one of: {listing}"


def error_at(file: str, lines: Lines, place: Place, problem: str, value: object, fix: str) -> SpecError:
    """A ``SpecError`` pointing at ``place`` of ``file`` (its line from ``lines``)."""
    return SpecError(problem, file=file, line=line_of(lines, place), place=place_text(place), value=value, fix=fix)


class Problems:
    """Collects the problems found in one file, each a ``SpecError`` pointing at its place."""

    def __init__(self, file: str, lines: Lines) -> None:
        self.file = file
        self.lines = lines
        self.problems: list[SpecError] = []

    def add(self, place: Place, problem: str, value: object, fix: str) -> None:
        self.problems.append(error_at(self.file, self.lines, place, problem, value, fix))


def keys_of(model: type[BaseModel]) -> list[str]:
    """The keys a file may use for ``model``: each field's alias, else its name."""
    return [f.alias or name for name, f in model.model_fields.items()]


@dataclass(frozen=True)
class Issue:
    """One pydantic error placed in the file: its kind, place, raw input and context.

    ``holder`` is the model whose key the place names last (for an unknown key:
    the model that does not have it), when the place leads through models.
    """

    kind: str
    place: Place
    value: Any
    ctx: dict[str, Any]
    holder: type[BaseModel] | None


def _no_fix(issue: Issue) -> str | None:
    return None


@dataclass(frozen=True)
class Format:
    """How one file format explains its errors.

    ``generic_fix`` is the fix when nothing more specific applies (it says where the
    expected form is documented); ``missing_hint`` follows "add 'KEY:' here"; ``fix``
    returns the format's own fix for an issue, or None for the common one;
    ``shows_key``: an unknown key shows the key itself as the value (else its value).
    """

    root: type[BaseModel]
    generic_fix: str
    missing_hint: str = ""
    fix: Callable[[Issue], str | None] = field(default=_no_fix)
    shows_key: bool = False


def unknown_key_fix(issue: Issue) -> str:
    """Remove the unknown key or correct it, with a "did you mean" among the holder's keys."""
    if issue.holder is None:
        return "remove the key"
    return "remove it or correct its spelling; " + suggest(str(issue.place[-1]), keys_of(issue.holder))


def _common_fix(fmt: Format, issue: Issue) -> str:
    if issue.kind == "extra_forbidden":
        return unknown_key_fix(issue)
    if issue.kind == "missing":
        return f"add '{issue.place[-1]}:' here{fmt.missing_hint}"
    return fmt.generic_fix


# -- from a pydantic location to a place in the file ------------------------------------------------------


def _is_artifact(part: str | int) -> bool:
    """Parts pydantic adds to a location that the file does not have (validator and union-branch names)."""
    return isinstance(part, str) and part.startswith(("function-", "literal["))


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X``; other annotations as they are."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [m for m in get_args(annotation) if m is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _tags(annotation: Any, discriminator: str) -> dict[str, type[BaseModel]]:
    """A discriminated union of models: each tag value -> its model."""
    out: dict[str, type[BaseModel]] = {}
    for member in get_args(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel) and discriminator in member.model_fields:
            tag = member.model_fields[discriminator].annotation
            if get_origin(tag) is Literal:
                out.update({str(value): member for value in get_args(tag)})
    return out


def _field_node(model: type[BaseModel], part: str) -> Any:
    for name, info in model.model_fields.items():
        if part in (name, info.alias):
            if isinstance(info.discriminator, str):
                return _tags(info.annotation, info.discriminator)
            return _unwrap(info.annotation)
    return None


def _step(node: Any, part: str | int) -> tuple[Any, bool]:
    """Where a location part leads from ``node``, and whether the part is a union tag (not in the file)."""
    if isinstance(node, dict):  # a discriminated union: tag -> model
        return (node[part], True) if part in node else (None, False)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return (_field_node(node, part) if isinstance(part, str) else None), False
    args = get_args(node)
    if get_origin(node) in (tuple, list) and isinstance(part, int) and args:
        return _unwrap(args[0]), False
    if get_origin(node) is dict and isinstance(part, str) and len(args) == 2:
        return _unwrap(args[1]), False
    return None, False


def _resolve(root: type[BaseModel], loc: tuple[str | int, ...]) -> tuple[Place, type[BaseModel] | None]:
    """The place in the file (artifacts and union tags dropped) and the model holding its last part."""
    node: Any = root
    holder: Any = root
    place: list[str | int] = []
    for part in loc:
        if _is_artifact(part):
            continue
        before = node
        node, is_tag = _step(node, part)
        if is_tag:
            holder = node
        else:
            holder = before
            place.append(part)
    model = holder if isinstance(holder, type) and issubclass(holder, BaseModel) else None
    return tuple(place), model


def _trim(place: Place, kind: str, lines: Lines) -> Place:
    """Drop trailing parts the file does not have (pydantic may name a union branch last)."""
    while len(place) > 1 and place not in lines and place[:-1] in lines and kind not in ("extra_forbidden", "missing"):
        place = place[:-1]
    return place


def _most_specific(items: list[Any]) -> list[Any]:
    """Drop the errors of containers whose items have errors of their own (they say nothing more)."""
    parents = {tuple(i["loc"])[:n] for i in items for n in range(len(i["loc"]))}  # every proper prefix
    return [i for i in items if tuple(i["loc"]) not in parents]


def _shown(fmt: Format, issue: Issue) -> object:
    if issue.kind == "extra_forbidden" and fmt.shows_key:
        return issue.place[-1] if issue.place else None
    if issue.kind == "union_tag_invalid":
        return issue.ctx.get("tag")
    value = issue.value
    return value if isinstance(value, (str, int, float, bool)) and issue.kind != "missing" else None


def from_validation(err: ValidationError, file: str, lines: Lines, fmt: Format) -> list[SpecError]:
    """Every error of ``err`` as a one-line ``SpecError``, in file order (the first to fix first).

    A container's own complaint is left out when its items have errors of their own,
    and pydantic's "Value error, " prefix is dropped from the messages of validators.
    """
    out: list[SpecError] = []
    for item in _most_specific(err.errors(include_url=False)):
        place, holder = _resolve(fmt.root, tuple(item["loc"]))
        place = _trim(place, item["type"], lines)
        issue = Issue(item["type"], place, item.get("input"), dict(item.get("ctx") or {}), holder)
        out.append(
            SpecError(
                item["msg"].rstrip(".").removeprefix("Value error, "),
                file=file,
                line=line_of(lines, place),
                place=place_text(place) or "top level",
                value=_shown(fmt, issue),
                fix=fmt.fix(issue) or _common_fix(fmt, issue),
            )
        )
    return sorted(out, key=lambda e: e.line or 0)
