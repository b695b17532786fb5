"""One system on the test bench: a driver and the harness's side of it, running scenario steps.

``Bench.open`` creates the scenario's people through the driver (and sets up the pre-enrolled ones, as
the scenario runner does); ``Bench.do`` runs one step and returns what was observed.  Steps are the
scenario format's (``scenario/model.py``): engine actions become ``Driver.fire`` calls, world actions
(phones, time) act on the harness's side or the driver's clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from twofa_fsm import Spec
from twofa_fsm_tools.conform.driver import SETUP_TOKEN, SYSTEM, Driver, Reply
from twofa_fsm_tools.conform.observe import Observation
from twofa_fsm_tools.conform.world import Side, Unsupported
from twofa_fsm_tools.scenario.model import Scenario, Step

HOLDER_EVENTS = frozenset({"start_setup", "verify_setup", "abandon_setup", "login", "report_lost_device"})
PHONE_ACTIONS = frozenset({"lose_device", "steal_device", "delete_app", "install_app", "new_phone", "restore_backup"})


def setup_events(spec: Spec) -> tuple[str, str] | None:
    """The spec's own setup: the event that shows a new secret from the initial state, and the one that binds it."""
    start = next((t.event for t in spec.transitions
                  if spec.initial in t.source and t.has_effect("create_pending_secret")), None)  # fmt: skip
    verify = next((t.event for t in spec.transitions if t.has_effect("bind_pending_secret")), None)
    return None if start is None or verify is None else (start, verify)


def timed_events(spec: Spec, state: str) -> list[str]:
    """What a tick may fire in ``state``: the timers' events (not the lock, which follows a failure at once)."""
    found = [t.event for t in spec.transitions
             if state in t.source and t.guard("actor_is_system") and not t.guard("failures_at_limit")]  # fmt: skip
    return list(dict.fromkeys(found))


