"""The checker's world comes from the spec under check: a designer's own event, role or edge is explored,
the people who act are accounts of their own, and nothing in the search or the moves names the shipped specs."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from twofa_fsm import Account, Actor, Engine, Spec, load_spec
from twofa_fsm_tools.checker import actions as actions_module
from twofa_fsm_tools.checker import explore
from twofa_fsm_tools.checker.derive import Facts
from twofa_fsm_tools.checker.export import scenario_for
from twofa_fsm_tools.scenario.model import Scenario
from twofa_fsm_tools.scenario.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]
BASE: dict[str, Any] = yaml.safe_load((ROOT / "spec" / "twofa.yaml").read_text(encoding="utf-8"))
SEARCH_AND_MOVES = (
    "search", "moves", "world", "people", "actions", "start", "derive", "describe", "stateful", "pair", "pair_export"
)  # fmt: skip


def _shipped_names() -> set[str]:
    names: set[str] = set()
    for spec in ("twofa.yaml", "article.yaml"):
        data = yaml.safe_load((ROOT / "spec" / spec).read_text(encoding="utf-8"))
        names |= set(data["states"]) | set(data["events"]) | set(data["roles"])
    return names


def test_no_shipped_name_in_the_search_and_moves() -> None:
    pattern = re.compile(r"\b(" + "|".join(sorted(_shipped_names())) + r")\b", re.IGNORECASE)
    found = [
        f"{name}.py:{n}: {line.strip()}"
        for name in SEARCH_AND_MOVES
        for n, line in enumerate((ROOT / "simulator" / "checker" / f"{name}.py").read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, "\n".join(found)


def _edited(edit: str) -> Spec:
    """spec/twofa.yaml with a designer's edit, built without validate's security rules (the checker must find
    the break on its own)."""
    d = copy.deepcopy(BASE)
    ts: list[dict[str, Any]] = d["transitions"]
    if edit == "change_phone":  # a self-service shortcut: a phished password alone re-binds the authenticator
        d["events"]["change_phone"] = {"inputs": ["password"]}
        guards = ["is_self", "password_valid"]
        ts.append({"event": "change_phone", "from": "enrolled", "to": "setup_in_progress", "guards": guards,
                   "effects": ["create_pending_secret"]})  # fmt: skip
    elif edit == "admin_start_setup":  # an Owner/Admin moves a user out of enrolled, no confirmation
        guards = ["same_organisation", {"actor_role_in": ["owner", "admin"]}, "not_self", "actor_recently_verified"]
        ts.append({"event": "start_setup", "from": "enrolled", "to": "setup_in_progress", "guards": guards,
                   "effects": ["create_pending_secret"]})  # fmt: skip
    elif edit == "helpdesk":  # a new role added to every reset guard
        d["roles"]["helpdesk"] = {"tier": 2, "scope": "organisation"}
        for t in ts:
            for g in t.get("guards", []):
                if isinstance(g, dict) and "actor_role_in" in g:
                    g["actor_role_in"] = [*g["actor_role_in"], "helpdesk"]
    elif edit == "no_backoff":
        d["policy"]["backoff_max_seconds"] = 0
    elif edit == "login_from_locked":  # a variant: a locked-out user logs in again without a reset
        ts.append({**copy.deepcopy(next(t for t in ts if t["event"] == "login")), "from": "locked_out"})
    return Spec.model_validate(d)


@pytest.mark.parametrize(
    ("edit", "prop"),
    [
        ("change_phone", "rebind_needs_proof"),
        ("admin_start_setup", "rebind_needs_proof"),
        ("helpdesk", "reset_only_by_authorised_actor"),
        ("no_backoff", "backoff_respected"),
        ("login_from_locked", "access_only_by_login_or_setup"),
    ],
)
def test_the_checker_finds_each_edit_even_past_validate(edit: str, prop: str) -> None:
    spec = _edited(edit)
    result = explore(spec, quick=True, stop_on_violation=True)
    assert result.violations and result.violations[0].prop == prop, result.violations[:1]
    v = result.violations[0]
    data = scenario_for(v, spec, "spec/twofa.yaml")
    replay = run_scenario(Scenario.model_validate(data), spec_override=spec)
    mismatched = [f for f in replay.failures if f.what != "security"]
    assert not mismatched, mismatched  # the counterexample replays, state by state


def test_a_designer_event_is_tried_by_every_party_with_its_inputs() -> None:
    d = copy.deepcopy(BASE)  # a harmless event of the designer's own: the holder confirms their phone number
    d["events"]["confirm_phone"] = {"inputs": ["password"]}
    guards = ["is_self", "password_valid"]
    d["transitions"].append({"event": "confirm_phone", "from": "enrolled", "to": "enrolled", "guards": guards})
    result = explore(Spec.model_validate(d), quick=True)
    assert result.ok, result.violations[:1]
    tried = result.tried["confirm_phone"]
    assert {"user", "phisher", "thief", "system", "self"} <= tried
    assert {"admin_fresh", "admin_stale", "admin_out", "admin_locked", "admin_reset", "owner_other"} <= tried
    assert {"password=right", "password=wrong", "password=none"} <= result.inputs["confirm_phone"]
    assert result.allowed_for["confirm_phone"] == {"user", "phisher"}  # the phisher has the password


def test_people_act_through_their_own_accounts(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the library's standing check bypassed, an admin whose own account was reset, locked out or logged
    out acts on others, and the checker says so (its property for the actor's own account)."""

    def bypassed(engine: Engine, own: Account | None, actor: Actor, target: Account, event: str) -> Actor:
        started = [s.started_at for s in own.sessions] if own is not None else []
        return Actor(actor.id, actor.role, actor.org, max(started, default=engine.clock.now() - 5))

    monkeypatch.setattr(actions_module, "standing", bypassed)
    result = explore(load_spec(ROOT / "spec" / "twofa.yaml"), quick=True, stop_on_violation=True)
    assert "actor_must_stand" in result.violated(), result.violations[:1]
    who = next(v for v in result.violations if v.prop == "actor_must_stand").path[-1].actor
    assert who.endswith(("_out", "_locked", "_reset")), who


