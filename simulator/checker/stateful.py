"""Hypothesis stateful testing on any spec, with the checker's derived moves as its rules.

``machine_for(spec)`` returns a ``RuleBasedStateMachine`` whose organisation has one target account per
organisation role of the spec (the checker's worlds), and whose rules draw from exactly the moves the
exhaustive checker explores (``moves.enumerate_actions``): every event by every party with every input
class.  Beyond the checker it takes long random histories, waits of any length around the policy's edges,
phones replaced with or without a backup, and parties that keep making their best moves.  After every
step the properties of ``properties.py`` must hold, and every world must stay recoverable (a bounded
search along legitimate moves).  Hypothesis is needed only here (a development dependency).
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import ClassVar, NoReturn

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from twofa_fsm import Spec
from twofa_fsm_tools.checker.actions import Applied, apply
from twofa_fsm_tools.checker.derive import Facts
from twofa_fsm_tools.checker.moves import Action, best, enumerate_actions, world_moves
from twofa_fsm_tools.checker.properties import PROPERTIES, is_recovered, state_violations, step_violations
from twofa_fsm_tools.checker.references import authorised, sole_top
from twofa_fsm_tools.checker.start import NEW, SET_UP, build_people, initial
from twofa_fsm_tools.checker.world import PARTIES, PHISHER, THIEF, TIMERS, USER, Harness, Situation

RECOVERY_STATES = 3_000  # the bounded search for a way back stops here (and then counts as recovered)


def waits(spec: Spec) -> tuple[float, ...]:
    """Waits around every edge of the policy: a second, a step, the back-off, the timeouts."""
    pol = spec.policy
    edges = [float(pol.period), pol.backoff_max_seconds]
    for limit in (pol.setup_timeout_seconds, pol.token_lifetime_seconds, pol.reset_confirm_seconds):
        if limit is not None:
            edges.append(float(limit))
    around = {max(1.0, e + d) for e in edges for d in (-1.0, 0.0, 1.0, float(pol.period))}
    return (1.0, 2.0, 10.0, *sorted(around))


class DerivedMachine(RuleBasedStateMachine):
    """A small organisation on ``spec``: the checker's worlds, one per organisation role, side by side."""

    spec: ClassVar[Spec]
    recovered: ClassVar[dict[tuple[object, ...], bool]]

    def __init__(self) -> None:
        super().__init__()
        self.h: dict[str, Harness] = {}
        self.worlds: dict[str, Situation] = {}
        self.roles = tuple(dict.fromkeys(role for role, _ in Facts(self.spec).starts))

    # -- plumbing ------------------------------------------------------------------------------

    def fail(self, role: str, what: str, detail: str, last: str) -> NoReturn:
        raise AssertionError(f"{what} [target {self.h[role].target_id} ({role}), after {last}]: {detail}")

    def check(self, role: str, step: Applied, during: str = "") -> None:
        h = self.h[role]
        for prop, msg in step_violations(h, step) + state_violations(h, step.after):
            self.fail(role, f"property {prop} ({PROPERTIES[prop]})", msg, step.action.label() + during)

    def judged(self, role: str, step: Applied) -> None:
        """A hook for subclasses (a reference model): called after the properties, before the world moves on."""

    def do(self, role: str, act: Action) -> None:
        if act.repeat > 1:  # the checker's brute-force macro, one judged step at a time
            pause = self.spec.policy.backoff_max_seconds + self.spec.policy.period
            for _ in range(act.repeat):
                self.do(role, Action("clock", "wait", seconds=pause))
                self.do(role, replace(act, repeat=1))
            return
        step = apply(self.h[role], self.worlds[role], act)
        self.check(role, step)
        self.judged(role, step)
        self.worlds[role] = step.after

    # -- the rules -----------------------------------------------------------------------------

    @initialize(data=st.data())
    def open_organisation(self, data: st.DataObject) -> None:
        for role in self.roles:
            start = data.draw(st.sampled_from((SET_UP, NEW)), label=f"{role} starts")
            h = self.h[role] = Harness(self.spec, role)
            build_people(h, 1)
            w = self.worlds[role] = initial(h, start == SET_UP)
            for prop, msg in state_violations(h, w):
                self.fail(role, f"property {prop}", msg, "start")
            self.opened(role)

    def opened(self, role: str) -> None:
        """A hook for subclasses: the world of ``role`` was just opened."""

    @rule(data=st.data())
    def move(self, data: st.DataObject) -> None:
        """Any move the checker would try: every event by every party with every input class."""
        role = data.draw(st.sampled_from(self.roles), label="target")
        act = data.draw(st.sampled_from(enumerate_actions(self.h[role], self.worlds[role])), label="move")
        self.do(role, act)

    @rule(data=st.data())
    def play_on(self, data: st.DataObject) -> None:
        """The holder or an attacker keeps going: up to three of their best moves on one account (a setup)."""
        role = data.draw(st.sampled_from(self.roles), label="target")
        party = data.draw(st.sampled_from(PARTIES), label="party")
        self._run(data, role, party, 3)

    @rule(data=st.data())
    def person_acts(self, data: st.DataObject) -> None:
        """Someone around the account acts twice in a row (a request and its confirmation), leaning towards
        the people the rules let act."""
        role = data.draw(st.sampled_from(self.roles), label="target")
        h = self.h[role]
        keys = [p.key for p in h.people]
        helpers = [p.key for p in h.people if authorised(h, p, "")] or keys
        person = data.draw(st.one_of(st.sampled_from(helpers), st.sampled_from(keys)), label="person")
        self._run(data, role, person, 2)

    @rule(data=st.data(), then_best=st.booleans())
    def brute_force(self, data: st.DataObject, then_best: bool) -> None:
        """Wrong codes on an event that judges one, each after the back-off (the limit must lock at once); then
        maybe the holder's right code."""
        role = data.draw(st.sampled_from(self.roles), label="target")
        h, w = self.h[role], self.worlds[role]
        events = [e for e in h.engine.allowed_events(w.account) if e in h.facts.code_events]
        if not events:
            return
        event = data.draw(st.sampled_from(events), label="event")
        party = data.draw(st.sampled_from((USER, PHISHER)), label="party")
        tries = data.draw(st.integers(1, self.spec.policy.max_failures + 1), label="tries")
        wrong = replace(best(h, w, party, event), code="wrong")
        self.do(role, replace(wrong, repeat=tries) if tries > 1 else wrong)
        if then_best:
            self.do(role, Action("clock", "wait", seconds=self.spec.policy.backoff_max_seconds + 1))
            self.do(role, best(h, self.worlds[role], USER, event))

    def _run(self, data: st.DataObject, role: str, who: str, most: int) -> None:
        h = self.h[role]
        for _ in range(data.draw(st.integers(1, most), label="moves")):
            w = self.worlds[role]
            allowed = h.engine.allowed_events(w.account)
            if not allowed:
                return
            event = data.draw(st.sampled_from(allowed), label="event")
            self.do(role, best(h, w, who, event) if who in PARTIES else Action(who, event))

    @rule(data=st.data())
    def wait(self, data: st.DataObject) -> None:
        seconds = data.draw(st.sampled_from(waits(self.spec)), label="seconds")
        for role in self.roles:
            self.do(role, Action("clock", "wait", seconds=seconds))

    @rule(data=st.data(), backup=st.booleans(), sold=st.booleans())
    def replace_phone(self, data: st.DataObject, backup: bool, sold: bool) -> None:
        """A new phone: the secrets move with a backup or are gone; an old phone sold unwiped ends with the thief."""
        role = data.draw(st.sampled_from(self.roles), label="target")
        w = self.worlds[role]
        held = w.held(USER)
        w = w.with_held(USER, held if backup else frozenset())
        self.worlds[role] = w.with_held(THIEF, w.held(THIEF) | held) if sold else w

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def worlds_are_sound(self) -> None:
        for role, w in self.worlds.items():
            for prop, msg in state_violations(self.h[role], w):
                self.fail(role, f"property {prop} ({PROPERTIES[prop]})", msg, "the last step")

    @invariant()
    def recoverable(self) -> None:
        """From every world the user can get back to an access state along legitimate moves."""
        for role, w in self.worlds.items():
            h = self.h[role]
            key = (role, *h.key(w))
            if key not in self.recovered:
                self.recovered[key] = _recovers(h, w)
            excused = sole_top(h) and not h.facts.vendor_roles  # the checker notes it, as a warning
            if not self.recovered[key] and not excused:
                why = f"no legitimate path back from {w.account.state}"
                self.fail(role, f"property recoverable ({PROPERTIES['recoverable']})", why, "the last step")


