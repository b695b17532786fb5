"""Injected clocks: the engine never reads the wall clock by itself."""

from __future__ import annotations

import time
from typing import Protocol

REALISTIC_EPOCH = 1_700_000_000.0  # pyotp refuses times below 30 s; start simulations here


class Clock(Protocol):
    """Where the engine reads the time (inject a ``ManualClock`` to simulate)."""

    def now(self) -> float:
        """Seconds since the Unix epoch."""
        ...


class SystemClock:
    """The real clock, for production."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told: for tests and simulations."""

    def __init__(self, start: float = REALISTIC_EPOCH) -> None:
        if start < 30:
            raise ValueError(f"clock start {start!r} is before 30 s; use a realistic epoch such as {REALISTIC_EPOCH}")
        self._t = float(start)

    def now(self) -> float:
        return self._t

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError(f"cannot move the clock backwards by {seconds!r} s; pass a non-negative number")
        self._t += seconds
        return self._t

    def set(self, when: float) -> None:
        if when < self._t:
            raise ValueError(f"cannot move the clock back from {self._t} to {when}")
        self._t = float(when)

    def __repr__(self) -> str:
        return f"ManualClock({self._t!r})"
