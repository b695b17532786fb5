"""Run a scenario against a spec through the library's public API and record every step.

``run_scenario_file(path)`` is the entry point for other tools; ``spec_override``
runs the same story against another spec (a path or a ``Spec``), e.g. a mutant.
Bad scenarios raise ``SpecError``; a run whose expectations fail returns a
result with ``passed == False`` and its ``failures``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from twofa_fsm import (
    Account,
    Actor,
    DeniedError,
    Engine,
    Outcome,
    PasswordBook,
    SeededEntropy,
    Spec,
    TwoFAService,
)
from twofa_fsm.errors import ConcurrentUpdate, SpecError
from twofa_fsm.spec.diagnostics import suggest
from twofa_fsm.spec.yamlsafe import Lines, line_of
from twofa_fsm_tools.scenario import credentials
from twofa_fsm_tools.scenario.actions import WORLD_ACTIONS, scan, world_action
from twofa_fsm_tools.scenario.credentials import CannotAct, Typed
from twofa_fsm_tools.scenario.expectations import check
from twofa_fsm_tools.scenario.loading import load_scenario, scenario_error
from twofa_fsm_tools.scenario.model import Scenario, Step
from twofa_fsm_tools.scenario.records import (
    Failure,
    Mismatch,
    ScenarioResult,
    StepRecord,
    allowed_record,
    world_record,
)
from twofa_fsm_tools.scenario.stage import Bindings, spec_at, stage_for
from twofa_fsm_tools.scenario.world import World

ROOT = Path(__file__).resolve().parents[2]  # the repository root (scenario files name specs from it)
HOLDER_EVENTS = frozenset({"start_setup", "verify_setup", "abandon_setup", "login", "report_lost_device"})
HANDLE_TEXT = {
    "own": "setup handle: the one start_setup gave them",
    "wrong": "setup handle: a made-up one",
    "none": "setup handle: none",
}


def resolve_spec(spec: str, file: str = "<scenario>", lines: Lines | None = None) -> Path:
    """A scenario's ``spec:`` path: relative to the repository root, else to the working directory."""
    path = Path(spec)
    for candidate in (path,) if path.is_absolute() else (ROOT / path, Path.cwd() / path):
        if candidate.is_file():
            return candidate
    raise scenario_error(
        file,
        lines or {},
        ("spec",),
        "no such spec file",
        spec,
        "give a path relative to the repository root, e.g. spec/twofa.yaml",
    )


def run_scenario_file(
    path: str | Path, *, spec_override: str | Path | Spec | None = None, keep_world: bool = False
) -> ScenarioResult:
    """Load the scenario at ``path`` (``SpecError`` if malformed) and run it."""
    scenario, lines = load_scenario(path)
    return run_scenario(scenario, file=str(path), lines=lines, spec_override=spec_override, keep_world=keep_world)


def run_scenario(
    scenario: Scenario,
    *,
    file: str = "<scenario>",
    lines: Lines | None = None,
    spec_override: str | Path | Spec | None = None,
    keep_world: bool = False,
    trace: bool = False,
) -> ScenarioResult:
    """Run ``scenario`` on its spec (or ``spec_override``): one loaded spec and one engine per spec serve
    every scenario of a run (``stage``).  Raises ``SpecError`` when the scenario does not fit the spec."""
    lines = lines or {}
    if isinstance(spec_override, Spec):
        spec, spec_path = spec_override, f"<{spec_override.name}>"
    else:
        path = Path(spec_override) if spec_override is not None else resolve_spec(scenario.spec, file, lines)
        spec, spec_path = spec_at(path), str(path)
    stage = stage_for(spec)
    run = _Run(scenario, spec, file, lines)
    run.tracing = trace
    started = time.perf_counter()
    with stage.bound(run.bindings) as engine:
        run.open(engine)
        run.setup()
        if not run.failures:
            for index, step in enumerate(scenario.steps, start=1):
                run.step(index, step)
    return ScenarioResult(
        name=scenario.name,
        description=scenario.description,
        path=file,
        spec_path=spec_path,
        spec_name=spec.name,
        seed=scenario.seed,
        trace=tuple(run.trace),
        failures=tuple(run.failures),
        setup=tuple(run.setup_records),
        breaches=tuple(run.breaches),
        duration=time.perf_counter() - started,
        scenario=scenario,
        world=run.world if keep_world else None,
        after_steps=tuple(run.after_steps),
    )


