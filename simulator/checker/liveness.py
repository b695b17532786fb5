"""Liveness under the spec's declared fairness, in the built-in checker: a lasso search on the state graph.

The graph is the built-in checker's (every move of every party, ``moves.py``, on the abstract worlds of
``world.py``), kept whole: every edge with who moved and what the engine allowed.  A goal (``liveness_goals``)
is violated by a *fair lasso*: a path from the start into a trigger state, then a cycle that never reaches the
goal, on which

- time passes (the cycle has a clock move: no run where time stands still is a counterexample), and
- every fairness declaration is kept (weak fairness): if the declared party could take one of its promised
  moves in every state of the cycle (the account in a ``when`` state and the engine would allow the move), it
  takes one on the cycle; and so does the clock for each of its long waits (past the back-off, past each
  running timer): every timer that runs eventually comes due.

Such a cycle exists iff some strongly connected component of the non-goal states reachable from a trigger has
a clock edge and, for every declaration, an edge taking it or a state where it is not enabled (a cycle through
the whole component then meets them all): the search is exact on the graph.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from twofa_fsm import Spec
from twofa_fsm_tools.checker.actions import apply
from twofa_fsm_tools.checker.export import write_scenario
from twofa_fsm_tools.checker.graph import Key, path_to
from twofa_fsm_tools.checker.liveness_goals import GOALS, Cond, goal_states
from twofa_fsm_tools.checker.liveness_scc import components, route
from twofa_fsm_tools.checker.moves import Action, enumerate_actions
from twofa_fsm_tools.checker.properties import is_recovered
from twofa_fsm_tools.checker.results import Violation
from twofa_fsm_tools.checker.start import NEW, SET_UP, build_people, initial
from twofa_fsm_tools.checker.world import TIMERS, USER, Harness, Situation

Edge = tuple[Key, Action, str | None]  # (next state, move, the event the engine allowed or None)


@dataclass
class Lasso:
    goal: str
    role: str
    start: str
    prefix: list[Action]
    loop: list[Action]

    def path(self, times: int = 2) -> list[Action]:
        return self.prefix + self.loop * times

    def labels(self) -> list[str]:
        return [a.label() for a in self.prefix] + ["-- loop --"] + [a.label() for a in self.loop]


class LassoViolation(Violation):
    @property
    def description(self) -> str:
        return GOALS[self.prop]


@dataclass
class LivenessResult:
    lassos: dict[str, Lasso] = field(default_factory=dict)
    states: int = 0
    seconds: float = 0.0


def _actor(h: Harness, party: str) -> str | None:
    if party == "user":
        return USER
    if party == "system":
        return TIMERS
    keys = {p.key for p in h.people}
    return next((k for k in (f"{party}_fresh", f"{party}_desk") if k in keys), None)


class _Graph:
    def __init__(self, h: Harness, start: Situation, limit: int) -> None:
        self.h = h
        self.root = h.key(start)
        self.worlds: dict[Key, Situation] = {self.root: start}
        self.parents: dict[Key, tuple[Key, Action] | None] = {self.root: None}
        self.edges: dict[Key, list[Edge]] = {}
        todo = deque([self.root])
        while todo and len(self.worlds) < limit:
            key = todo.popleft()
            world = self.worlds[key]
            out: list[Edge] = []
            for act in enumerate_actions(h, world):
                step = apply(h, world, act)
                nxt = key if step.after is world else h.key(step.after)
                out.append((nxt, act, step.outcome.event if step.outcome is not None else None))
                if nxt not in self.worlds:
                    self.worlds[nxt] = step.after
                    self.parents[nxt] = (key, act)
                    todo.append(nxt)
            self.edges[key] = out

    def holds(self, key: Key, cond: Cond) -> bool:
        states, recovered = cond
        w = self.worlds[key]
        return w.account.state in states and (not recovered or is_recovered(self.h, w))

    def lasso(self, goal: str, start_name: str) -> Lasso | None:
        h = self.h
        trigger, reached = goal_states(h.facts, goal)
        bad = {k for k in self.edges if not self.holds(k, reached)}
        roots = sorted((k for k in bad if self.holds(k, trigger)), key=lambda k: len(path_to(self.parents, k)))
        rparent: dict[Key, tuple[Key, Action] | None] = dict.fromkeys(roots)
        todo = deque(roots)
        while todo:
            node = todo.popleft()
            for nxt, act, _ in self.edges[node]:
                if nxt in bad and nxt not in rparent and nxt in self.edges:
                    rparent[nxt] = (node, act)
                    todo.append(nxt)
        region = set(rparent)
        promises = [(_actor(h, f.party), set(f.eventually), set(f.when)) for f in h.spec.fairness]
        states = set(h.spec.states)
        promises += [("clock", {_wait(s)}, states) for s in long_waits(h.spec)]  # every running timer comes due
        best: Lasso | None = None
        for comp in components(region, self.edges):
            loop = self._fair_loop(comp, promises)
            if loop is None:
                continue
            entry, moves = loop
            prefix = path_to(self.parents, _root(rparent, entry)) + path_to(rparent, entry)
            found = Lasso(goal, h.target_role, start_name, prefix, moves)
            if best is None or len(found.prefix) + len(found.loop) < len(best.prefix) + len(best.loop):
                best = found
        return best

    def _fair_loop(
        self, comp: set[Key], promises: list[tuple[str | None, set[str], set[str]]]
    ) -> tuple[Key, list[Action]] | None:
        inner = [(k, e) for k in comp for e in self.edges[k] if e[0] in comp]
        if not inner:
            return None
        clock = next(((k, e) for k, e in inner if e[1].actor == "clock"), None)
        if clock is None:
            return None
        waypoints: list[tuple[Key, Edge | None]] = [clock]
        for actor, events, when in promises:
            taken = next(((k, e) for k, e in inner if _takes(e, actor, events)), None)
            if taken is not None:
                waypoints.append(taken)
                continue
            off = next((k for k in comp if not self._enabled(k, actor, events, when)), None)
            if off is None:
                return None  # enabled all along the component, never taken in it: no fair cycle here
            waypoints.append((off, None))
        entry = min(comp, key=lambda k: len(path_to(self.parents, k)))
        return entry, route(entry, waypoints, comp, self.edges)

    def _enabled(self, key: Key, actor: str | None, events: set[str], when: set[str]) -> bool:
        if actor is None or self.worlds[key].account.state not in when:
            return False
        return any(_takes(e, actor, events) for e in self.edges[key])


def long_waits(spec: Spec) -> list[float]:
    """The clock's waits past the back-off and past each timer (``moves.world_moves``): weakly fair moves."""
    pol = spec.policy
    limits = (pol.setup_timeout_seconds, pol.token_lifetime_seconds, pol.reset_confirm_seconds)
    return [pol.backoff_max_seconds + pol.period, *(float(x + pol.period) for x in limits if x is not None)]


