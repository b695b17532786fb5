"""Generate broken versions of a spec, as plain data in the spec's YAML form."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from twofa_fsm import Spec


@dataclass(frozen=True)
class Mutant:
    id: str
    kind: str
    description: str
    data: dict[str, Any]


def _name(ref: Any) -> str:
    return ref if isinstance(ref, str) else next(iter(ref))


def _tid(t: dict[str, Any], i: int) -> str:
    src = t["from"] if isinstance(t["from"], str) else "+".join(t["from"])
    return f"t{i}:{t['event']}@{src}"


def generate(spec: Spec) -> Iterator[Mutant]:
    base = spec.to_data()
    ts: list[dict[str, Any]] = base["transitions"]
    states = list(base["states"])

    def mutant(kind: str, ident: str, description: str, change: Any) -> Mutant:
        data = copy.deepcopy(base)
        change(data)
        return Mutant(f"{kind}/{ident}", kind, description, data)

    for i, t in enumerate(ts):
        for j, g in enumerate(t["guards"]):
            yield mutant(
                "drop-guard",
                f"{_tid(t, i)}/{_name(g)}",
                f"drop guard {_name(g)} from {t['event']} (transitions[{i}])",
                lambda d, i=i, j=j: d["transitions"][i]["guards"].pop(j),
            )
            if isinstance(g, dict) and "actor_role_in" in g:
                for role in g["actor_role_in"]:

                    def drop_role(d: dict[str, Any], i: int = i, j: int = j, role: str = role) -> None:
                        d["transitions"][i]["guards"][j]["actor_role_in"].remove(role)

                    yield mutant(
                        "drop-role",
                        f"{_tid(t, i)}/{role}",
                        f"drop role {role} from {t['event']} (transitions[{i}])",
                        drop_role,
                    )
        for j, e in enumerate(t["effects"]):
            yield mutant(
                "drop-effect",
                f"{_tid(t, i)}/{_name(e)}",
                f"drop effect {_name(e) if isinstance(e, str) else e} from {t['event']} (transitions[{i}])",
                lambda d, i=i, j=j: d["transitions"][i]["effects"].pop(j),
            )
        for state in states:
            if state != t["to"]:
                yield mutant(
                    "retarget",
                    f"{_tid(t, i)}->{state}",
                    f"send {t['event']} (transitions[{i}]) to {state} instead of {t['to']}",
                    lambda d, i=i, state=state: d["transitions"][i].__setitem__("to", state),
                )
    login = next((t for t in ts if t["event"] == "login"), None)
    if login is not None:
        for state in states:
            if state not in ([login["from"]] if isinstance(login["from"], str) else login["from"]):

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
    confirm_state = next((n for n, s in base["states"].items() if s.get("confirmation")), None)
    if confirm_state is not None:

        def no_confirmation(d: dict[str, Any]) -> None:
            confirm = next(
                t
                for t in d["transitions"]
                if confirm_state in t["from"] and "revoke_secret" in [_name(e) for e in t["effects"]]
            )
            for t in d["transitions"]:
                if t["to"] == confirm_state:
                    t["to"] = confirm["to"]
                    t["effects"] = [e for e in t["effects"] if _name(e) != "remember_prior_state"] + confirm["effects"]
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

    def skip_token(d: dict[str, Any]) -> None:
        for t in d["transitions"]:
            t["guards"] = [g for g in t["guards"] if _name(g) != "setup_token_valid"]
        for e in d["events"].values():
            e["inputs"] = [x for x in e.get("inputs", []) if x != "token"]

    if any(_name(g) == "setup_token_valid" for t in ts for g in t["guards"]):
        yield mutant("skip-token", "all", "setup no longer checks the emailed token", skip_token)

    def no_replay(d: dict[str, Any]) -> None:
        for t in d["transitions"]:
            t["effects"] = [e for e in t["effects"] if _name(e) != "accept_code"]

    yield mutant("no-replay-protection", "all", "never mark accepted codes used", no_replay)
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