def test_the_worlds_follow_the_spec_roles() -> None:
    d = copy.deepcopy(BASE)
    d["roles"]["auditor"] = {"tier": 1, "scope": "organisation"}
    facts = Facts(Spec.model_validate(d))
    assert facts.org_roles == ("owner", "admin", "auditor", "member")
    assert facts.starts[:2] == (("member", True), ("member", False))
    assert {r for r, _ in facts.starts} == {"owner", "admin", "auditor", "member"}


def test_two_holders_of_a_role_act_on_each_other() -> None:
    """Two owners (and two admins): mutual resets, chains and both locked out are explored; on the hardened
    spec vendor support gets both owners back; on the article's nobody can."""
    from twofa_fsm_tools.checker.pair import pair_result

    hardened = pair_result(load_spec(ROOT / "spec" / "twofa.yaml"), "owner", 100_000, 1, False)
    assert hardened.ok and hardened.states > 1000, hardened.violations[:1]
    article = pair_result(load_spec(ROOT / "spec" / "article.yaml"), "owner", 100_000, 1, False)
    stuck = next(v for v in article.violations if v.prop == "recoverable")
    assert "locked_out/locked_out" in stuck.message
    data = scenario_for(stuck, article.spec, "spec/article.yaml")
    replay = run_scenario(Scenario.model_validate(data), spec_override=article.spec)
    assert replay.passed, replay.failures


def test_a_reset_owner_may_not_reset_the_other(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the library's standing check bypassed, the pair world finds an owner acting on the other owner
    from an account that no longer lets them (reset, locked out or idle)."""
    from twofa_fsm_tools.checker.pair import pair_result

    def bypassed(engine: Engine, own: Account | None, actor: Actor, target: Account, event: str) -> Actor:
        return Actor(actor.id, actor.role, actor.org, engine.clock.now() - 5)

    monkeypatch.setattr(actions_module, "standing", bypassed)
    result = pair_result(load_spec(ROOT / "spec" / "twofa.yaml"), "owner", 100_000, 1, True)
    assert "actor_must_stand" in result.violated(), result.violations[:1]
    assert result.violations[0].path[-1].on is not None  # the path says whose account each move is on
