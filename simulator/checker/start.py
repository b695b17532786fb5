"""Where a search starts: the target just created, or set up the way its holder would set it up; and the
accounts the people around the target act through, built the same way.

"Set up" is found, not written down: the holder's shortest path of their own best moves (their password,
their phone, their mail) from the spec's initial state to an access state with a secret on their phone.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

from twofa_fsm import Account, Spec
from twofa_fsm_tools.checker.actions import apply
from twofa_fsm_tools.checker.moves import Action, best
from twofa_fsm_tools.checker.people import LOCKED, RESET
from twofa_fsm_tools.checker.world import EPOCH, USER, Harness, Situation, mailed_token

SETUP_DEPTH = 8
SET_UP, NEW = "set-up", "new"  # the two starts: set up by the holder (in an access state), or just created


def initial(h: Harness, set_up: bool) -> Situation:
    """The target just created (invited, a token in the mail) or already set up by its holder."""
    h.clock.t = EPOCH
    h.entropy.n = 0
    created = h.engine.new_account(h.target_id, h.org, h.target_role, invite=not set_up)
    h.invite = mailed_token(created.emitted)
    world = Situation(EPOCH, h.entropy.n, created.account, (frozenset(), frozenset(), frozenset()), mail=h.invite)
    if not set_up:
        return world
    done = reach_access(h, world)
    return replace(done, now=done.now + h.policy.period)  # as the scenario world: one step passes after set-up


def reach_access(h: Harness, start: Situation) -> Situation:
    """The world after the holder's shortest own path to an access state; ValueError when there is none."""
    todo = deque([(start, 0)])
    seen = {h.key(start)}
    while todo:
        world, depth = todo.popleft()
        if _set_up(h, world):
            return world
        if depth == SETUP_DEPTH:
            continue
        moves = [best(h, world, USER, e) for e in h.engine.allowed_events(world.account)]
        for act in [*moves, Action("clock", "wait", seconds=float(h.policy.period))]:
            nxt = apply(h, world, act).after
            key = h.key(nxt)
            if key not in seen:
                seen.add(key)
                todo.append((nxt, depth + 1))
    raise ValueError(f"the holder cannot set up 2FA from '{start.account.state}' with their own password and phone")


def _set_up(h: Harness, w: Situation) -> bool:
    bound = w.account.bound_secret
    return w.account.state in h.facts.access and bound is not None and bound.get_secret_value() in w.held(USER)


# The people's accounts, per spec (kept alive beside its id) and seed: built once, whatever the machine or search
_BUILT: dict[tuple[int, int], tuple[Spec, dict[str, Account]]] = {}


def build_people(h: Harness, seed: int) -> None:
    """Give every organisation person around the target an account of their own, in the harness: set up,
    or (``reset``) just created, or (``locked``) taken out of access by their own first move that does so."""
    spec, built = _BUILT.setdefault((id(h.spec), seed), (h.spec, {}))
    for n, person in enumerate(p for p in h.people if p.backed):
        if person.id not in built:
            own = Harness(spec, person.role, seed + 1000 + n, ident=person.id, org=person.org or h.org)
            world = initial(own, set_up=person.standing != RESET)
            if person.standing == LOCKED:
                world = _left_access(own, world)
            built[person.id] = world.account
        h.accounts[person.id] = built[person.id]
    if len(_BUILT) > 64:
        _BUILT.clear()


def _left_access(h: Harness, w: Situation) -> Situation:
    """The world after the holder's first own move out of the access state (a lost phone, a lock)."""
    for event in h.engine.allowed_events(w.account):
        after = apply(h, w, best(h, w, USER, event)).after
        if after.account.state not in h.facts.access:
            return after
    return replace(w, account=w.account.model_copy(update={"state": h.spec.initial, "sessions": ()}))