def _wait(seconds: float) -> str:
    return f"wait {seconds:g}"


def _takes(edge: Edge, actor: str | None, events: set[str]) -> bool:
    """``edge`` is ``actor`` taking one of ``events`` (allowed by the engine), or the clock's promised wait."""
    act = edge[1]
    if act.actor != actor:
        return False
    return _wait(act.seconds) in events if actor == "clock" else edge[2] in events


def _root(parents: dict[Key, tuple[Key, Action] | None], key: Key) -> Key:
    node = parents[key]
    while node is not None:
        key = node[0]
        node = parents[key]
    return key


def liveness(
    spec: Spec, worlds: tuple[tuple[str, bool], ...], *, lean: bool = False, limit: int = 200_000, seed: int = 1
) -> LivenessResult:
    """The shortest fair lasso of each goal over ``worlds`` (none: the goal holds under the declared fairness)."""
    started = time.perf_counter()
    result = LivenessResult()
    for role, set_up in worlds:
        h = Harness(spec, role, seed, lean=lean)
        build_people(h, seed)
        graph = _Graph(h, initial(h, set_up), limit)
        result.states += len(graph.worlds)
        for goal in GOALS:
            found = graph.lasso(goal, SET_UP if set_up else NEW)
            old = result.lassos.get(goal)
            if found is not None and (old is None or len(found.path(1)) < len(old.path(1))):
                result.lassos[goal] = found
    result.seconds = time.perf_counter() - started
    return result


def write_lasso(lasso: Lasso, spec: Spec, spec_path: str, out_dir: str | Path) -> tuple[Path, Path]:
    """The lasso as a scenario (the loop unrolled twice) and drawn on the spec diagram beside it."""
    from twofa_fsm_tools.checker.export import scenario_for, write_counterexample_diagram

    n = len(lasso.prefix)
    message = f"after step {n} the last {len(lasso.loop)} steps repeat forever, fairly, and the goal is never met"
    v = LassoViolation(lasso.goal, message, lasso.role, lasso.start, lasso.path())
    data = scenario_for(v, spec, spec_path)
    data["name"] = f"lasso-{spec.name}-{lasso.goal.replace('_', '-')}"
    path = write_scenario(data, out_dir, "twofa-fsm check")
    return path, write_counterexample_diagram(v, spec, path)
