"""The loader's checks of a spec's optional ``fairness`` section: every party, event and state it names exists."""

from __future__ import annotations

from twofa_fsm.spec.diagnostics import Problems, suggest
from twofa_fsm.spec.model import Spec

PARTIES = ("user", "system")  # the account holder and the timers; any other party is a role of the spec


def check_fairness(r: Problems, spec: Spec) -> None:
    """One problem per unknown name in ``fairness``, pointing at it."""
    parties = (*PARTIES, *spec.roles)
    for i, f in enumerate(spec.fairness):
        here = ("fairness", i)
        if f.party not in parties:
            fix = suggest(f.party, parties) + " (user: the holder; system: the timers; a role: its verified holder)"
            r.add(here + ("party",), f"unknown party '{f.party}'", f.party, fix)
        for j, event in enumerate(f.eventually):
            if event not in spec.events:
                r.add(here + ("eventually", j), f"unknown event '{event}'", event, suggest(event, spec.events))
        for j, state in enumerate(f.when):
            if state not in spec.states:
                r.add(here + ("when", j), f"unknown state '{state}'", state, suggest(state, spec.states))
