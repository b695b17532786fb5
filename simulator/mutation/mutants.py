"""Generate broken versions of a spec, as plain data in the spec's YAML form."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from twofa_fsm import Spec
from twofa_fsm_tools.mutation.designer import designer_mutants
from twofa_fsm_tools.mutation.kinds import Mutant, name_of, tid

Change = Callable[..., Any]  # called with the data to change; lambdas bind their loop variables as defaults


class _Factory:
    """Makes a mutant: a deep copy of the spec's data with one change applied."""

    def __init__(self, base: dict[str, Any]) -> None:
        self.base = base

    def __call__(self, kind: str, ident: str, description: str, change: Change) -> Mutant:
        data = copy.deepcopy(self.base)
        change(data)
        return Mutant(f"{kind}/{ident}", kind, description, data)


def generate(spec: Spec) -> Iterator[Mutant]:
    base = spec.to_data()
    mutant = _Factory(base)
    for i, t in enumerate(base["transitions"]):
        yield from _guard_mutants(mutant, i, t)
        yield from _effect_mutants(mutant, i, t)
        yield from _retarget_mutants(mutant, i, t, list(base["states"]))
    yield from _login_mutants(mutant, base)
    yield from _confirmation_mutants(mutant, base)
    yield from _global_mutants(mutant, base)
    yield from designer_mutants(mutant, base)


def _guard_mutants(mutant: _Factory, i: int, t: dict[str, Any]) -> Iterator[Mutant]:
    """Drop each guard of transitions[i]; drop each role an actor_role_in guard lists."""
    for j, g in enumerate(t["guards"]):
        yield mutant(
            "drop-guard",
            f"{tid(t, i)}/{name_of(g)}",
            f"drop guard {name_of(g)} from {t['event']} (transitions[{i}])",
            lambda d, i=i, j=j: d["transitions"][i]["guards"].pop(j),
        )
        if isinstance(g, dict) and "actor_role_in" in g:
            for role in g["actor_role_in"]:

                def drop_role(d: dict[str, Any], i: int = i, j: int = j, role: str = role) -> None:
                    d["transitions"][i]["guards"][j]["actor_role_in"].remove(role)

                yield mutant(
                    "drop-role",
                    f"{tid(t, i)}/{role}",
                    f"drop role {role} from {t['event']} (transitions[{i}])",
                    drop_role,
                )


def _effect_mutants(mutant: _Factory, i: int, t: dict[str, Any]) -> Iterator[Mutant]:
    for j, e in enumerate(t["effects"]):
        yield mutant(
            "drop-effect",
            f"{tid(t, i)}/{name_of(e)}",
            f"drop effect {name_of(e) if isinstance(e, str) else e} from {t['event']} (transitions[{i}])",
            lambda d, i=i, j=j: d["transitions"][i]["effects"].pop(j),
        )


def _retarget_mutants(mutant: _Factory, i: int, t: dict[str, Any], states: list[str]) -> Iterator[Mutant]:
    for state in states:
        if state != t["to"]:
            yield mutant(
                "retarget",
                f"{tid(t, i)}->{state}",
                f"send {t['event']} (transitions[{i}]) to {state} instead of {t['to']}",
                lambda d, i=i, state=state: d["transitions"][i].__setitem__("to", state),
            )


def _login_mutants(mutant: _Factory, base: dict[str, Any]) -> Iterator[Mutant]:
    """Let login (same guards) reach its destination from every other state."""
    login = next((t for t in base["transitions"] if t["event"] == "login"), None)
    if login is None:
        return
    sources = [login["from"]] if isinstance(login["from"], str) else login["from"]
    for state in base["states"]:
        if state not in sources:

            def add_login(d: dict[str, Any], state: str = state) -> None:
                extra = copy.deepcopy(login)
                extra["from"], extra["to"] = state, login["to"]
                d["transitions"].append(extra)

            yield mutant(
                "add-into-enrolled",
                f"login@{state}",
                f"let login (same guards) reach {login['to']} from {state}",
                add_login,
            )


def _confirmation_mutants(mutant: _Factory, base: dict[str, Any]) -> Iterator[Mutant]:
    """Remove the confirmation step: the request resets at once."""
    confirm_state = next((n for n, s in base["states"].items() if s.get("confirmation")), None)
    if confirm_state is None:
        return

    def no_confirmation(d: dict[str, Any]) -> None:
        confirm = next(
            t
            for t in d["transitions"]
            if confirm_state in t["from"] and "revoke_secret" in [name_of(e) for e in t["effects"]]
        )
        for t in d["transitions"]:
            if t["to"] == confirm_state:
                t["to"] = confirm["to"]
                t["effects"] = [e for e in t["effects"] if name_of(e) != "remember_prior_state"] + confirm["effects"]
        d["transitions"] = [
            t
            for t in d["transitions"]
            if confirm_state not in (t["from"] if isinstance(t["from"], list) else [t["from"]])
        ]
        del d["states"][confirm_state]
        for event in ("confirm_reset", "cancel_reset"):
            d["events"].pop(event, None)

    yield mutant(
        "no-confirmation",
        confirm_state,
        f"remove the confirmation step {confirm_state}: the request resets at once",
        no_confirmation,
    )


def _skip_token(d: dict[str, Any]) -> None:
    for t in d["transitions"]:
        t["guards"] = [g for g in t["guards"] if name_of(g) != "setup_token_valid"]
    for e in d["events"].values():
        e["inputs"] = [x for x in e.get("inputs", []) if x != "token"]


def _no_replay(d: dict[str, Any]) -> None:
    for t in d["transitions"]:
        t["effects"] = [e for e in t["effects"] if name_of(e) != "accept_code"]


def _global_mutants(mutant: _Factory, base: dict[str, Any]) -> Iterator[Mutant]:
    """Whole-spec breaks: no setup token, no replay protection, weaker policy numbers."""
    if any(name_of(g) == "setup_token_valid" for t in base["transitions"] for g in t["guards"]):
        yield mutant("skip-token", "all", "setup no longer checks the emailed token", _skip_token)
    yield mutant("no-replay-protection", "all", "never mark accepted codes used", _no_replay)
    yield mutant(
        "policy",
        "drift_window=2",
        "widen the drift window to 2 steps",
        lambda d: d["policy"].__setitem__("drift_window", 2),
    )
    yield mutant(
        "policy",
        "max_failures=150",
        "raise the failure limit above 100",
        lambda d: d["policy"].__setitem__("max_failures", 150),
    )
    yield mutant(
        "policy", "backoff=0", "switch the back-off off", lambda d: d["policy"].__setitem__("backoff_base_seconds", 0)
    )
    if base["policy"].get("token_lifetime_seconds"):
        yield mutant(
            "policy",
            "token_lifetime=30d",
            "let setup tokens live 30 days",
            lambda d: d["policy"].__setitem__("token_lifetime_seconds", 30 * 86400),
        )
    if base["policy"].get("recent_auth_seconds"):
        yield mutant(
            "policy",
            "recent_auth=7d",
            "accept a resetting admin's 2FA from a week ago",
            lambda d: d["policy"].__setitem__("recent_auth_seconds", 7 * 86400),
        )
