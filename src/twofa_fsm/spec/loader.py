"""Spec files → validated ``Spec`` models, or one-line ``SpecError``s."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from twofa_fsm.errors import SpecError
from twofa_fsm.spec.checks import check_spec
from twofa_fsm.spec.diagnostics import Format, Issue, from_validation
from twofa_fsm.spec.model import Spec
from twofa_fsm.spec.yamlsafe import Lines, Place, line_of, load_yaml, parse_yaml, place_text


def _fix(issue: Issue) -> str | None:
    """The spec's own fixes (unknown and missing keys get the common ones)."""
    kind = issue.kind
    if kind in ("literal_error", "enum"):
        return f"use one of {issue.ctx.get('expected', 'the listed values')}"
    if kind.startswith(("greater_than", "less_than")) or kind in ("too_short", "too_long"):
        return "pick a value within the bounds (see spec/schema.json)"
    if kind == "string_pattern_mismatch" and issue.place and issue.place[-1] == "issuer":
        return "remove the ':' (otpauth URIs use it to separate issuer and account)"
    if kind == "string_pattern_mismatch":
        return "use lower-case letters, digits and '_' starting with a letter (issuer: no ':')"
    return None


SPEC_FORMAT = Format(
    Spec,
    generic_fix="correct the value (see spec/schema.json for the expected form)",
    missing_hint=" (see spec/schema.json)",
    fix=_fix,
)


# Past this many validation errors the file is no spec at all (say 20,000 unknown keys); listing each
# one would take minutes (relating every error to every other) and help nobody: one line says so.
MAX_PROBLEMS = 1_000


def _too_many(err: ValidationError, lines: Lines, file: str) -> SpecError:
    """One line for a file with more than ``MAX_PROBLEMS`` problems, naming the first in the file."""
    first: tuple[int, Place, str] | None = None
    for item in err.errors(include_url=False):
        place: Place = tuple(item["loc"])
        line = line_of(lines, place) or 0
        if first is None or line < first[0]:
            first = (line, place, str(item["msg"]))
    line, place, msg = first if first is not None else (0, (), "")
    where = place_text(place) or "top level"
    return SpecError(
        f"more than {MAX_PROBLEMS} problems ({err.error_count()}); the first: {where}: {msg}",
        file=file,
        line=line or None,
        fix="check that this is a spec file (see spec/twofa.yaml), correct the first problems and validate again",
    )


def parse_spec_data(data: Any, lines: Lines, file: str) -> tuple[Spec | None, list[SpecError]]:
    """All problems found, in file order; the spec when there are none."""
    try:
        spec = Spec.model_validate(data)
    except ValidationError as err:
        if err.error_count() > MAX_PROBLEMS:
            return None, [_too_many(err, lines, file)]
        return None, from_validation(err, file, lines, SPEC_FORMAT)
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


SHIPPED = ("twofa", "article")


def shipped_spec_path(name: str = "twofa") -> Path:
    """The file of a spec shipped inside the package: ``twofa`` (the hardened default) or ``article``."""
    if name not in SHIPPED:
        raise ValueError(f"no shipped spec named {name!r}; choose one of: {', '.join(SHIPPED)}")
    return Path(str(resources.files("twofa_fsm") / "specs" / f"{name}.yaml"))


def load_shipped_spec(name: str = "twofa") -> Spec:
    """Load a spec shipped inside the package: ``load_shipped_spec()`` is the hardened default."""
    return load_spec(shipped_spec_path(name))
