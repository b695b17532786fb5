"""The compiled dispatch the checker fires events with, against the shared ``transitions`` machine.

Every step of an exploration is applied twice, on the same world: once through the compiled table (what the
checker uses) and once through the machine (what the library serves by default), and the two must agree on
everything (outcome, refusal, emissions, next world).  Then whole explorations and mutant verdicts must be the
same either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from twofa_fsm import Dispatch, Engine, load_spec
from twofa_fsm.spec.loader import parse_spec_data
from twofa_fsm_tools.checker import actions, explore, pair, search, world
from twofa_fsm_tools.checker.actions import Applied
from twofa_fsm_tools.checker.world import Harness, Situation
from twofa_fsm_tools.mutation.mutants import generate

ROOT = Path(__file__).resolve().parents[2]
SPECS = [ROOT / "spec" / "twofa.yaml", ROOT / "spec" / "article.yaml"]


@contextmanager
def dispatching(how: Dispatch) -> Iterator[None]:
    before = world.DISPATCH[0]
    world.DISPATCH[0] = how
    try:
        yield
    finally:
        world.DISPATCH[0] = before


def _refusal(err: Exception | None) -> Any:
    return None if err is None else (type(err), err.args, vars(err))


def _same_step(a: Applied, b: Applied) -> None:
    where = f"{a.action!r} on {a.before.account.state}"
    assert a.outcome == b.outcome, where
    ra, rb = _refusal(a.error), _refusal(b.error)
    assert ra == rb, (where, ra and {k: (v, rb[2].get(k)) for k, v in ra[2].items() if rb[2].get(k) != v})
    assert a.emitted == b.emitted, where
    assert a.after == b.after, where


class Twin:
    """``apply`` through the compiled engine and, on the same world, through the machine; counts the steps."""

    def __init__(self) -> None:
        self.steps = 0
        self.engines: dict[int, Engine] = {}
        self.events = set[str]()

    def machine_of(self, h: Harness) -> Engine:
        twin = self.engines.get(id(h))
        if twin is None:
            twin = self.engines[id(h)] = Engine(
                h.spec,
                passwords=h.passwords,
                clock=h.clock,
                entropy=h.entropy,
                directory=h.directory,
                dispatch="transitions",
            )
        return twin

    def apply(self, h: Harness, w: Situation, act: Any) -> Applied:
        assert h.engine.dispatch == "compiled"
        compiled = actions.apply(h, w, act)
        engine, memo, calls = h.engine, h.forbidden, (h.calls_on, h.calls)
        h.engine, h.forbidden = self.machine_of(h), {}  # no memo: the machine answers every step itself
        h.calls_on, h.calls = None, {}  # nor the compiled engine's calls on this world
        try:
            machine = actions.apply(h, w, act)
        finally:
            h.engine, h.forbidden, (h.calls_on, h.calls) = engine, memo, calls
        _same_step(compiled, machine)
        self.steps += 1
        if compiled.outcome is not None:
            self.events.add(compiled.outcome.event)
        if compiled.error is not None and compiled.error.followed_by is not None:
            self.events.add(compiled.error.followed_by.event)
        return compiled


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_every_step_of_an_exploration_agrees_with_the_machine(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    twin = Twin()
    monkeypatch.setattr(search, "apply", twin.apply)
    monkeypatch.setattr(pair, "apply", twin.apply)
    never = lambda *args: False  # noqa: E731 - every move through apply: the memo's copies are compared too
    monkeypatch.setattr(search, "refused_again", never)
    monkeypatch.setattr(pair, "refused_again", never)
    spec = load_spec(path)
    result = explore(spec, worlds=(("member", False),), pairs=True, limit=1500)
    assert twin.steps == result.transitions > 40_000
    fired_anywhere = {t.event for t in spec.transitions}
    assert twin.events >= fired_anywhere - {"tick"}, "every event of the spec fired at least once, both ways"


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_whole_explorations_are_the_same_either_way(path: Path) -> None:
    spec = load_spec(path)
    with dispatching("transitions"):
        machine = explore(spec, worlds=(("owner", True),), pairs=True, limit=2000)
    compiled = explore(spec, worlds=(("owner", True),), pairs=True, limit=2000)
    assert (compiled.states, compiled.transitions, compiled.per_target) == (
        machine.states,
        machine.transitions,
        machine.per_target,
    )
    assert [(v.prop, v.message, v.path) for v in compiled.violations] == [
        (v.prop, v.message, v.path) for v in machine.violations
    ]
    assert (compiled.fired, compiled.tried, compiled.inputs) == (machine.fired, machine.tried, machine.inputs)


def test_mutant_verdicts_are_the_same_either_way() -> None:
    """The checker's verdict on one mutant of each class (as mutation testing runs it, bounded here)."""
    first: dict[str, Any] = {}
    for m in generate(load_spec(SPECS[0])):
        first.setdefault(m.kind, m)
    compared = 0
    for mutant in first.values():
        spec, problems = parse_spec_data(mutant.data, {}, f"<mutant {mutant.id}>")
        if spec is None or problems:
            continue
        runs = []
        for how in ("transitions", "compiled"):
            with dispatching(how):  # type: ignore[arg-type]
                r = explore(spec, quick=True, stop_on_violation=True, lean=True, limit=1500)
            runs.append((r.states, r.transitions, [(v.prop, v.message, v.path) for v in r.violations]))
        assert runs[0] == runs[1], mutant.id
        compared += 1
    assert compared >= 4


def test_an_unknown_dispatch_is_refused() -> None:
    from twofa_fsm import PasswordBook

    with pytest.raises(ValueError, match="dispatch 'fast' is not one of"):
        Engine(load_spec(SPECS[0]), passwords=PasswordBook(), dispatch="fast")  # type: ignore[arg-type]


def _summary(result: Any) -> Any:
    return (
        result.states,
        result.transitions,
        result.per_target,
        [(v.prop, v.message, v.path) for v in result.violations],
        result.fired,
        result.tried,
        result.inputs,
        result.allowed_for,
    )


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_the_searchs_shortcuts_change_nothing(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting a memo'd refusal without rebuilding it, answering a holder's repeated call from the first one
    and reusing a pair world's unchanged side key: the same exploration as without them."""
    spec = load_spec(path)
    worlds = (("member", False),)
    fast = explore(spec, worlds=worlds, pairs=True, limit=1200)
    monkeypatch.setattr(search, "refused_again", lambda *args: False)
    monkeypatch.setattr(pair, "refused_again", lambda *args: False)
    monkeypatch.setattr(actions, "_same_call", lambda h, w, fire, same: actions.attempt(w.account, fire))
    monkeypatch.setattr(pair.PairWorld, "key_after", lambda self, key, worlds, after: self.key(after))
    slow = explore(spec, worlds=worlds, pairs=True, limit=1200)
    assert _summary(fast) == _summary(slow)
    assert fast.states > 1200
