"""Breadth-first exploration with shortest counterexamples, and the recoverability check."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable

from twofa_fsm import DeniedError, Spec
from twofa_fsm_tools.checker.actions import Applied, apply, refused_again
from twofa_fsm_tools.checker.derive import Facts
from twofa_fsm_tools.checker.describe import describe_parties
from twofa_fsm_tools.checker.graph import Key, path_to, reaching
from twofa_fsm_tools.checker.moves import Action, enumerate_actions
from twofa_fsm_tools.checker.pair import PAIR, pair_result, pair_roles
from twofa_fsm_tools.checker.properties import is_legit, is_recovered, state_violations, step_violations
from twofa_fsm_tools.checker.references import SOLE_TOP_NOTE, VENDOR_TOO, sole_top
from twofa_fsm_tools.checker.results import CheckResult, Violation
from twofa_fsm_tools.checker.start import NEW, SET_UP, build_people, initial
from twofa_fsm_tools.checker.world import Harness, Situation


class _Search:
    """Breadth-first search of one world from its start; keeps the parents to report shortest paths."""

    def __init__(
        self, h: Harness, start: Situation, start_name: str, result: CheckResult, limit: int, stop: bool
    ) -> None:
        self.h, self.start_name, self.result, self.limit, self.stop = h, start_name, result, limit, stop
        self.root = h.key(start)
        self.worlds: dict[Key, Situation] = {self.root: start}
        self.parents: dict[Key, tuple[Key, Action] | None] = {self.root: None}
        self.legit_back: dict[Key, set[Key]] = {}
        self.found: set[str] = set()
        self.noted: set[Action] = set()  # the moves already counted in the result's "tried" and "inputs"
        self.todo = deque([self.root])

    def report(self, prop: str, message: str, key: Key, last: Action | None) -> None:
        if prop in self.found:
            return
        self.found.add(prop)
        path = path_to(self.parents, key) + ([last] if last is not None else [])
        self.result.violations.append(Violation(prop, message, self.h.target_role, self.start_name, path))
        if self.stop:
            self.todo.clear()

    def run(self) -> None:
        for prop, msg in state_violations(self.h, self.worlds[self.root]):
            self.report(prop, msg, self.root, None)
        while self.todo:
            self._expand(self.todo.popleft())
            if self.stop and self.found:
                break
        complete = len(self.worlds) < self.limit and not (self.stop and self.found)
        self.result.states += len(self.worlds)
        self.result.per_target[f"{self.h.target_role}/{self.start_name}"] = len(self.worlds)
        if complete:
            self._check_recoverable()

    def _expand(self, key: Key) -> None:
        h, world = self.h, self.worlds[key]
        for act in enumerate_actions(h, world):
            self.result.transitions += 1
            if refused_again(h, world, act):
                continue  # the memo was filled by this very move: it is noted as tried already
            step: Applied = apply(h, world, act)
            if act.actor != "clock":
                self._note_move(act, step)
            if step.error is not None and step.error.followed_by is not None:
                self.result.fired.add(step.error.followed_by.event)  # the lock a counted failure triggers
            for prop, msg in step_violations(h, step):
                self.report(prop, msg, key, act)
            nxt = key if step.after is world else h.key(step.after)
            if is_legit(h, step):
                self.legit_back.setdefault(nxt, set()).add(key)
            if nxt not in self.worlds and not self._discover(nxt, step.after, key, act):
                break

    def _note_move(self, act: Action, step: Applied) -> None:
        r = self.result
        if step.outcome is not None:
            r.fired.add(step.outcome.event)
            r.allowed_for.setdefault(step.outcome.event, set()).add(act.actor)
        self._note_tried(act)

    def _note_tried(self, act: Action) -> None:
        if act in self.noted:
            return
        self.noted.add(act)
        r = self.result
        r.tried.setdefault(act.event, set()).add(act.actor)
        given = (("password", act.password), ("code", act.code), ("token", act.token), ("handle", act.handle))
        declared = self.h.facts.inputs(act.event)
        r.inputs.setdefault(act.event, set()).update(f"{k}={v or 'none'}" for k, v in given if k in declared)

    def _discover(self, key: Key, world: Situation, parent: Key, act: Action) -> bool:
        """Record a world seen for the first time; False when the state limit stops the search."""
        self.worlds[key] = world
        self.parents[key] = (parent, act)
        for prop, msg in state_violations(self.h, world):
            self.report(prop, msg, key, None)
        if len(self.worlds) >= self.limit:
            self.result.notes.append(f"{self.h.target_role}/{self.start_name}: stopped at the state limit {self.limit}")
            self.todo.clear()
            return False
        self.todo.append(key)
        return True

    def _check_recoverable(self) -> None:
        good = reaching((k for k, w in self.worlds.items() if is_recovered(self.h, w)), self.legit_back)
        stuck = [k for k in self.worlds if k not in good]
        if not stuck:
            return
        h = self.h
        depth = {k: len(path_to(self.parents, k)) for k in stuck}
        worst = min(stuck, key=lambda k: depth[k])
        state = self.worlds[worst].account.state
        message = f"{h.target_id} ({h.target_role}) cannot get back to an access state from {state}"
        if not sole_top(h):
            self.report("recoverable", message, worst, None)
            return
        self.result.notes.append(SOLE_TOP_NOTE.format(message=message))
        if h.facts.vendor_roles:
            self.report("recoverable", message + VENDOR_TOO, worst, None)


def _explore_one(
    h: Harness, start: Situation, start_name: str, result: CheckResult, limit: int, stop: bool = False
) -> None:
    _Search(h, start, start_name, result, limit, stop).run()


def worlds_of(spec: Spec, quick: bool = False) -> tuple[tuple[str, bool], ...]:
    """(target role, starts set up?): the lowest organisation role from both starts, every other one set up;
    ``quick``: the lowest and the top role, set up."""
    starts = Facts(spec).starts
    if not quick or len(starts) < 3:
        return starts
    return (starts[0], starts[2])


def _explore_world(
    spec: Spec, role: str, set_up: bool, limit: int, seed: int, stop: bool, lean: bool = False
) -> CheckResult:
    result = CheckResult(spec)
    h = Harness(spec, role, seed, lean=lean)
    start_name = SET_UP if set_up else NEW
    try:
        build_people(h, seed)
        start = initial(h, set_up)
        result.parties.update(describe_parties(h))
    except (DeniedError, ValueError) as err:
        result.violations.append(
            Violation("recoverable", f"{h.target_id} ({role}) cannot even enrol: {err}", role, start_name, [])
        )
        return result
    _explore_one(h, start, start_name, result, limit, stop)
    return result


def _explore_args(args: tuple[Spec, str, str, int, int, bool, bool]) -> CheckResult:
    spec, role, start, limit, seed, stop, lean = args
    if start == PAIR:
        return pair_result(spec, role, limit, seed, stop)
    return _explore_world(spec, role, start == SET_UP, limit, seed, stop, lean)


def explore(
    spec: Spec,
    *,
    worlds: tuple[tuple[str, bool], ...] | None = None,
    limit: int = 200_000,
    seed: int = 1,
    stop_on_violation: bool = False,
    jobs: int = 1,
    quick: bool = False,
    lean: bool = False,
    pairs: bool | None = None,
) -> CheckResult:
    """Explore each world; ``stop_on_violation``: stop at the first violation (mutation testing); ``lean``:
    leave out the people whose own account does not let them act (the library refuses them before any guard
    of the spec runs, so a spec's mutants need not meet them again).

    ``pairs`` (default: unless ``quick`` or ``lean``) adds the pair worlds: two holders of each of the top two
    organisation roles acting on each other (``pair.py``).

    ``jobs`` > 1 explores the worlds in that many processes; the results are merged in
    world order, so they are the same whatever ``jobs`` is (only ``seconds`` differs).
    """
    result = CheckResult(spec)
    started = time.perf_counter()
    chosen = worlds_of(spec, quick) if worlds is None else worlds
    starts = [(role, SET_UP if set_up else NEW) for role, set_up in chosen]
    if pairs if pairs is not None else not (quick or lean or worlds is not None):
        starts += [(role, PAIR) for role in pair_roles(spec)]
    work = [(spec, role, start, limit, seed, stop_on_violation, lean) for role, start in starts]
    parts: Iterable[CheckResult]
    if jobs > 1 and len(work) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(work))) as pool:
            first = sorted(range(len(work)), key=lambda i: work[i][2] != PAIR)  # the largest worlds start first
            futures = {i: pool.submit(_explore_args, work[i]) for i in first}
            parts = [futures[i].result() for i in range(len(work))]
    else:
        parts = (_explore_args(w) for w in work)
    for part in parts:
        result.merge(part)
        if stop_on_violation and result.violations:
            break
    result.seconds = time.perf_counter() - started
    return result
