"""The library's own actor for timers and counters, as the checker's worlds name it."""

from __future__ import annotations

from twofa_fsm import Actor

TIMERS_ACTOR = Actor.system()
TIMERS = TIMERS_ACTOR.id