def _legit_moves(h: Harness, w: Situation) -> list[Action]:
    """The moves that can help the user back: the holder's best try at each event, every authorised person,
    the timers, and time passing (a wrong input never helps, and neither does an attacker)."""
    allowed = h.engine.allowed_events(w.account)
    out = [best(h, w, USER, event) for event in allowed]
    out += [Action(p.key, event) for event in allowed for p in h.people if authorised(h, p, event)]
    out += [Action(TIMERS, "tick"), *(act for act in world_moves(h, w) if act.actor == "clock")]
    return out


def _recovers(h: Harness, start: Situation) -> bool:
    """A bounded breadth-first search for a recovered world along legitimate moves."""
    seen = {h.key(start)}
    todo = deque([start])
    while todo and len(seen) < RECOVERY_STATES:
        w = todo.popleft()
        if is_recovered(h, w):
            return True
        for act in _legit_moves(h, w):
            nxt = apply(h, w, act).after
            key = h.key(nxt)
            if key not in seen:
                seen.add(key)
                todo.append(nxt)
    return bool(todo)  # the bound was reached: not a proof of the opposite


def machine_for(spec: Spec) -> type[DerivedMachine]:
    """A state machine class for ``spec`` (run it with ``run_state_machine_as_test`` or ``.TestCase``)."""
    return type("DerivedMachine", (DerivedMachine,), {"spec": spec, "recovered": {}})
