"""Two accounts of one role that act on each other: two holders of the top organisation role, and two of
the next one (the spec decides which roles those are).

Each account is a full world of its own (``Situation``, its own ``Harness``); the person acting on one is
the other's holder, through the other's account as it is *now*: after being reset, locked out or left
idle, they may not act (``twofa_fsm.acting.standing``).  The moves are the legitimate ones (each holder's
best try at every event, the peer's every event, vendor staff, the timers, time passing, a lost phone),
so mutual resets, chains, and both holders locked out are explored; every property is judged on every
step, with the peer's standing judged from their live account, and both must stay recoverable.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from typing import Any

from twofa_fsm import Account, Spec
from twofa_fsm.sessions import live
from twofa_fsm_tools.checker.actions import Applied, apply, refused_again
from twofa_fsm_tools.checker.graph import Key, path_to, reaching
from twofa_fsm_tools.checker.moves import Action, best
from twofa_fsm_tools.checker.people import FRESH, PEER, VENDOR, Colleague
from twofa_fsm_tools.checker.properties import is_recovered, state_violations, step_violations
from twofa_fsm_tools.checker.references import authorised, restores
from twofa_fsm_tools.checker.results import CheckResult, Violation
from twofa_fsm_tools.checker.start import SET_UP, build_people, initial
from twofa_fsm_tools.checker.world import ORG, TIMERS, USER, Harness, Situation

PAIR = "pair"  # the start name of these worlds


class PairDirectory:
    """Who holds which role, and who can still act, read from the two live accounts."""

    def __init__(self) -> None:
        self.accounts: tuple[Account, ...] = ()
        self.access: frozenset[str] = frozenset()

    def count_role(self, org: str, role: str) -> int:
        return sum(a.org == org and a.role == role for a in self.accounts)

    def count_able_to_act(self, org: str, role: str, *, exclude: str, states: frozenset[str]) -> int:
        return sum(a.org == org and a.role == role and a.id != exclude and a.state in states for a in self.accounts)


@dataclass(frozen=True)
class PairMove:
    side: int  # 0 or 1: whose account the move is on (a clock move: both)
    action: Action

    def label(self) -> str:
        return f"[{self.side}] {self.action.label()}"


class PairWorld:
    """Both accounts, their harnesses and the shared directory."""

    def __init__(self, spec: Spec, role: str, seed: int = 1) -> None:
        self.role = role
        self.directory = PairDirectory()
        self._ready: tuple[int, tuple[Situation, Situation]] | None = None  # what ``ready`` last pointed at
        self.h = (self._side(spec, role, "a", seed), self._side(spec, role, "b", seed + 1))
        for side, h in enumerate(self.h):
            other = self.h[1 - side]
            above = h.facts.tier(role)
            helpers = [
                p for p in h.people if p.standing == VENDOR or (p.standing == FRESH and h.facts.tier(p.role) > above)
            ]
            h.people = tuple(p for p in helpers if p.org in (ORG, None))  # who may help: vendor staff, higher roles
            build_people(h, seed)
            h.people = (Colleague("peer", other.target_id, role, ORG, PEER), *h.people)

    def _side(self, spec: Spec, role: str, name: str, seed: int) -> Harness:
        h = Harness(spec, role, seed, ident=f"{role}_{name}", directory=self.directory)
        self.directory.access = h.facts.access
        return h

    def start(self) -> tuple[Situation, Situation]:
        return (initial(self.h[0], True), initial(self.h[1], True))

    def ready(self, side: int, worlds: tuple[Situation, Situation]) -> Harness:
        """Point side ``side``'s harness at the other account as it is now."""
        h = self.h[side]
        if self._ready is not None and self._ready[0] == side and self._ready[1] is worlds:
            return h
        self._ready = (side, worlds)
        h.accounts[self.h[1 - side].target_id] = worlds[1 - side].account
        h.other_can_act = worlds[1 - side].account.state in h.facts.access
        h.peer_standing = (worlds[1 - side].account.state in h.facts.access, *self._standing(worlds[1 - side]))
        h.peer_state = worlds[1 - side].account.state
        self.directory.accounts = (worlds[0].account, worlds[1].account)
        return h

    def key(self, worlds: tuple[Situation, Situation]) -> Key:
        """Coarser than a single world's key (no code classes are tried here): per account its state, where
        the confirmation step came from, the timers that can fire, what its holder holds, and how they stand."""
        return tuple(self._side_key(side, worlds[side]) for side in (0, 1))

    def key_after(self, key: Key, worlds: tuple[Situation, Situation], after: tuple[Situation, Situation]) -> Key:
        """``key(after)``, reusing the side keys of ``key`` (the key of ``worlds``) for the accounts a move left."""
        if after is worlds:
            return key
        old: Any = key
        return tuple(old[i] if after[i] is worlds[i] else self._side_key(i, after[i]) for i in (0, 1))

    def _side_key(self, side: int, w: Situation) -> Key:
        k: Any = self.h[side].key(w)
        reset_due, state, prior, token, required, timed_out = k[0], k[1], k[2], k[5], k[6], k[7]
        holds, mail, no_bound, no_pending = k[10][0], k[11][1], k[14], k[15]
        return (state, prior, reset_due, token, required, timed_out, holds, mail, no_bound, no_pending,
                *self._standing(w))  # fmt: skip

    def _standing(self, w: Situation) -> tuple[bool, bool]:
        """Whether the account's holder may act on the other now: a live session, a recent one."""
        pol = self.h[0].policy
        sessions = live(w.account, w.now, pol)
        recent = pol.recent_auth_seconds
        fresh = any(recent is None or w.now - s.started_at <= recent for s in sessions)
        return (bool(sessions), fresh)

    def moves(self, worlds: tuple[Situation, Situation]) -> list[PairMove]:
        out: list[PairMove] = []
        for side in (0, 1):
            h, w = self.h[side], worlds[side]
            allowed = h.engine.allowed_events(w.account)
            acts = [best(h, w, USER, e) for e in allowed] + [Action(p.key, e) for e in allowed for p in h.people]
            acts.append(Action(TIMERS, "tick"))
            if w.held(USER):
                acts.append(Action(USER, "lose_phone"))
            out += [PairMove(side, a) for a in acts]
        pol = self.h[0].policy
        longest = max(pol.recent_auth_seconds or 0, pol.setup_timeout_seconds or 0, pol.reset_confirm_seconds or 0)
        out.append(PairMove(0, Action("clock", "wait", seconds=float(longest + pol.period))))  # 2FA goes stale
        return out

    def apply(self, worlds: tuple[Situation, Situation], move: PairMove) -> tuple[Applied, tuple[Situation, Situation]]:
        act = move.action
        if act.actor == "clock":
            step = apply(self.h[0], worlds[0], act)
            return step, (step.after, replace(worlds[1], now=worlds[1].now + act.seconds))
        h = self.ready(move.side, worlds)
        step = apply(h, worlds[move.side], act)
        if step.after is worlds[move.side]:
            return step, worlds
        after = (step.after, worlds[1]) if move.side == 0 else (worlds[0], step.after)
        return step, after

    def refused_again(self, worlds: tuple[Situation, Situation], move: PairMove) -> bool:
        """A move the engine already refused as Forbidden for the same memo key (``actions.refused_again``)."""
        if move.action.actor == "clock":
            return False
        return refused_again(self.ready(move.side, worlds), worlds[move.side], move.action)

    def violations(self, worlds: tuple[Situation, Situation], move: PairMove, step: Applied) -> list[tuple[str, str]]:
        if move.action.actor == "clock":
            return []
        h = self.h[move.side]
        out = step_violations(h, step) + state_violations(h, step.after)
        if step.outcome is not None and step.person is not None and step.person.standing == PEER:
            out += self._peer_stood(worlds[1 - move.side], h, step)
        return out

    def _peer_stood(self, peer: Situation, h: Harness, step: Applied) -> list[tuple[str, str]]:
        """The peer acted: their own account, as it was, must have let them."""
        assert step.outcome is not None
        has_session, fresh = self._standing(peer)
        who, event = peer.account.id, step.outcome.event
        if peer.account.state not in h.facts.access or not has_session:
            return [("actor_must_stand", f"{who} ({peer.account.state}, live session: {has_session}) did {event}")]
        if not fresh and not restores(h, event):
            return [("reset_only_by_authorised_actor", f"{who} did {event} without a recent 2FA")]
        return []

    def legit(self, move: PairMove, step: Applied) -> bool:
        act = move.action
        if act.event == "lose_phone":
            return False
        return step.person is None or authorised(self.h[move.side], step.person, act.event)

    def recovered(self, worlds: tuple[Situation, Situation]) -> bool:
        return all(is_recovered(self.h[side], worlds[side]) for side in (0, 1))


