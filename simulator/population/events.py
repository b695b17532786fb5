"""The population run's event kinds: the handler registry the flow modules fill, and the run's time constants.

Flow modules register their handlers with ``@handles(kind)``; ``block`` imports the
flows once, at the top, so the registry is complete before any run.  Nothing here
imports the block (the handlers only name ``BlockSim`` in their annotations).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twofa_fsm_tools.population.block import BlockSim
    from twofa_fsm_tools.population.people import SimUser

DAY = 86400.0
START = math.ceil(1_700_000_000 / DAY) * DAY  # a midnight (UTC) at a realistic epoch: pyotp needs t >= 30 s

Handler = Callable[["BlockSim", "SimUser", int], None]
HANDLERS: dict[str, Handler] = {}


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register the handler of an event kind (the flow modules use it)."""

    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register
