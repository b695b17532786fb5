"""The people of generated cases and the moves they can make, derived from the spec (no event, role or
state of the shipped specs is named here).

A generated world has one target account (of one organisation role, new or set up), and around it:
one set-up colleague per organisation role in the same organisation (none of the target's role when
it is the top one: the target stays the sole holder), the top role of another organisation, vendor staff
for every vendor-scope role, and an attacker who phished the target's password and has a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from twofa_fsm import Spec
from twofa_fsm_tools.checker.derive import Facts
from twofa_fsm_tools.conform.driver import SYSTEM
from twofa_fsm_tools.scenario.model import Scenario, Step

ORG, OTHER_ORG, ATTACKER = "acme", "globex", "mallory"
VARIANTS: dict[str, tuple[str, ...]] = {
    "password": ("wrong", "none"),
    "code": ("wrong", "none", "replay", "drift:+2", "malformed:fullwidth"),
    "token": ("wrong", "stale", "none"),
    "handle": ("wrong", "none"),
}


def step(**fields: Any) -> Step:
    """A scenario step from its fields (validated as a scenario file's would be)."""
    return Step.model_validate(fields)


@dataclass(frozen=True)
class Cast:
    """One generated world: its scenario header (no steps yet) and who is who."""

    name: str
    header: dict[str, Any]
    target: str
    colleagues: tuple[tuple[str, str], ...]  # (person id, how they relate: a role, 'ROLE (other org)')
    staff: tuple[str, ...]

    def scenario(self, steps: list[Step]) -> Scenario:
        data = {**self.header, "steps": [s.model_dump(exclude_defaults=True) for s in steps]}
        return Scenario.model_validate(data)

    def role_of(self, actor: str) -> str:
        """How an actor is counted in coverage: self, attacker, system, or their role (and organisation)."""
        if actor == self.target:
            return "self"
        if actor in (ATTACKER, SYSTEM):
            return "attacker" if actor == ATTACKER else SYSTEM
        return dict(self.colleagues).get(actor, actor)


def starts(spec: Spec) -> list[tuple[str, bool]]:
    """(target role, set up?) of every generated world: the checker's starts."""
    return list(Facts(spec).starts)


def cast_for(spec: Spec, spec_path: str, role: str, set_up: bool, seed: int = 0) -> Cast:
    facts = Facts(spec)
    target = f"{role}_t"
    person: dict[str, Any] = {"id": target, "role": role, "org": ORG}
    person.update({"enrolled_with": f"{target}_phone"} if set_up else {"invited": True})
    people, devices = [person], [{"id": f"{target}_phone", "holder": target}]
    colleagues: list[tuple[str, str]] = []
    top = facts.org_roles[0]
    for other in facts.org_roles:
        if other == role == top:
            continue
        ident = f"{other}_c"
        people.append({"id": ident, "role": other, "org": ORG, "enrolled_with": f"{ident}_phone"})
        devices.append({"id": f"{ident}_phone", "holder": ident})
        colleagues.append((ident, other))
    people.append({"id": f"{top}_x", "role": top, "org": OTHER_ORG, "enrolled_with": f"{top}_x_phone"})
    devices.append({"id": f"{top}_x_phone", "holder": f"{top}_x"})
    colleagues.append((f"{top}_x", f"{top} (other org)"))
    staff = tuple(f"{v}_v" for v in facts.vendor_roles)
    people += [{"id": s, "role": v} for s, v in zip(staff, facts.vendor_roles, strict=True)]
    colleagues += [(s, v) for s, v in zip(staff, facts.vendor_roles, strict=True)]
    devices.append({"id": f"{ATTACKER}_phone", "holder": ATTACKER})
    name = f"{spec.name}-{role}-{'set-up' if set_up else 'new'}"
    header = {
        "name": name, "spec": spec_path, "seed": seed, "people": people, "devices": devices,
        "attackers": [{"id": ATTACKER, "phished_password_of": [target]}],
    }  # fmt: skip
    return Cast(name, header, target, tuple(colleagues), staff)


def event_moves(spec: Spec, cast: Cast, event: str) -> list[Step]:
    """Every try of ``event`` on the target: the holder with every input right and with each input
    varied, the attacker at their best, every colleague, and the timers."""
    t = cast.target
    inputs = spec.events[event].inputs if event in spec.events else ()
    best = step(actor=t, action="fire", event=event, account=t)
    out = [best]
    for field in inputs:
        out += [best.model_copy(update={field: kind}) for kind in VARIANTS.get(field, ())]
    out.append(step(actor=ATTACKER, action="fire", event=event, account=t))
    out += [step(actor=c, action="fire", event=event, account=t) for c, _ in cast.colleagues]
    out.append(step(actor=SYSTEM, action="fire", event=event, account=t))
    return out


def waits(spec: Spec) -> list[Step]:
    """Time passing: one code step, past the longest back-off, and past every timer of the policy."""
    pol = spec.policy
    limits = (pol.setup_timeout_seconds, pol.token_lifetime_seconds, pol.reset_confirm_seconds,
              pol.recent_auth_seconds, pol.session_idle_seconds)  # fmt: skip
    seconds = [float(pol.period), float(pol.backoff_max_seconds + pol.period)]
    seconds += [float(limit + pol.period) for limit in limits if limit is not None]
    return [step(action="wait", seconds=s) for s in dict.fromkeys(seconds) if s <= 86400 * 30]


def staff_steps(cast: Cast, steps: list[Step]) -> list[Step]:
    """``steps`` with vendor staff passing 2FA in their console right before each of their moves."""
    out: list[Step] = []
    for one in steps:
        if one.actor in cast.staff:
            out.append(step(actor=one.actor, action="authenticate"))
        out.append(one)
    return out


__all__ = ["ATTACKER", "Cast", "cast_for", "event_moves", "staff_steps", "starts", "step", "waits"]
