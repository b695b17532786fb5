"""Semantic checks of a parsed spec: references, structure, and (``lints``) security lints.

Each problem is a ``SpecError`` naming the file, the line, the offending id and
the fix.  ``check_spec`` returns them all, in file order.
"""

from __future__ import annotations

import re
from collections import deque

from twofa_fsm.errors import SpecError
from twofa_fsm.spec.catalog import EFFECTS, GUARDS, NOTICES
from twofa_fsm.spec.diagnostics import Problems, suggest
from twofa_fsm.spec.fairness import check_fairness
from twofa_fsm.spec.lints import lint_spec
from twofa_fsm.spec.model import Ref, Spec, Transition
from twofa_fsm.spec.yamlsafe import Lines, Place

ACTOR_GUARDS = ("is_self", "actor_role_in", "actor_is_system")


def _check_ref(r: Problems, spec: Spec, place: Place, ref: Ref, kind: str) -> None:
    table = GUARDS if kind == "guard" else EFFECTS
    info = table.get(ref.name)
    if info is None:
        r.add(
            place,
            f"unknown {kind} '{ref.name}'",
            ref.name,
            suggest(ref.name, table) + " (the allow-list is twofa_fsm.spec.catalog)",
        )
        return
    param = info.param
    if param == "none" and ref.arg is not None:
        r.add(place, f"{kind} '{ref.name}' takes no argument", str(ref), f"write just '{ref.name}'")
    elif param == "state":
        if not isinstance(ref.arg, str) or ref.arg not in spec.states:
            r.add(
                place,
                f"{kind} '{ref.name}' needs a known state",
                ref.arg,
                f"write {{{ref.name}: STATE}}; " + suggest(str(ref.arg), spec.states),
            )
    elif param == "roles":
        roles = (ref.arg,) if isinstance(ref.arg, str) else ref.arg
        if not roles:
            r.add(place, f"{kind} '{ref.name}' needs a list of roles", None, f"write {{{ref.name}: [owner, admin]}}")
        else:
            for role in roles:
                if role not in spec.roles:
                    r.add(place, f"unknown role '{role}' in {ref.name}", role, suggest(role, spec.roles))
    elif param == "notice" and ref.arg not in NOTICES:
        r.add(
            place,
            f"{kind} '{ref.name}' needs a notice kind",
            ref.arg,
            f"write {{{ref.name}: KIND}}; " + suggest(str(ref.arg), NOTICES),
        )


def _check_names(r: Problems, spec: Spec) -> None:
    for section in ("roles", "states", "events"):
        for name in getattr(spec, section):
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name):
                r.add(
                    (section, name),
                    f"bad {section[:-1]} id '{name}'",
                    name,
                    "use lower-case letters, digits and '_', starting with a letter",
                )
    initial = [n for n, s in spec.states.items() if s.initial]
    if len(initial) != 1:
        r.add(
            ("states",),
            f"{len(initial)} initial states ({', '.join(initial) or 'none'})",
            ", ".join(initial) or None,
            "mark exactly one state with 'initial: true'",
        )
    if not spec.access_states:
        r.add(("states",), "no state grants access", None, "mark the enrolled state with 'access: true'")


def _check_transition(r: Problems, spec: Spec, i: int, t: Transition) -> None:
    here: Place = ("transitions", i)
    _check_endpoints(r, spec, here, t)
    for j, g in enumerate(t.guards):
        _check_ref(r, spec, here + ("guards", j), g, "guard")
    for j, e in enumerate(t.effects):
        _check_ref(r, spec, here + ("effects", j), e, "effect")
    if not any(t.guard(name) for name in ACTOR_GUARDS):
        r.add(
            here + ("guards",),
            f"transition '{t.event}' says nobody in particular may fire it",
            t.event,
            "add is_self, actor_is_system or {actor_role_in: [...]}",
        )
    _check_inputs(r, spec, t)


