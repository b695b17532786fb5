"""A z3 model as a readable context: ``actor=admin(tier 2) target=owner(tier 3) came_from=enrolled``."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import z3

from twofa_fsm.spec.model import Transition
from twofa_fsm_tools.guards.semantics import meaning
from twofa_fsm_tools.guards.vocabulary import NO_STATE, VARIABLES, Vocabulary

ALWAYS = ("actor", "target")  # who acts on whom is always shown


def names(formulas: Iterable[Any]) -> set[str]:
    """The vocabulary's variables the formulas read."""
    found: set[str] = set()
    todo = list(formulas)
    while todo:
        e = todo.pop()
        if z3.is_const(e) and e.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            found.add(e.decl().name())
        todo.extend(e.children())
    return found


def read(transitions: Iterable[Transition], c: Vocabulary) -> set[str]:
    """The variables the guards of ``transitions`` read (what a witness for them should show)."""
    return names(meaning(c, g.name, g.arg) for t in transitions for g in t.guards)


def _number(value: Any) -> str:
    f = Fraction(value.as_fraction()) if z3.is_rational_value(value) else Fraction(value.as_long())
    if f.denominator == 1:
        return str(f.numerator)
    return f"{float(f):.3f}".rstrip("0")


def _role(c: Vocabulary, index: int) -> str:
    if not 0 <= index < len(c.roles):
        return f"role#{index}"
    role = c.roles[index]
    info = c.spec.roles[role]
    scope = "" if info.scope == "organisation" else f", {info.scope}"
    return f"{role}(tier {info.tier}{scope})"


def value_text(c: Vocabulary, name: str, value: Any) -> str:
    """One variable's value in the words of the spec (role and state names, yes/no, seconds)."""
    sort = c.sorts[name]
    if sort == "bool":
        return "yes" if z3.is_true(value) else "no"
    if sort == "role":
        return _role(c, value.as_long())
    if sort == "state":
        index = value.as_long()
        return "none" if index == NO_STATE or not 0 <= index < len(c.states) else c.states[index]
    return _number(value) + ("s" if sort == "real" else "")


def render(c: Vocabulary, model: Any, shown: set[str]) -> str:
    """``name=value`` for the vocabulary's variables in ``shown`` (and the actor and target), in table order."""
    parts = []
    for v in VARIABLES:
        if v.name in shown or v.name in ALWAYS:
            parts.append(f"{v.name}={value_text(c, v.name, model.eval(c[v.name], model_completion=True))}")
    return " ".join(parts)
