"""The vendor's support desk, for the conformance tests only (served under ``/dev/vendor`` with
``TWOFA_DEV_ENDPOINTS=1``).

The spec has vendor staff (the ``support`` role) who act from the vendor's own console, where they pass 2FA;
this example has no such console, so the dev endpoints keep the staff in memory: who they are, their role,
and when they last passed 2FA there.  A real deployment has its own staff directory and console.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from twofa_fsm import Actor


@dataclass(frozen=True)
class Staff:
    id: str
    role: str
    verified_at: float | None = None


class VendorConsole:
    """Vendor staff by id (thread-safe)."""

    def __init__(self) -> None:
        self._staff: dict[str, Staff] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"VendorConsole({len(self._staff)} staff)"

    def register(self, person: str, role: str) -> Staff:
        with self._lock:
            self._staff[person] = staff = Staff(person, role)
        return staff

    def authenticate(self, person: str, now: float) -> Staff | None:
        """``person`` passed 2FA in the console at ``now``; None if there is no such person."""
        with self._lock:
            found = self._staff.get(person)
            if found is None:
                return None
            self._staff[person] = staff = Staff(found.id, found.role, now)
        return staff

    def actor(self, person: str) -> Actor | None:
        """The staff member as an actor (no organisation), or None."""
        with self._lock:
            found = self._staff.get(person)
        return None if found is None else Actor(found.id, found.role, None, found.verified_at)
