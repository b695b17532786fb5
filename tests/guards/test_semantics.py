"""Each allow-listed guard's formula agrees with the engine on concrete contexts.

Every guard is tested exactly against the engine: a one-transition "probe" spec (the shipped
spec's policy, roles and states; one event reading every input; the guard alone) is run by a
real ``Engine`` on generated accounts, actors and inputs, and the engine's verdict must be the
formula's truth on the same context's values.  The two code guards are abstracted: whether a
code is fresh for a secret is a boolean of the vocabulary (``pending_code_ok``, ``bound_code_ok``,
read off with the engine's own TOTP verifier); what is tested is that the guard needs that secret
to exist, and that only the bound code is judged against the last used step (replay).
Then whole transitions: on both shipped specs the engine goes where the first transition whose
formulas hold goes, in generated contexts and in contexts reached by real flows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import z3
from guard_world import NOW, World, holds, valuation, verdict, worlds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twofa_fsm import Actor, load_spec
from twofa_fsm.spec.catalog import GUARDS
from twofa_fsm.spec.model import Spec
from twofa_fsm.totp import backoff_seconds
from twofa_fsm_tools.guards.semantics import MEANINGS, backoff, meaning
from twofa_fsm_tools.guards.solver import Decider
from twofa_fsm_tools.guards.vocabulary import Vocabulary

ROOT = Path(__file__).resolve().parents[2]
SPECS = {name: load_spec(ROOT / "spec" / f"{name}.yaml") for name in ("twofa", "article")}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_every_catalog_guard_has_a_meaning() -> None:
    assert set(MEANINGS) == set(GUARDS), "give each allow-listed guard a formula in semantics.MEANINGS"


def probe(base: Spec, guard: Any) -> Spec:
    """``base`` with one event that reads every input and one transition, from every state, guarded by ``guard``."""
    data = base.to_data()
    data["events"] = {"probe": {"inputs": ["password", "code", "token", "handle"]}}
    data["transitions"] = [{"event": "probe", "from": list(base.states), "to": base.initial, "guards": [guard]}]
    return Spec.model_validate(data)  # not check_spec: one lone guard is no valid lifecycle, the engine runs it anyway


@st.composite
def guard_refs(draw: Any, spec: Spec, name: str) -> Any:
    param = GUARDS[name].param
    if param == "state":
        return {name: draw(st.sampled_from(sorted(spec.states)))}
    if param == "roles":
        return {name: draw(st.lists(st.sampled_from(sorted(spec.roles)), min_size=1, max_size=3, unique=True))}
    return name


def _agree(spec: Spec, world: World, event: str, expected: str | None, formula_says: str | None) -> None:
    assert expected == formula_says, f"engine: {expected!r}, formulas: {formula_says!r} on {world}"


@pytest.mark.parametrize("guard", sorted(GUARDS))
@pytest.mark.parametrize("name", sorted(SPECS))
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_each_guard_means_what_the_engine_does(name: str, guard: str, data: st.DataObject) -> None:
    base = SPECS[name]
    ref = data.draw(guard_refs(base, guard))
    spec = probe(base, ref)
    world = data.draw(worlds(spec))
    c = Vocabulary(spec)
    values = valuation(c, world)
    assert holds(c, z3.And(c.axioms()), values), "the generated context breaks an axiom"
    g = spec.transitions[0].guards[0]
    passes = holds(c, meaning(c, g.name, g.arg), values)
    _agree(spec, world, "probe", verdict(spec, world, "probe"), spec.initial if passes else None)


def _first_passing(d: Decider, values: dict[str, Any], state: str, event: str) -> str | None:
    for _, source, t in d.spec.edges():
        if source == state and t.event == event and holds(d.c, d.passes(t), values):
            return t.dest
    return None


@pytest.mark.parametrize("name", sorted(SPECS))
@SETTINGS
@given(data=st.data())
def test_shipped_transitions_fire_where_their_formulas_say(name: str, data: st.DataObject) -> None:
    spec = SPECS[name]
    d = Decider(spec)
    event = data.draw(st.sampled_from(sorted(spec.events)))
    world = data.draw(worlds(spec, tuple(sorted({s for _, s, t in spec.edges() if t.event == event}))))
    values = valuation(d.c, world)
    _agree(spec, world, event, verdict(spec, world, event), _first_passing(d, values, world.account.state, event))


def test_contexts_reached_by_real_flows_agree() -> None:
    """Accounts the engine itself brought to reset_pending (from enrolled) and locked_out: every event, four actors."""
    from twofa_harness import HARDENED, Org

    o = Org(HARDENED)
    o.add("olivia", "owner")
    o.add("mia", "member")
    o.add("max", "member")
    o.tick()
    o.keep(o.engine.request_reset(o.acc["mia"], o.actor("olivia")))
    o.keep(o.engine.report_lost_device(o.acc["max"], password="pw-max"))
    o.clock.set(NOW)
    spec = o.engine.spec
    d = Decider(spec)
    owner = o.acc["olivia"]
    actors = [o.actor("olivia"), Actor(owner.id, owner.role, owner.org, NOW - 5000), o.actor("mia"), Actor.system()]
    checked = 0
    for target in ("mia", "max"):
        account = o.acc[target]
        for actor in actors:
            world = World(account.model_copy(update={"id": "target"}), _as_target(actor, target), None, None, None,
                          None, 1)  # fmt: skip
            for event in spec.events:
                expected = verdict(spec, world, event)
                _agree(spec, world, event, expected, _first_passing(d, valuation(d.c, world), account.state, event))
                checked += 1
    assert checked == 2 * 4 * len(spec.events)


def _as_target(actor: Actor, target: str) -> Actor:
    return Actor("target", actor.role, actor.org, actor.verified_at) if actor.id == target else actor


@pytest.mark.parametrize("failures", range(0, 14))
def test_backoff_term_is_the_engines_backoff(failures: int) -> None:
    policy = SPECS["twofa"].policy
    term = z3.simplify(backoff(policy, z3.IntVal(failures)))
    assert float(term.as_fraction()) == backoff_seconds(policy, failures)