@dataclass
class Bench:
    driver: Driver
    spec: Spec
    scenario: Scenario
    prefix: str = ""
    side: Side | None = None
    frozen: bool = False  # mirror a system whose clock cannot be moved: the oracle's stays too

    def __post_init__(self) -> None:
        if self.side is None:
            self.side = Side.of(self.scenario)
        self.accounts = [p.id for p in self.scenario.people if p.org is not None]
        self.staff = {p.id for p in self.scenario.people if p.org is None}
        self.attackers = {a.id for a in self.scenario.attackers}

    @property
    def w(self) -> Side:
        assert self.side is not None
        return self.side

    def ns(self, ident: str) -> str:
        return ident if ident == SYSTEM else self.prefix + ident

    # -- opening ------------------------------------------------------------------------------

    def open(self) -> None:
        """Create every person, deliver the invitations, set up the pre-enrolled (raises ``Unsupported``)."""
        sc, d = self.scenario, self.driver
        gap = sc.start_time - d.now()
        if gap > 0 and not self.frozen:
            d.advance(gap)
        elif gap < 0 and not self.frozen:  # a real backend's clock is ahead: keep the oracle's code steps in phase
            d.advance(gap % self.spec.policy.period)
        for p in sc.people:
            org = None if p.org is None else self.ns(p.org)
            d.create_account(self.ns(p.id), org=org, role=p.role, password=self.w.passwords[p.id], invited=p.invited)
        self._collect()
        enrolled = [p for p in sc.people if p.enrolled_with is not None and p.org is not None]
        for p in enrolled:
            self._enrol(p.id, p.enrolled_with or "")
        if enrolled and not self.frozen:
            d.advance(self.spec.policy.period)  # as the scenario runner: step 1's codes are fresh
        self._collect()

    def _enrol(self, person: str, device: str) -> None:
        events = setup_events(self.spec)
        if events is None:
            raise Unsupported("the spec has no setup (create_pending_secret, bind_pending_secret) to enrol people with")
        start, verify = events
        d, me = self.driver, self.ns(person)
        started = d.fire(me, start, actor=me, password=self.w.passwords[person])
        if started.kind != "ok" or started.provisioning_uri is None:
            raise Unsupported(f"enrolling {person} before step 1 was refused ({started.kind})")
        self.w.scan(person, device, person, started.provisioning_uri, d.now())
        code = self.w.code(
            Step.model_validate({"actor": person, "action": "login", "device": device}),
            person,
            person,
            self.spec.policy,
            d.now(),
        )
        done = d.fire(me, verify, actor=me, code=code, handle=started.setup_handle)
        if done.kind != "ok":
            raise Unsupported(f"enrolling {person} before step 1 was refused ({done.kind})")

    # -- steps --------------------------------------------------------------------------------

    def do(self, step: Step) -> list[Observation]:
        """Run ``step`` (every repetition); one observation per repetition."""
        out = []
        for _ in range(step.repeat):
            if step.wait_before:
                self._advance(step.wait_before)
            out.append(self._once(step))
        return out

    def _once(self, step: Step) -> Observation:
        if step.view is not None or step.action == "open_profile":
            raise Unsupported("a profile page left open (a stale view, concurrency) is not a driver call")
        if step.action == "wait":
            self._advance(step.seconds or 0)
            return self.observe(None, None)
        if step.action == "authenticate":
            self.driver.authenticate(self.ns(step.actor))
            return self.observe(None, None)
        if step.action in PHONE_ACTIONS:
            self._phone(step)
            return self.observe(None, None)
        if step.action == "tick":
            return self._tick(step.account or step.actor)
        return self._fire(step)

    def _advance(self, seconds: float) -> None:
        if self.frozen or not self.driver.advance(seconds):
            raise Unsupported("time must pass, and the driver cannot move its system's clock")

    def _tick(self, account: str) -> Observation:
        for event in timed_events(self.spec, self.driver.state(self.ns(account))):
            reply = self.driver.fire(self.ns(account), event, actor=SYSTEM)
            if reply.kind == "ok":
                return self.observe(reply, event)
        return self.observe(None, "nothing due")

    def _fire(self, step: Step) -> Observation:
        event = step.event if step.action == "fire" else step.action
        assert event is not None
        target = step.account or step.actor
        mine = step.actor == target or step.actor in self.attackers
        holder = event in HOLDER_EVENTS if step.action != "fire" else mine
        actor = target if holder else step.actor
        inputs = self._inputs(step, event, target)
        reply = self.driver.fire(self.ns(target), event, actor=self.ns(actor), **inputs)
        w, now = self.w, self.driver.now()
        if reply.access_granted and inputs.get("code") is not None:
            w.last_code[target] = inputs["code"] or ""
        if reply.setup_handle is not None:
            w.handles[target] = (step.actor, reply.setup_handle)
        if reply.provisioning_uri is not None:
            w.scan(step.actor, step.device, target, reply.provisioning_uri, now)
        return self.observe(reply, None)

    def _inputs(self, step: Step, event: str, target: str) -> dict[str, str | None]:
        info = self.spec.events.get(event)
        declared = set(info.inputs) if info is not None else set()
        w, actor, out = self.w, step.actor, {}
        if "password" in declared or step.password is not None:
            out["password"] = w.password(actor, target, step.password)
        if "token" in declared or step.token is not None:
            out["token"] = w.token(actor, target, step.token)
        if "code" in declared or step.code is not None:
            out["code"] = w.code(step, actor, target, self.spec.policy, self.driver.now())
        if "handle" in declared or step.handle is not None:
            out["handle"] = w.handle(actor, target, step.handle)
        return out

    def _phone(self, step: Step) -> None:
        w, actor = self.w, step.actor
        phone = w.phones.get(step.device or "")
        if phone is None:
            raise Unsupported(f"no phone '{step.device}'")
        if step.action in ("steal_device", "new_phone"):
            w.acquire(phone.id, actor)
            if step.action == "new_phone":
                phone.app, phone.entries = True, []
            return
        if step.action == "lose_device":
            phone.holder = None
        elif step.action == "delete_app":
            phone.app, phone.entries = False, []
        elif step.action == "install_app":
            phone.app = True
        else:  # restore_backup
            phone.app, phone.entries = True, list(w.clouds.get(actor, []))

    # -- observing ------------------------------------------------------------------------------

    def _collect(self) -> list[tuple[str, str]]:
        delivered = []
        for d in self.driver.deliveries():
            to = d.to[len(self.prefix) :] if d.to.startswith(self.prefix) else d.to
            if d.kind == SETUP_TOKEN and d.token is not None:
                self.w.mail.setdefault(to, []).append(d.token)
            delivered.append((to, d.kind))
        return delivered

    def observe(self, reply: Reply | None, event: str | None) -> Observation:
        d = self.driver
        states = tuple((a, d.state(self.ns(a))) for a in self.accounts)
        access = tuple((a, d.has_access(self.ns(a))) for a in self.accounts)
        kind = None if reply is None else reply.kind
        granted = reply is not None and reply.access_granted
        return Observation(kind, event, granted, states, access, tuple(self._collect()))

    def tokens_delivered(self, account: str) -> int:
        return len(self.w.mail.get(account, []))


__all__ = ["Bench", "setup_events", "timed_events"]
