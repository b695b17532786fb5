"""A SPIN trail read back as the built-in checker's moves, so that it is written as a scenario like any other
counterexample (``export.py``): the MOVE lines the model prints, in order; a liveness trail's loop marked."""

from __future__ import annotations

from dataclasses import dataclass

from twofa_fsm_tools.checker.moves import Action
from twofa_fsm_tools.checker.promela import Model
from twofa_fsm_tools.checker.promela_moves import CODES
from twofa_fsm_tools.checker.world import USER

PASSWORDS = {1: "right", 2: "wrong"}
TOKENS = {1: "mail", 2: "wrong"}
HANDLES = {1: "own", 2: "wrong"}
CYCLE = "START OF CYCLE"


@dataclass
class Trail:
    """The moves after set-up (``cycle``: where a liveness trail's loop starts, else None)."""

    role: str
    set_up: bool
    moves: list[Action]
    cycle: int | None = None

    @property
    def start(self) -> str:
        return "set-up" if self.set_up else "new"

    def unrolled(self, times: int = 2) -> list[Action]:
        """A lasso as a path: the prefix and the loop ``times`` over."""
        if self.cycle is None:
            return list(self.moves)
        return self.moves[: self.cycle] + self.moves[self.cycle :] * times


def _action(model: Model, a: int, ev: int, pw: int, cd: int, tk: int, hd: int) -> Action:
    name = model.move_name(ev)
    n = len(model.events)
    if ev >= n + 2:
        return Action("clock", "wait", seconds=model.waits[ev - n - 2])
    if ev >= n:
        return Action(USER, name)
    return Action(
        model.world.parties[a].key,
        name,
        PASSWORDS.get(pw),
        None if cd == 0 else CODES[cd],
        TOKENS.get(tk),
        HANDLES.get(hd),
    )


def read_trail(model: Model, output: str) -> Trail:
    """The moves of ``spin -t`` output (the set-up moves of a set-up world left out: the scenario sets up)."""
    moves: list[Action] = []
    cycle: int | None = None
    for line in output.splitlines():
        if CYCLE in line:
            cycle = len(moves)
            continue
        parts = line.split()
        if len(parts) == 8 and parts[0] == "MOVE":
            phase, *rest = (int(x) for x in parts[1:])
            if phase == 1:
                moves.append(_action(model, *rest))
    if cycle is not None and cycle >= len(moves):
        cycle = None
    return Trail(model.world.role, model.world.set_up, moves, cycle)
