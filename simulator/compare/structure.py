"""The structural differences of two specs, as lines a designer reads top to bottom."""

from __future__ import annotations

from collections.abc import Iterable

from twofa_fsm import Spec
from twofa_fsm.spec.model import Transition


def _key(t: Transition) -> tuple[str, str]:
    """A transition's identity: its event and where it goes (a ``came_from`` picks one cancel among many)."""
    restore = t.guard("came_from")
    return t.event, t.dest if restore is None else f"{t.dest} (came_from {restore.arg})"


def _sets(label: str, a: Iterable[str], b: Iterable[str]) -> list[str]:
    left, right = set(a), set(b)
    return [f"+ {label} {x}" for x in sorted(right - left)] + [f"- {label} {x}" for x in sorted(left - right)]


def structure(a: Spec, b: Spec) -> list[str]:
    """What ``b`` adds (+), removes (-) or changes (~) relative to ``a``."""
    out: list[str] = []
    pa, pb = a.policy.model_dump(), b.policy.model_dump()
    out += [f"~ policy {k}: {pa[k]} -> {pb[k]}" for k in pa if pa[k] != pb.get(k)]
    out += _sets("role", a.roles, b.roles)
    out += _sets("state", a.states, b.states)
    out += [
        f"~ state {n}: {', '.join(f'{k} {v} -> {getattr(b.states[n], k)}' for k, v in changes)}"
        for n in sorted(set(a.states) & set(b.states))
        if (changes := [(k, v) for k, v in a.states[n].model_dump().items() if k != "description"
                        and getattr(b.states[n], k) != v])
    ]  # fmt: skip
    out += _sets("event", a.events, b.events)
    for name in sorted(set(a.events) & set(b.events)):
        out += _sets(f"input of {name}:", a.events[name].inputs, b.events[name].inputs)
    out += _transitions(a, b)
    return out


def _transitions(a: Spec, b: Spec) -> list[str]:
    ta = {_key(t): t for t in a.transitions}
    tb = {_key(t): t for t in b.transitions}
    out = [f"+ transition {e} -> {d} from {', '.join(tb[(e, d)].source)}" for e, d in sorted(tb.keys() - ta.keys())]
    out += [f"- transition {e} -> {d} from {', '.join(ta[(e, d)].source)}" for e, d in sorted(ta.keys() - tb.keys())]
    for key in sorted(ta.keys() & tb.keys()):
        x, y = ta[key], tb[key]
        here = f"{key[0]} -> {key[1]}"
        out += _sets(f"source of {here}:", x.source, y.source)
        out += _sets(f"guard of {here}:", map(str, x.guards), map(str, y.guards))
        out += _sets(f"effect of {here}:", map(str, x.effects), map(str, y.effects))
    return out
