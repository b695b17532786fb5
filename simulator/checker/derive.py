"""What the checker needs to know of a spec, derived from the spec under check.

Nothing in the checker's world or moves names an event, a role or a state: every
such name comes from here, and everything here is read off the validated spec
(state flags, role scopes and tiers, the catalog names of guards and effects).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from twofa_fsm import Spec
from twofa_fsm.spec.model import Transition

TIMING_GUARDS = frozenset({"setup_timed_out", "reset_timed_out", "failures_at_limit"})


@dataclass(frozen=True)
class Facts:
    """The spec's shape as the checker sees it."""

    spec: Spec

    @cached_property
    def initial(self) -> str:
        return next(name for name, s in self.spec.states.items() if s.initial)

    @cached_property
    def access(self) -> frozenset[str]:
        return frozenset(name for name, s in self.spec.states.items() if s.access)

    @cached_property
    def confirmation(self) -> frozenset[str]:
        return frozenset(name for name, s in self.spec.states.items() if s.confirmation)

    @cached_property
    def org_roles(self) -> tuple[str, ...]:
        """The organisation's roles, highest tier first."""
        org = [(r.tier, name) for name, r in self.spec.roles.items() if r.scope == "organisation"]
        return tuple(name for _, name in sorted(org, key=lambda x: (-x[0], x[1])))

    @cached_property
    def vendor_roles(self) -> tuple[str, ...]:
        return tuple(sorted(name for name, r in self.spec.roles.items() if r.scope == "vendor"))

    def tier(self, role: str) -> int:
        info = self.spec.roles.get(role)
        return info.tier if info is not None else 0

    def transitions(self, event: str) -> list[Transition]:
        return [t for t in self.spec.transitions if t.event == event]

    def inputs(self, event: str) -> tuple[str, ...]:
        info = self.spec.events.get(event)
        return tuple(info.inputs) if info is not None else ()

    def code_source(self, event: str) -> str:
        """Which secret an event's code is checked against: ``pending`` or ``bound``."""
        return "pending" if event in self._pending_code_events else "bound"

    @cached_property
    def _pending_code_events(self) -> frozenset[str]:
        return frozenset(t.event for t in self.spec.transitions if t.guard("pending_code_valid"))

    @cached_property
    def code_events(self) -> frozenset[str]:
        """Events that judge a code."""
        return frozenset(e for e in self.spec.events if "code" in self.inputs(e))

    @cached_property
    def system_kind(self) -> frozenset[str]:
        """Events meant for the timers: a transition guarded by ``actor_is_system`` or by a timer or counter."""
        return frozenset(
            t.event for t in self.spec.transitions if t.guard("actor_is_system") or _names(t) & TIMING_GUARDS
        )

    @cached_property
    def confirmation_steps(self) -> frozenset[str]:
        """Events of the confirmation step (entering or leaving a confirmation state), not the timers'."""
        conf = self.confirmation
        return frozenset(
            t.event
            for t in self.spec.transitions
            if (t.dest in conf or set(t.source) & conf) and t.event not in self.system_kind
        )

    @cached_property
    def pending_states(self) -> frozenset[str]:
        """States where a pending secret may exist: the sources of a transition that checks a pending code."""
        return frozenset(s for t in self.spec.transitions if t.guard("pending_code_valid") for s in t.source)

    @cached_property
    def starts(self) -> tuple[tuple[str, bool], ...]:
        """The worlds to explore: (target role, starts in an access state?).  The lowest organisation role
        from both starts (new and set up), every other organisation role set up."""
        roles = self.org_roles
        if not roles:
            return ()
        lowest = roles[-1]
        return ((lowest, True), (lowest, False), *((r, True) for r in roles[:-1]))


def _names(t: Transition) -> set[str]:
    return {g.name for g in t.guards}
