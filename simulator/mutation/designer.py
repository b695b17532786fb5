"""Mutants of the classes a designer's edit makes: add an event between two states with the guards of an
existing one, add a role (an existing or a new one) to a role guard, move a transition's source (its target:
the retarget class of ``mutants.py``), reorder effects, relax a policy knob past its bound.  Nothing here
names an event, role or state of the shipped specs: all come from the spec.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, Protocol

from twofa_fsm_tools.mutation.kinds import Mutant, name_of, tid


class Factory(Protocol):
    def __call__(self, kind: str, ident: str, description: str, change: Any) -> Mutant: ...


def _sources(t: dict[str, Any]) -> list[str]:
    return [t["from"]] if isinstance(t["from"], str) else list(t["from"])


def designer_mutants(mutant: Factory, base: dict[str, Any]) -> Iterator[Mutant]:
    states = list(base["states"])
    roles = [r for r, info in base["roles"].items() if info.get("scope", "organisation") != "system"]
    for i, t in enumerate(base["transitions"]):
        yield from _added_events(mutant, i, t, states)
        yield from _moved_sources(mutant, i, t, states)  # moved targets: the "retarget" class (mutants.py)
        yield from _added_roles(mutant, i, t, roles)
        if len(t["effects"]) > 1:
            yield mutant(
                "reorder-effects",
                tid(t, i),
                f"run the effects of {t['event']} (transitions[{i}]) in reverse order",
                lambda d, i=i: d["transitions"][i]["effects"].reverse(),
            )
    yield from _relaxed_policy(mutant, base)


def _added_events(mutant: Factory, i: int, t: dict[str, Any], states: list[str]) -> Iterator[Mutant]:
    """A new event from each state the transition does not leave, to its target, with its guards and effects."""
    for state in states:
        if state in _sources(t) or state == t["to"]:
            continue

        def add(d: dict[str, Any], i: int = i, state: str = state) -> None:
            extra = copy.deepcopy(d["transitions"][i])
            extra["event"] = f"{extra['event']}_from_{state}"
            extra["from"] = state
            d["events"][extra["event"]] = copy.deepcopy(d["events"][d["transitions"][i]["event"]])
            d["transitions"].append(extra)

        yield mutant(
            "add-event",
            f"{tid(t, i)}@{state}",
            f"a new event like {t['event']} (same guards) from {state} to {t['to']}",
            add,
        )


def _moved_sources(mutant: Factory, i: int, t: dict[str, Any], states: list[str]) -> Iterator[Mutant]:
    for state in states:
        if state not in _sources(t):
            yield mutant(
                "move-source",
                f"{tid(t, i)}<-{state}",
                f"fire {t['event']} (transitions[{i}]) from {state} instead",
                lambda d, i=i, state=state: d["transitions"][i].__setitem__("from", state),
            )


def _added_roles(mutant: Factory, i: int, t: dict[str, Any], roles: list[str]) -> Iterator[Mutant]:
    for j, g in enumerate(t["guards"]):
        if not (isinstance(g, dict) and "actor_role_in" in g):
            continue
        listed = g["actor_role_in"] if isinstance(g["actor_role_in"], list) else [g["actor_role_in"]]
        for role in roles:
            if role in listed:
                continue

            def add_role(d: dict[str, Any], i: int = i, j: int = j, role: str = role) -> None:
                guard = d["transitions"][i]["guards"][j]
                guard["actor_role_in"] = [*guard["actor_role_in"], role]

            yield mutant(
                "add-role",
                f"{tid(t, i)}/{name_of(g)}+{role}",
                f"let {role} fire {t['event']} (transitions[{i}])",
                add_role,
            )

        def new_role(d: dict[str, Any], i: int = i, j: int = j) -> None:
            d["roles"]["newcomer"] = {"tier": 2, "scope": "organisation", "description": "a role the designer added"}
            guard = d["transitions"][i]["guards"][j]
            guard["actor_role_in"] = [*guard["actor_role_in"], "newcomer"]

        yield mutant(
            "add-role",
            f"{tid(t, i)}/{name_of(g)}+newcomer",
            f"declare a new organisation role and let it fire {t['event']} (transitions[{i}])",
            new_role,
        )


# a knob set just past what the references allow (None: the knob is switched off)
_PAST_BOUND: tuple[tuple[str, object, str], ...] = (
    ("backoff_max_seconds", 0.5, "a back-off that cannot grow past half a second"),
    ("backoff_max_seconds", 0, "no back-off at all"),
    ("drift_window", 2, "a two-step drift window, not said to be on purpose"),
    ("setup_timeout_seconds", None, "setups that never time out"),
    ("token_lifetime_seconds", None, "setup tokens that never expire"),
    ("recent_auth_seconds", None, "no recency rule for resetting admins"),
    ("reset_confirm_seconds", None, "resets that wait at the confirmation step for ever"),
)


def _relaxed_policy(mutant: Factory, base: dict[str, Any]) -> Iterator[Mutant]:
    policy = base.get("policy", {})
    for knob, value, what in _PAST_BOUND:
        if knob in policy and policy[knob] != value:
            yield mutant(
                "relax-policy",
                f"{knob}={value}",
                what,
                lambda d, knob=knob, value=value: d["policy"].__setitem__(knob, value),
            )