def _check_endpoints(r: Problems, spec: Spec, here: Place, t: Transition) -> None:
    """The event and the states a transition names are declared."""
    if t.event not in spec.events:
        r.add(
            here + ("event",),
            f"unknown event '{t.event}'",
            t.event,
            "declare it under 'events:' or " + suggest(t.event, spec.events),
        )
    for j, src in enumerate(t.source):
        if src not in spec.states:
            r.add(
                here + ("from",) + ((j,) if len(t.source) > 1 else ()),
                f"unknown state '{src}'",
                src,
                suggest(src, spec.states),
            )
    if t.dest not in spec.states:
        r.add(here + ("to",), f"unknown state '{t.dest}'", t.dest, suggest(t.dest, spec.states))


def _check_inputs(r: Problems, spec: Spec, t: Transition) -> None:
    """The event declares every input its guards read."""
    event = spec.events.get(t.event)
    if event is None:
        return
    needed = {GUARDS[g.name].needs for g in t.guards if g.name in GUARDS} - {None}
    for need in sorted(n for n in needed if n is not None):
        if need not in event.inputs:
            r.add(
                ("events", t.event, "inputs"),
                f"event '{t.event}' lacks the input '{need}' its guards read",
                t.event,
                f"add {need} to its inputs",
            )


def _check_unused(r: Problems, spec: Spec) -> None:
    used = {t.event for t in spec.transitions}
    dangling = used - set(spec.events)
    for name, event in spec.events.items():
        if name not in used and not dangling:
            r.add(("events", name), f"event '{name}' has no transition", name, "add a transition for it or remove it")
            continue
        if name not in used or any(g.name not in GUARDS for t in spec.transitions if t.event == name for g in t.guards):
            continue
        read = {GUARDS[g.name].needs for t in spec.transitions if t.event == name for g in t.guards}
        for need in event.inputs:
            if need not in read:
                r.add(
                    ("events", name, "inputs"),
                    f"input '{need}' of event '{name}' is never checked",
                    need,
                    "remove it from inputs or add the guard that checks it",
                )


def _exclusive(a: Transition, b: Transition) -> bool:
    ga, gb = a.guard("came_from"), b.guard("came_from")
    return ga is not None and gb is not None and ga.arg != gb.arg


def _check_conflicts(r: Problems, spec: Spec) -> None:
    edges = spec.edges()
    for x, (i, src, a) in enumerate(edges):
        for j, src2, b in edges[x + 1 :]:
            if src == src2 and a.event == b.event and i != j and not _exclusive(a, b):
                r.add(
                    ("transitions", j),
                    f"transitions[{i}] and transitions[{j}] both fire '{a.event}' from '{src}' and their guards can "
                    "both pass",
                    a.event,
                    "give each a distinct {came_from: STATE} guard, or merge them",
                )


def _graph(spec: Spec) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {s: set() for s in spec.states}
    for _, src, t in spec.edges():
        if src in out and t.dest in spec.states:
            out[src].add(t.dest)
    return out


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, deque([start])
    while todo:
        for nxt in graph[todo.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _check_graph(r: Problems, spec: Spec) -> None:
    initial = [n for n, s in spec.states.items() if s.initial]
    if len(initial) != 1:
        return
    graph = _graph(spec)
    reached = _reach(graph, initial[0])
    for name in spec.states:
        if name not in reached:
            r.add(
                ("states", name),
                f"state '{name}' is unreachable from the initial state '{initial[0]}'",
                name,
                "add a transition into it or remove it",
            )
    for name in sorted(reached):
        if not _reach(graph, name) & spec.access_states:
            r.add(
                ("states", name),
                f"trap state '{name}': no path leads from it back to access",
                name,
                "add a transition out of it (e.g. a reset)",
            )


def check_spec(spec: Spec, *, file: str = "<spec>", lines: Lines | None = None) -> list[SpecError]:
    r = Problems(file, lines or {})
    _check_names(r, spec)
    for i, t in enumerate(spec.transitions):
        _check_transition(r, spec, i, t)
    _check_unused(r, spec)
    check_fairness(r, spec)
    if r.problems:  # structure first: the rest assumes names resolve
        return r.problems
    _check_conflicts(r, spec)
    _check_graph(r, spec)
    lint_spec(r, spec)
    return sorted(r.problems, key=lambda e: e.line or 0)
