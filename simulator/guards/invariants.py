"""What the account's flags can be in each state: a fixpoint over the spec's transitions.

Three facts that guards read are set and cleared only by effects: the remembered prior state
(``remember_prior_state`` sets it to the source, ``forget_prior_state`` clears it), the pending
secret (``create_pending_secret`` / ``bind_pending_secret``, ``discard_pending_secret``) and the
bound secret (``bind_pending_secret`` / ``revoke_secret``).  Starting from the initial state
with none of them, every transition of the spec (whether or not its guards can pass: an
over-approximation) carries the combinations it can see into its destination.  A guard that
asks for a combination a state never has can never pass there (``{came_from: enrolled}`` on a
transition out of a state nobody enters with ``remember_prior_state``).
"""

from __future__ import annotations

from typing import NamedTuple

from twofa_fsm.spec.model import Spec, Transition


class Facts(NamedTuple):
    prior: str | None
    pending: bool
    bound: bool


def after(facts: Facts, source: str, t: Transition) -> Facts:
    """The facts after ``t`` fires from ``source`` (its effects, in order)."""
    for effect in t.effects:
        name = effect.name
        if name == "remember_prior_state":
            facts = facts._replace(prior=source)
        elif name == "forget_prior_state":
            facts = facts._replace(prior=None)
        elif name == "create_pending_secret":
            facts = facts._replace(pending=True)
        elif name == "bind_pending_secret":
            facts = facts._replace(pending=False, bound=True)
        elif name == "discard_pending_secret":
            facts = facts._replace(pending=False)
        elif name == "revoke_secret":
            facts = facts._replace(bound=False)
    return facts


def state_facts(spec: Spec) -> dict[str, frozenset[Facts]]:
    """For each state, every combination of facts an account can have there (empty: unreachable)."""
    seen: dict[str, set[Facts]] = {name: set() for name in spec.states}
    initial = [name for name, s in spec.states.items() if s.initial]
    todo: list[tuple[str, Facts]] = [(name, Facts(None, False, False)) for name in initial]
    for name, facts in todo:
        seen[name].add(facts)
    while todo:
        state, facts = todo.pop()
        for _, source, t in spec.edges():
            if source != state or t.dest not in seen:
                continue
            nxt = after(facts, source, t)
            if nxt not in seen[t.dest]:
                seen[t.dest].add(nxt)
                todo.append((t.dest, nxt))
    return {name: frozenset(found) for name, found in seen.items()}