@dataclass
class _Attempt:
    """What one engine call produced, before it is recorded."""

    base: Account
    event: str
    engine_actor: str
    after: Account
    outcome: Outcome | None = None
    error: DeniedError | ConcurrentUpdate | None = None
    inputs: list[str] = field(default_factory=list)
    code_used: str | None = None


class _Run:
    def __init__(self, scenario: Scenario, spec: Spec, file: str, lines: Lines) -> None:
        self.sc, self.spec, self.file, self.lines = scenario, spec, file, lines
        org_roles = {r for r, info in spec.roles.items() if info.scope == "organisation"}
        self._check_against_spec(org_roles)
        self.world = w = World(scenario, org_roles)
        self.passwords = PasswordBook(iterations=1000)
        self.bindings = Bindings(w.clock, SeededEntropy(scenario.seed), self.passwords, w.store)
        self.trace: list[StepRecord] = []
        self.setup_records: list[StepRecord] = []
        self.failures: list[Failure] = []
        self.breaches: list[str] = []
        self.after_steps: list[dict[str, object]] = []  # the world after each step (only when tracing)
        self.tracing = False
        self.snapshots: dict[str, Account] = {}

    def open(self, engine: Engine) -> None:
        """The embedders' path: a service over the world's store, delivering to the mailboxes after each commit."""
        w = self.world
        self.service = TwoFAService(engine, w.store, notifier=w.mail)
        for person in w.people.values():
            if person.has_account and person.org is not None:
                self.service.create_account(person.id, person.org, person.role, invite=person.invited)
                self.passwords.set(person.id, w.password_of(person.id))

    # -- checks that need the spec --------------------------------------------------------

    def _check_against_spec(self, org_roles: set[str]) -> None:
        for i, p in enumerate(self.sc.people):
            info = self.spec.roles.get(p.role)
            if info is None or info.scope == "system":
                choices = [r for r, v in self.spec.roles.items() if v.scope != "system"]
                raise scenario_error(
                    self.file,
                    self.lines,
                    ("people", i, "role"),
                    f"role '{p.role}' is not a role of spec '{self.spec.name}'",
                    p.role,
                    "use one of: " + ", ".join(choices),
                )
            if (p.role in org_roles) != (p.org is not None):
                fix = "add 'org: ID'" if p.org is None else "remove 'org:' (vendor staff belong to no organisation)"
                raise scenario_error(
                    self.file, self.lines, ("people", i, "org"), f"role '{p.role}' and org do not fit", p.org, fix
                )
        known = _spec_names() | {self.spec.name}
        for i, s in enumerate(self.sc.steps):
            if s.known_weakness is not None and s.known_weakness not in known:
                raise scenario_error(
                    self.file, self.lines, ("steps", i, "known_weakness"),
                    f"no spec is named '{s.known_weakness}'", s.known_weakness,
                    f"name the spec the weakness belongs to: {suggest(s.known_weakness, known)}",
                )  # fmt: skip
            for name in s.expect_on:
                if name not in known:
                    raise scenario_error(
                        self.file, self.lines, ("steps", i, "expect_on", name), f"no spec is named '{name}'", name,
                        f"key expectations by the spec's name: {suggest(name, known)}",
                    )  # fmt: skip
            expect, where = (
                s.expect_for(self.spec.name),
                ("expect_on", self.spec.name) if self.spec.name in s.expect_on else ("expect",),
            )
            if expect is not None and expect.state is not None and expect.state not in self.spec.states:
                raise scenario_error(
                    self.file,
                    self.lines,
                    ("steps", i, *where, "state"),
                    f"spec '{self.spec.name}' has no state '{expect.state}'",
                    expect.state,
                    "use one of: " + ", ".join(self.spec.states),
                )

    def _cannot(self, index: int, place: str, err: CannotAct) -> SpecError:
        return scenario_error(
            self.file,
            self.lines,
            ("steps", index - 1, place),
            str(err),
            None,
            "make the story consistent (who holds what, and when)",
        )

    # -- setup: enrol the people who start enrolled ---------------------------------------------

    def setup(self) -> None:
        w = self.world
        for p in self.sc.people:
            if p.enrolled_with is None or not w.people[p.id].has_account:
                continue
            phone = w.phones[p.enrolled_with]
            try:
                start = self.service.start_setup(p.id, password=w.password_of(p.id))
                assert start.provisioning_uri is not None
                phone.scan(start.provisioning_uri, w.clock.now(), w.people[p.id].cloud)
                entry = phone.entries_for(p.id)[-1]
                code = entry.code_at(w.clock.now() + phone.clock_skew_seconds)
                done = self.service.verify_setup(p.id, code=code, handle=start.setup_handle)
            except (DeniedError, AssertionError) as err:
                self.failures.append(
                    Failure(
                        0,
                        line_of(self.lines, ("people",)),
                        p.id,
                        "setup",
                        f"enrolling {p.id} with {phone.id} before step 1",
                        "enrolled",
                        f"refused: {err}",
                    )
                )
                return
            if done.session is not None:
                w.sessions.setdefault(p.id, []).append(done.session)
            for out in (start, done):
                self.setup_records.append(
                    allowed_record(0, None, 1, "setup", "setup", p.id, out, None, (f"setup with {phone.id}",))
                )
        if self.setup_records:
            w.clock.advance(self.spec.policy.period)  # so that step 1's codes are fresh

    # -- steps ------------------------------------------------------------------------------------

    def step(self, index: int, step: Step) -> None:
        line = line_of(self.lines, ("steps", index - 1))
        for attempt in range(1, step.repeat + 1):
            if step.wait_before:
                self.world.clock.advance(step.wait_before)
            if step.action in WORLD_ACTIONS:
                self._world_step(index, line, step)
                continue
            self._engine_step(index, line, attempt, step, last=attempt == step.repeat)
        if self.tracing:
            self.after_steps.append(self.world.describe())

    def _world_step(self, index: int, line: int | None, step: Step) -> None:
        w = self.world
        try:
            note = world_action(w, step)
        except CannotAct as err:
            raise self._cannot(index, "device", err) from None
        self.trace.append(world_record(index, line, step.action, step.actor, step.account or "", note, w.clock.now()))

    def _engine_step(self, index: int, line: int | None, attempt: int, step: Step, *, last: bool) -> None:
        try:
            att = self._attempt(step)
        except CannotAct as err:
            raise self._cannot(index, "view" if step.view and "view" in str(err) else "device", err) from None
        if att.outcome is None and att.error is None:  # a tick with nothing due
            rec = self._idle(index, line, attempt, step, att.after)
            self._finish(index, line, step, rec, [], att.after, last)
            return
        actor = "system" if step.action == "tick" else step.actor
        follow: list[StepRecord] = []
        if att.outcome is not None:
            rec = self._allowed(index, line, attempt, step, actor, att)
        else:
            rec = self._refused(index, line, attempt, step, actor, att)
            problem = att.error
            if isinstance(problem, DeniedError) and problem.followed_by is not None:
                note = ["the failure limit was reached"]
                auto = allowed_record(
                    index, line, attempt, "auto", "auto", "system", problem.followed_by, None, tuple(note)
                )
                follow.append(auto)
        after = att.after
        rec = replace(rec, state_after=after.state, failures_after=after.failures)
        follow = [replace(f, state_after=after.state, failures_after=after.failures) for f in follow]
        self._finish(index, line, step, rec, follow, after, last)

    def _idle(self, index: int, line: int | None, attempt: int, step: Step, after: Account) -> StepRecord:
        return StepRecord(
            index, line, attempt, "idle", step.action, "system", after.id, "tick", after.state, after.state,
            False, None, False, reason="nothing due", state_after=after.state, failures_after=after.failures,
            at=self.world.clock.now(),
        )  # fmt: skip

    def _allowed(self, index: int, line: int | None, attempt: int, step: Step, actor: str, att: _Attempt) -> StepRecord:
        w, out = self.world, att.outcome
        assert out is not None
        rec = allowed_record(
            index, line, attempt, "engine", step.action, actor, out, step.known_weakness, tuple(att.inputs)
        )
        if out.access_granted and att.code_used is not None:
            w.last_code[out.target] = att.code_used
        if out.access_granted and step.actor in w.attackers:
            breach = (
                f"attacker {step.actor} gained access to {out.target}'s account at step {index} "
                f"on spec '{self.spec.name}'"
            )
            self.breaches.append(breach)
            if step.known_weakness != self.spec.name:
                expected = "no attacker access (or the step marked known_weakness)"
                self.failures.append(Failure(index, line, step.actor, step.action, "security", expected, breach))
        return rec

    def _refused(self, index: int, line: int | None, attempt: int, step: Step, actor: str, att: _Attempt) -> StepRecord:
        problem = att.error
        denied = problem if isinstance(problem, DeniedError) else None
        return StepRecord(
            index, line, attempt, "engine", step.action, actor, att.base.id, att.event, att.base.state,
            att.base.state, False, denied.kind if denied else "ConcurrentUpdate", False, reason=str(problem),
            inputs=tuple(att.inputs), at=self.world.clock.now(), known_weakness=step.known_weakness,
            guard=denied.guard if denied else None,
        )  # fmt: skip

    def _finish(
        self,
        index: int,
        line: int | None,
        step: Step,
        rec: StepRecord,
        follow: list[StepRecord],
        after: Account,
        last: bool,
    ) -> None:
        w = self.world
        if step.id is not None and last:
            self.snapshots[step.id] = after
        if last and step.known_weakness == self.spec.name and not (rec.allowed and step.actor in w.attackers):
            self.failures.append(
                Failure(
                    index, line, step.actor, step.action, "known_weakness",
                    f"the attacker's step to succeed (a known weakness of '{self.spec.name}')",
                    f"{rec.result_text}: the weakness did not happen; remove known_weakness (strict, like xfail)",
                )
            )  # fmt: skip
        expect = step.expect_for(self.spec.name)
        if last and expect is not None:
            misses = check(expect, rec, follow, after, len(w.mail.tokens.get(rec.target, [])), self.snapshots)
            if misses:
                rec = replace(rec, mismatches=tuple(misses))
                for m in misses:
                    self.failures.append(Failure(index, line, step.actor, step.action, m.what, m.expected, m.actual))
        self.trace.append(rec)
        self.trace.extend(follow)

    def _base(self, step: Step) -> tuple[Account, Account | None]:
        """The account the step acts on, and the profile view it was seen through (if any)."""
        w = self.world
        if step.view is None:
            return w.store.load(step.account or step.actor), None
        if step.view not in w.views:
            raise CannotAct(f"no view '{step.view}' was opened before this step (use open_profile)")
        return w.views[step.view], w.views[step.view]

    def _attempt(self, step: Step) -> _Attempt:
        w, service = self.world, self.service
        base, seen = self._base(step)  # judged on what was read: compare-and-set against its version
        if step.action == "tick":
            return self._settle(_Attempt(base, "tick", "system", after=base), lambda: service.tick(base.id))
        event = step.event if step.action == "fire" else step.action
        assert event is not None
        # holder events are fired by whoever presents the account's credentials (so is any event an attacker
        # or the account's own holder fires)
        mine = step.actor == base.id or step.actor in w.attackers
        holder = event in HOLDER_EVENTS if step.action != "fire" else mine
        eng_actor = Actor.holder(base) if holder else w.engine_actor(step.actor)
        att = _Attempt(base, event, eng_actor.id, after=base)
        pw, cd, tok, hd = self._inputs(step, event, base, att)
        if seen is not None:
            att.inputs.append(f"acting on view '{step.view}' (version {base.version})")
        att = self._settle(
            att,
            lambda: service.fire(base.id, event, eng_actor, password=pw, code=cd, token=tok, handle=hd, seen=base),
        )
        out = att.outcome
        if out is not None and out.session is not None:
            w.sessions.setdefault(base.id, []).append(out.session)
        if out is not None and out.setup_handle is not None:
            w.setup_handles[base.id] = (step.actor, out.setup_handle)  # only the starter learns it
        if out is not None and out.provisioning_uri is not None:
            att.inputs.append(scan(self.world, step.actor, step, out))
        return att

    def _inputs(self, step: Step, event: str, base: Account, att: _Attempt) -> tuple[str | None, ...]:
        """The password, code, token and setup handle the actor presents (as the world lets them), in ``att``."""
        w, actor, target = self.world, step.actor, base.id
        declared = self.spec.events[event].inputs if event in self.spec.events else ()
        pw = tok = cd = None
        if "password" in declared or step.password is not None:
            pw = credentials.password(w, actor, target, step)
            att.inputs.append(f"password: {pw.text}")
        if "token" in declared or step.token is not None:
            tok = credentials.token(w, actor, target, step)
            att.inputs.append(f"token: {tok.text}")
        if "code" in declared or step.code is not None:
            cd = credentials.code(w, self.spec.policy, actor, target, step)
            att.inputs.append(f"code: {cd.text}")
            att.code_used = cd.value
        handle = None
        if "handle" in declared or step.handle is not None:
            handle = self._handle(step, target)
            att.inputs.append(HANDLE_TEXT[step.handle or "own"] if handle or step.handle else "setup handle: none")
        return _v(pw), _v(cd), _v(tok), handle

    def _handle(self, step: Step, target: str) -> str | None:
        """The setup handle the actor presents: the one start_setup gave them (only its starter has it)."""
        if step.handle == "none":
            return None
        if step.handle == "wrong":
            return f"made-up-handle-{self.world.rng.getrandbits(64):016x}"
        starter, issued = self.world.setup_handles.get(target, ("", ""))
        return issued if starter == step.actor else None

    def _settle(self, att: _Attempt, call: Callable[[], Outcome | None]) -> _Attempt:
        """Run one service call; the account after it comes from what the call returned or raised."""
        try:
            out = call()
        except DeniedError as err:
            att.error = err
            att.after = err.account if err.account is not None else att.base
            return att
        except ConcurrentUpdate as err:  # nothing was written: the account is as the other writer left it
            att.error = err
            att.after = self.world.store.load(att.base.id)
            return att
        if out is not None:
            att.outcome, att.event, att.after = out, out.event, out.account
        return att


def _v(typed: Typed | None) -> str | None:
    return None if typed is None else typed.value


__all__ = ["Failure", "Mismatch", "ScenarioResult", "StepRecord", "resolve_spec", "run_scenario", "run_scenario_file"]


def _spec_names() -> set[str]:
    """The names of the specs shipped in the repository's spec/ folder (what known_weakness may name)."""
    names: set[str] = set()
    for path in sorted((ROOT / "spec").glob("*.yaml")):
        try:
            names.add(spec_at(path).name)
        except SpecError:
            continue
    return names
