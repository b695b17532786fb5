"""Where secrets, tokens and session ids come from.

Production uses the operating system's CSPRNG (``secrets``).  Simulations inject
``SeededEntropy`` so that a seed replays the same run; it must never be used to
protect real accounts.
"""

from __future__ import annotations

import random
import secrets
from typing import Protocol

_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class Entropy(Protocol):
    """Where the engine draws secrets, setup tokens and session ids (inject ``SeededEntropy`` to simulate)."""

    def base32(self, length: int) -> str:
        """A random base32 secret of ``length`` characters."""
        ...

    def token(self, nbytes: int) -> str:
        """A random URL-safe token."""
        ...


class SystemEntropy:
    """The CSPRNG: ``pyotp.random_base32`` and ``secrets.token_urlsafe``."""

    def base32(self, length: int) -> str:
        import pyotp

        return pyotp.random_base32(length)

    def token(self, nbytes: int) -> str:
        return secrets.token_urlsafe(nbytes)


class SeededEntropy:
    """Deterministic, for simulations and tests only (NOT secure)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)  # noqa: S311 - simulation only, by design

    def base32(self, length: int) -> str:
        return "".join(self._rng.choice(_B32) for _ in range(length))

    def token(self, nbytes: int) -> str:
        return self._rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()
