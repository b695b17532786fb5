"""Spec files → validated ``Spec`` models, or one-line ``SpecError``s."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from twofa_fsm.errors import SpecError
from twofa_fsm.spec.model import Event, Policy, Role, Spec, State, Transition
from twofa_fsm.spec.yamlsafe import Lines, Place, line_of, load_yaml, parse_yaml, place_text

_MODEL_AT: dict[tuple[str, ...], type[BaseModel]] = {
    (): Spec,
    ("policy",): Policy,
    ("roles", "*"): Role,
    ("states", "*"): State,
    ("events", "*"): Event,
    ("transitions", "*"): Transition,
}


def _model_at(place: Place) -> type[BaseModel] | None:
    shape = tuple("*" if i == 1 and len(place) == 2 else str(p) for i, p in enumerate(place))
    return _MODEL_AT.get(shape)


def _keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def suggest(word: str, choices: list[str] | tuple[str, ...] | set[str] | frozenset[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    listing = ", ".join(sorted(choices))
    if close:
        return f"did you mean '{close[0]}'? (one of: {listing})"
    return f"use one of: {listing}"


def _fix_for(kind: str, place: Place, value: Any, ctx: dict[str, Any]) -> str:
    if kind == "extra_forbidden":
        model = _model_at(place[:-1])
        if model is not None:
            return "remove it or correct its spelling; " + suggest(str(place[-1]), _keys(model))
        return "remove the key"
    if kind == "missing":
        return f"add '{place[-1]}:' here (see spec/schema.json)"
    if kind in ("literal_error", "enum"):
        return f"use one of {ctx.get('expected', 'the listed values')}"
    if kind.startswith(("greater_than", "less_than")) or kind in ("too_short", "too_long"):
        return "pick a value within the bounds (see spec/schema.json)"
    if kind == "string_pattern_mismatch" and place and place[-1] == "issuer":
        return "remove the ':' (otpauth URIs use it to separate issuer and account)"
    if kind == "string_pattern_mismatch":
        return "use lower-case letters, digits and '_' starting with a letter (issuer: no ':')"
    return "correct the value (see spec/schema.json for the expected form)"


def _from_validation(err: ValidationError, file: str, lines: Lines) -> list[SpecError]:
    out: list[SpecError] = []
    for item in err.errors(include_url=False):
        place: Place = tuple(p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # pydantic may append a union branch name to loc: drop parts the file does not have
        while (
            len(place) > 1
            and place not in lines
            and place[:-1] in lines
            and item["type"] not in ("extra_forbidden", "missing")
        ):
            place = place[:-1]
        value = item.get("input")
        shown = value if isinstance(value, (str, int, float, bool)) or value is None else None
        if item["type"] in ("missing",):
            shown = None
        out.append(
            SpecError(
                item["msg"].rstrip("."),
                file=file,
                line=line_of(lines, place),
                place=place_text(place) or "top level",
                value=shown,
                fix=_fix_for(item["type"], place, value, dict(item.get("ctx") or {})),
            )
        )
    return out


def parse_spec_data(data: Any, lines: Lines, file: str) -> tuple[Spec | None, list[SpecError]]:
    """All problems found, in file order; the spec when there are none."""
    from twofa_fsm.spec.checks import check_spec

    try:
        spec = Spec.model_validate(data)
    except ValidationError as err:
        return None, sorted(_from_validation(err, file, lines), key=lambda e: e.line or 0)
    problems = check_spec(spec, file=file, lines=lines)
    return (spec if not problems else None), problems


def spec_problems(path: str | Path) -> list[SpecError]:
    """Every problem of the spec file at ``path`` (empty when it is valid)."""
    try:
        data, lines = load_yaml(path)
    except SpecError as err:
        return [err]
    return parse_spec_data(data, lines, str(path))[1]


def load_spec(path: str | Path) -> Spec:
    """Load and validate a spec file; raise the first ``SpecError`` found."""
    data, lines = load_yaml(path)
    spec, problems = parse_spec_data(data, lines, str(path))
    if problems or spec is None:
        raise problems[0]
    return spec


def parse_spec(text: str, file: str = "<spec>") -> Spec:
    """Load and validate spec text (same rules as ``load_spec``)."""
    data, lines = parse_yaml(text, file=file)
    spec, problems = parse_spec_data(data, lines, file)
    if problems or spec is None:
        raise problems[0]
    return spec
