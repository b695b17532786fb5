"""The generated-path suite: shortest paths, found by a breadth-first search over the engine on the spec,
that cover every transition of the spec and every guard outcome per role (allowed, and refused by each
guard that refuses it).

The search runs on the oracle itself (``EngineDriver`` forks), one world per start of the checker
(``cast.starts``).  Each time a move reaches a goal no earlier path reached, the path to it becomes a
case.  The states are abstracted (``_key``) so the search ends; what it did not reach is listed.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field

from twofa_fsm import Spec
from twofa_fsm import sessions as _sessions
from twofa_fsm.totp import backoff_seconds
from twofa_fsm_tools.conform.bench import Bench
from twofa_fsm_tools.conform.cast import ATTACKER, Cast, cast_for, event_moves, staff_steps, starts, step, waits
from twofa_fsm_tools.conform.engine_driver import EngineDriver
from twofa_fsm_tools.conform.run import Case
from twofa_fsm_tools.conform.world import Unsupported
from twofa_fsm_tools.scenario.model import Step

MAX_DEPTH = 6


@dataclass
class Plan:
    """The cases of the suite and the goals: reached (by the case that reached each first) and not."""

    cases: list[Case] = field(default_factory=list)
    reached: dict[str, str] = field(default_factory=dict)
    edges: list[str] = field(default_factory=list)  # every edge of the spec, as goal names

    @property
    def missing_edges(self) -> list[str]:
        return [e for e in self.edges if e not in self.reached]


@dataclass
class _Node:
    bench: Bench
    path: list[Step]


def edge_goal(source: str, event: str, dest: str) -> str:
    return f"transition {source} -{event}-> {dest}"


def path_cases(spec: Spec, spec_path: str, *, clock: bool = True, max_depth: int = MAX_DEPTH) -> Plan:
    """Every case of the suite on ``spec`` (``clock``: whether moves may let time pass)."""
    plan = Plan(edges=list(dict.fromkeys(edge_goal(s, t.event, t.dest) for _, s, t in spec.edges())))
    for role, set_up in starts(spec):
        _search(spec, cast_for(spec, spec_path, role, set_up), plan, clock, max_depth)
    return plan


def _search(spec: Spec, cast: Cast, plan: Plan, clock: bool, max_depth: int) -> None:
    root = Bench(EngineDriver(spec), spec, cast.scenario([step(action="wait", seconds=0)]))
    try:
        root.open()
    except Unsupported:
        return
    todo = deque([_Node(root, [])])
    seen = {_key(root, cast)}
    while todo:
        node = todo.popleft()
        if len(node.path) >= max_depth:
            continue
        for moves in _moves(spec, cast, node.bench, clock):
            child = _fork(node.bench)
            steps, move = staff_steps(cast, moves), moves[-1]
            try:
                seen_last = [child.do(step)[-1] for step in steps][-1]
            except Unsupported:
                continue
            path = node.path + steps
            _note(plan, cast, move, child, path, seen_last.kind)
            key = _key(child, cast)
            if key not in seen:
                seen.add(key)
                todo.append(_Node(child, path))


def _fork(bench: Bench) -> Bench:
    assert isinstance(bench.driver, EngineDriver)
    return Bench(bench.driver.fork(), bench.spec, bench.scenario, side=bench.w.copy())


def _moves(spec: Spec, cast: Cast, bench: Bench, clock: bool) -> list[list[Step]]:
    """The moves from here, each a list of steps (brute force: wrong codes, each after its back-off)."""
    driver = bench.driver
    assert isinstance(driver, EngineDriver)
    account = driver.account(cast.target)
    out: list[list[Step]] = []
    for event in driver.allowed_events(account.state):
        out += [[step] for step in event_moves(spec, cast, event)]
        if clock and "code" in spec.events[event].inputs and account.failures:
            out.append(_brute(spec, cast, event, account.failures))
    return out + ([[step] for step in waits(spec)] if clock else [])


def _brute(spec: Spec, cast: Cast, event: str, failures: int) -> list[Step]:
    """Wrong codes up to the failure limit, each as soon as the back-off lets it be judged."""
    pol, t = spec.policy, cast.target
    return [
        step(actor=t, action="fire", event=event, account=t, code="wrong", wait_before=backoff_seconds(pol, n))
        for n in range(failures, max(failures + 1, pol.max_failures))
    ]


def _note(plan: Plan, cast: Cast, move: Step, child: Bench, path: list[Step], kind: str | None) -> None:
    driver = child.driver
    assert isinstance(driver, EngineDriver)
    goals = [edge_goal(*edge) for edge in driver.last_edges]
    if move.action == "fire":
        verdict = "allowed" if kind == "ok" else f"refused ({kind}) by {driver.last_guard or 'no guard'}"
        goals.append(f"{move.event} by {cast.role_of(move.actor)}: {verdict}")
    new = [g for g in goals if g not in plan.reached]
    if not new:
        return
    name = f"{cast.name}-{len(plan.cases) + 1:03d}"
    for goal in new:
        plan.reached[goal] = name
    plan.cases.append(Case(name, "paths", cast.scenario(path), covers=tuple(new)))


def _key(bench: Bench, cast: Cast) -> tuple[object, ...]:
    """The target's state and what can change behaviour, abstracted (as the checker's key)."""
    driver = bench.driver
    assert isinstance(driver, EngineDriver)
    w, pol, now = bench.w, bench.spec.policy, driver.now()
    a = driver.account(cast.target)
    held = {who: [e for p in w.phones.values() if p.holder == who for e in p.entries_for(cast.target)]
            for who in (cast.target, ATTACKER)}  # fmt: skip
    holds = tuple((any(e.same_secret(a.bound_secret) for e in es), any(e.same_secret(a.pending_secret) for e in es))
                  for es in held.values())  # fmt: skip
    mail = w.mail.get(cast.target, [])
    newest = hashlib.sha256(mail[-1].encode()).hexdigest() if mail else None
    handles = tuple(w.handles.get(cast.target, ("", ""))[0] == who for who in (cast.target, ATTACKER))
    top = pol.max_failures
    failures = 0 if not a.failures else 1 if a.failures < top - 1 else min(a.failures, top + 1) - top + 3
    backoff = a.last_failure_at is not None and now < a.last_failure_at + backoff_seconds(pol, a.failures)
    return (
        a.state, a.prior_state, failures, backoff, a.token_required, a.bound_secret is None,
        a.pending_secret is None, None if a.token_expires_at is None else now < a.token_expires_at,
        _due(pol.setup_timeout_seconds, a.pending_since, now),
        _due(pol.reset_confirm_seconds, a.reset_requested_at, now),
        bool(_sessions.live(a, now, pol)), holds, (min(len(mail), 2), newest == a.token_digest), handles,
        cast.target in w.last_code, _standing(bench, cast, now),
    )  # fmt: skip


def _due(limit: float | None, since: float | None, now: float) -> bool | None:
    return None if limit is None or since is None else now - since > limit


def _standing(bench: Bench, cast: Cast, now: float) -> tuple[tuple[bool, bool], ...]:
    """For each colleague with an account: a live session, and a recent one."""
    driver = bench.driver
    assert isinstance(driver, EngineDriver)
    pol, out = bench.spec.policy, []
    for ident, _ in cast.colleagues:
        if ident in cast.staff:
            continue
        live = _sessions.live(driver.account(ident), now, pol)
        recent = pol.recent_auth_seconds is None or any(now - s.started_at <= pol.recent_auth_seconds for s in live)
        out.append((bool(live), bool(live) and recent))
    return tuple(out)


__all__ = ["MAX_DEPTH", "Plan", "edge_goal", "path_cases"]