@dataclass
class PairFinding:
    prop: str
    message: str
    path: list[PairMove]


def pair_result(spec: Spec, role: str, limit: int, seed: int, stop: bool) -> CheckResult:
    """A pair world explored, as a ``CheckResult`` (its paths name whose account each move is on)."""
    result = CheckResult(spec)
    pw = PairWorld(spec, role, seed)
    states, transitions, found, notes = explore_pair(pw, limit, stop)
    result.states, result.transitions, result.notes = states, transitions, notes
    result.per_target[f"{role}+{role}/{PAIR}"] = states
    for f in found:
        path = [absolute(pw, m) for m in f.path]
        result.violations.append(Violation(f.prop, f.message, role, PAIR, path, pair_path=f.path))
    return result


def absolute(pw: PairWorld, move: PairMove) -> Action:
    """A pair move as an ``Action`` naming people: the holder and the peer by their ids, on whose account."""
    act, h = move.action, pw.h[move.side]
    if act.actor == "clock":
        return act
    actor = {USER: h.target_id, "peer": pw.h[1 - move.side].target_id}.get(act.actor, act.actor)
    return replace(act, actor=actor, on=h.target_id)


def explore_pair(pw: PairWorld, limit: int, stop: bool) -> tuple[int, int, list[PairFinding], list[str]]:
    """Breadth-first over both accounts: (states, transitions, findings (shortest first), notes)."""
    role = pw.role
    start = pw.start()
    root = pw.key(start)
    worlds: dict[Key, tuple[Situation, Situation]] = {root: start}
    parents: dict[Key, tuple[Key, PairMove] | None] = {root: None}
    back: dict[Key, set[Key]] = {}
    found: dict[str, PairFinding] = {}
    todo, transitions = deque([root]), 0
    while todo and not (stop and found):
        key = todo.popleft()
        for move in pw.moves(worlds[key]):
            transitions += 1
            if pw.refused_again(worlds[key], move):
                continue
            step, after = pw.apply(worlds[key], move)
            for prop, message in pw.violations(worlds[key], move, step):
                found.setdefault(prop, PairFinding(prop, message, [*path_to(parents, key), move]))
            nxt = pw.key_after(key, worlds[key], after)
            if pw.legit(move, step):
                back.setdefault(nxt, set()).add(key)
            if nxt not in worlds and len(worlds) < limit:
                worlds[nxt], parents[nxt] = after, (key, move)
                todo.append(nxt)
    notes = [f"{role}+{role}/{PAIR}: stopped at the state limit {limit}"] if len(worlds) >= limit else []
    if not todo and not (stop and found):
        stuck = _stuck(pw, worlds, back)
        if stuck is not None:
            state = "/".join(w.account.state for w in worlds[stuck])
            message = f"two {role}s cannot both get back to an access state from {state}"
            found.setdefault("recoverable", PairFinding("recoverable", message, path_to(parents, stuck)))
    return len(worlds), transitions, list(found.values()), notes


def _stuck(pw: PairWorld, worlds: dict[Key, tuple[Situation, Situation]], back: dict[Key, set[Key]]) -> Key | None:
    good = reaching((k for k, w in worlds.items() if pw.recovered(w)), back)
    return next((k for k in worlds if k not in good), None)


def pair_roles(spec: Spec) -> tuple[str, ...]:
    """The roles whose holders may act on each other: the top two organisation roles."""
    from twofa_fsm_tools.checker.derive import Facts

    return Facts(spec).org_roles[:2]


__all__ = ["PAIR", "SET_UP", "PairFinding", "PairWorld", "explore_pair", "pair_result", "pair_roles"]
