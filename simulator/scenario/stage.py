"""One loaded spec and one engine per spec for a whole run (simulate, report, check, mutate).

Loading a spec and building its ``transitions`` machine is the expensive part of a
scenario run, and it does not depend on the scenario.  A ``Stage`` holds the spec
and its engine once; the engine's clock, entropy, passwords and directory are a
relay to whatever the running scenario bound with ``Stage.bound`` (context-local,
so concurrent runs in threads or tasks do not see each other's worlds).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from twofa_fsm import Clock, Engine, Entropy, MemoryStore, PasswordBook, Spec, load_spec


@dataclass(frozen=True, slots=True)
class Bindings:
    """What one scenario's world lends the shared engine while it runs."""

    clock: Clock
    entropy: Entropy
    passwords: PasswordBook
    directory: MemoryStore


_CURRENT: ContextVar[Bindings] = ContextVar("twofa_fsm_scenario_bindings")


class _Relay:
    """Clock, entropy, password verifier and directory of the scenario that is running now."""

    __slots__ = ()

    def now(self) -> float:
        return _CURRENT.get().clock.now()

    def base32(self, length: int) -> str:
        return _CURRENT.get().entropy.base32(length)

    def token(self, nbytes: int) -> str:
        return _CURRENT.get().entropy.token(nbytes)

    def check(self, account_id: str, password: str) -> bool:
        return _CURRENT.get().passwords.check(account_id, password)

    def count_role(self, org: str, role: str) -> int:
        return _CURRENT.get().directory.count_role(org, role)

    def count_able_to_act(self, org: str, role: str, *, exclude: str, states: frozenset[str]) -> int:
        return _CURRENT.get().directory.count_able_to_act(org, role, exclude=exclude, states=states)


class Stage:
    """A spec and its one engine, shared by every scenario of a run."""

    def __init__(self, spec: Spec) -> None:
        relay = _Relay()
        self.spec = spec
        self.engine = Engine(spec, passwords=relay, clock=relay, entropy=relay, directory=relay)

    @contextmanager
    def bound(self, bindings: Bindings) -> Iterator[Engine]:
        """The engine, serving ``bindings``' world until the block ends."""
        token = _CURRENT.set(bindings)
        try:
            yield self.engine
        finally:
            _CURRENT.reset(token)


_SPECS: dict[tuple[str, int, int], Spec] = {}
_STAGES: dict[int, tuple[Spec, Stage]] = {}
_KEEP = 16  # specs and stages kept per process (a mutation run goes through its mutants one by one)


def spec_at(path: str | Path) -> Spec:
    """The spec at ``path``, loaded once per run (reloaded when the file changes; ``SpecError`` if bad)."""
    resolved = Path(path).resolve()
    stat = resolved.stat()
    key = (str(resolved), stat.st_mtime_ns, stat.st_size)
    spec = _SPECS.get(key)
    if spec is None:
        spec = load_spec(resolved)
        if len(_SPECS) >= _KEEP:
            _SPECS.pop(next(iter(_SPECS)))
        _SPECS[key] = spec
    return spec


def stage_for(spec: Spec) -> Stage:
    """The one stage of ``spec`` (by identity: the same loaded spec gets the same engine)."""
    known = _STAGES.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1]
    stage = Stage(spec)
    if len(_STAGES) >= _KEEP:
        _STAGES.pop(next(iter(_STAGES)))
    _STAGES[id(spec)] = (spec, stage)  # the spec is kept alive with its stage, so its id is not reused
    return stage
