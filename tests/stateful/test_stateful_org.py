"""Hypothesis stateful tests: long random histories of a small organisation, on the real engine.

The organisation (simulator/checker/world.py) has three target accounts - a member, an admin
and the sole owner - and around each of them the people who act on it: the owner, an admin, a
stale admin (not recently verified), a member, the target itself, an admin of another
organisation and vendor support, plus three parties who present the target's credentials: the
user, a phisher (password phished, never the user's email) and a thief (stolen phone). The
checker's ``Harness``/``Situation``/``apply`` drive the engine; Hypothesis chooses the steps:
every action by every actor, allowed or not, device loss/theft/replacement, clock steps from
one second to past the token lifetime, and codes valid, invalid, replayed, dead, drifted by
+-1/+-2 steps, in look-alike Unicode digits or otherwise malformed.

After every step:
- the properties of ``simulator/checker/properties.py`` (written once, shared with the
  exhaustive checker and mutation testing) must hold: ``step_violations`` as postconditions,
  ``state_violations`` and a bounded form of ``recoverable`` as invariants;
- the engine must agree with ``Oracle``, a small independent model of what each action should
  do (the resulting state, access or not, Forbidden / GuardFailed / BadCode / InvalidEvent, and
  whether a refusal counts as a failed attempt).

Profiles (``deadline=None`` in both):
- ``ci`` (the default; derandomized, so CI runs are reproducible; ~30 s on 2 cores)::

      .venv/bin/pytest tests/stateful -q

- ``deep`` (long random histories; set TWOFA_HYPOTHESIS_EXAMPLES to change the count)::

      TWOFA_HYPOTHESIS_PROFILE=deep .venv/bin/pytest tests/stateful -q -k Organisation

A failure prints the history as ``state = OrganisationMachine()`` / ``state.rule(...)`` lines:
paste them into a test to replay it step by step.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import ClassVar, NoReturn

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from stateful_oracle import HOLDER_EVENTS, RESETS, SYSTEM_EVENTS, Attempt, Oracle, observed, secret_of

from simulator.checker.actions import Action, Applied, apply
from simulator.checker.properties import PROPERTIES, is_recovered, state_violations, step_violations
from simulator.checker.world import PARTIES, PEOPLE, PHISHER, THIEF, USER, Harness, Situation
from twofa_fsm import Actor, Spec, load_spec
from twofa_fsm.attempt import attempt as shared_attempt
from twofa_fsm.outcome import NOTHING

ROOT = Path(__file__).resolve().parents[2]
HARDENED = load_spec(ROOT / "spec" / "twofa.yaml")

# -- settings profiles ------------------------------------------------------------------------

settings.register_profile(
    "ci",
    max_examples=500,
    stateful_step_count=40,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=int(os.environ.get("TWOFA_HYPOTHESIS_EXAMPLES", "3000")),
    stateful_step_count=200,
    derandomize=False,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = os.environ.get("TWOFA_HYPOTHESIS_PROFILE", "ci")

# -- the vocabulary of the rules ---------------------------------------------------------------

TARGETS = ("member", "admin", "owner")
PERSONS = tuple(p.key for p in PEOPLE) + ("self",)
CODES = ("current", "prev", "next", "prev2", "next2", "wrong", "lookalike", "replay", "dead")
OFFSET = {"current": 0, "prev": -1, "next": 1, "prev2": -2, "next2": 2}
# sub-step, one step, back-off values, the back-off cap, setup timeout and token lifetime edges
_P = HARDENED.policy
_EDGES = (_P.backoff_max_seconds, float(_P.setup_timeout_seconds or 600), float(_P.token_lifetime_seconds or 3600))
WAITS = (
    1.0,
    10.0,
    29.0,
    30.0,
    31.0,
    60.0,
    2.0,
    4.0,
    64.0,
    *sorted({t + d for t in _EDGES for d in (-1.0, 0.0, 1.0, 30.0)}),
)
DIGIT_SETS = {
    "fullwidth": "０１２３４５６７８９",
    "arabic_indic": "٠١٢٣٤٥٦٧٨٩",
    "persian": "۰۱۲۳۴۵۶۷۸۹",
    "devanagari": "०१२३४५६७८९",
    "superscript": "⁰¹²³⁴⁵⁶⁷⁸⁹",
    "math_bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
}
# Strategies that try everything but lean towards the legitimate move, so that long histories get
# past setup and resets instead of piling up refusals (the choice is still any value of the list).
TARGET = st.sampled_from(TARGETS)
PARTY = st.one_of(st.just(USER), st.sampled_from(PARTIES))
CODE = st.one_of(st.just("current"), st.sampled_from(CODES))
TOKEN = st.one_of(st.just("mail"), st.sampled_from(("mail", None)))
HELPER = st.one_of(st.sampled_from(("owner", "admin", "support")), st.sampled_from(PERSONS))
MALFORMED = (
    *DIGIT_SETS,
    "newline",
    "padded",
    "underscore",
    "plus",
    "nul",
    "short",
    "long",
    "empty",
    "none",
    "int",
    "bytes",
)


def malformed(code: str, form: str) -> object:
    """``code`` (6 ASCII digits) in a form a strict verifier must refuse."""
    if form in DIGIT_SETS:
        return code.translate(str.maketrans("0123456789", DIGIT_SETS[form]))
    forms: dict[str, object] = {
        "newline": code + "\n",
        "padded": f" {code} ",
        "underscore": f"{code[:3]}_{code[3:]}",
        "plus": "+" + code[1:],
        "nul": code + "\x00",
        "short": code[:-1],
        "long": code + "0",
        "empty": "",
        "none": None,
        "int": int(code),
        "bytes": code.encode(),
    }
    return forms[form]


# -- the state machine -------------------------------------------------------------------------


class OrganisationMachine(RuleBasedStateMachine):
    """The organisation of simulator/checker/world.py, one checker world per target account."""

    spec: ClassVar[Spec] = HARDENED
    use_oracle: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        self.h: dict[str, Harness] = {role: Harness(self.spec, role) for role in TARGETS}
        self.worlds: dict[str, Situation] = {}
        self.oracles: dict[str, Oracle] = {}
        self._recovery_checked: dict[str, Situation] = {}  # the last world per account proven recoverable

    # -- plumbing ----------------------------------------------------------------------------

    def _fail(self, target: str, what: str, detail: str, last: str) -> NoReturn:
        raise AssertionError(f"{what} [target {self.h[target].target_id} ({target}), after {last}]: {detail}")

    def _check_properties(self, target: str, step: Applied, during: str = "") -> None:
        h = self.h[target]
        for prop, msg in step_violations(h, step) + state_violations(h, step.after):
            self._fail(target, f"property {prop} ({PROPERTIES[prop]})", msg, step.action.label() + during)

    def _judge(self, target: str, step: Applied, attempt: Attempt | None) -> None:
        """Properties first, then the oracle; then the step becomes the target's world."""
        self._check_properties(target, step)
        if self.use_oracle and attempt is not None:
            oracle = self.oracles[target]
            new_pending = secret_of(step.after.account.pending_secret)
            want = oracle.step(attempt, step.before.now, new_pending)
            got = observed(step.outcome, step.error, step.after.account.state)
            if want != got:
                self._fail(target, "oracle disagrees", f"expected {want}, engine gave {got}", step.action.label())
            if diff := oracle.mismatches(step.after):
                self._fail(target, "oracle disagrees on the account", "; ".join(diff), step.action.label())
        self.worlds[target] = step.after

    def _attempt(self, target: str, act: Action, step: Applied) -> Attempt:
        h = self.h[target]
        if act.actor in PARTIES:
            code_offset = step.code_offset if act.code in OFFSET else None
            token = None if act.token is None else ("mail" if act.actor == USER else "guess")
            return Attempt(
                act.event,
                "holder",
                None,
                act.actor != THIEF,
                token,
                step.code_secret,
                code_offset,
                act.code != "lookalike",
            )
        if act.actor == "system":
            return Attempt("tick", "system")
        person = next(p for p in h.people if p.key == act.actor)
        who = "holder" if person.id == h.target_id else "person"  # e.g. adam, the admin, on his own account
        return Attempt(act.event, who, person, code_is_str=False)

    def _do(self, target: str, act: Action) -> None:
        step = apply(self.h[target], self.worlds[target], act)
        self._judge(
            target,
            step,
            None
            if act.actor == "clock" or act.event in ("lose_phone", "delete_app")
            else self._attempt(target, act, step),
        )

    # -- set-up --------------------------------------------------------------------------------

    @initialize(
        member=st.sampled_from(("enrolled", "new")),
        admin=st.sampled_from(("enrolled", "new")),
        owner=st.sampled_from(("enrolled", "new")),
    )
    def open_organisation(self, member: str, admin: str, owner: str) -> None:
        for role, start in (("member", member), ("admin", admin), ("owner", owner)):
            h = self.h[role]
            w = h.initial(start == "enrolled")
            self.worlds[role] = w
            a = w.account
            self.oracles[role] = Oracle(
                role,
                h.target_id,
                h.policy,
                a.state,
                bound=secret_of(a.bound_secret),
                last_step=a.last_step,
                session=bool(a.sessions),
                token_until=a.token_expires_at if a.token_required else None,
            )
            for prop, msg in state_violations(h, w):
                self._fail(role, f"property {prop}", msg, "start")

    # -- the parties presenting the account's credentials ---------------------------------------

    @rule(account=TARGET, party=PARTY, code=CODE)
    def login(self, account: str, party: str, code: str) -> None:
        if code == "replay" and self.worlds[account].last_code is None:
            code = "wrong"  # nothing accepted yet: nothing to replay
        self._do(account, Action(party, "login", code=code))

    @rule(account=TARGET, party=PARTY, token=TOKEN)
    def start_setup(self, account: str, party: str, token: str | None) -> None:
        self._do(account, Action(party, "start_setup", token=token))

    @rule(account=TARGET, party=PARTY, code=CODE, token=TOKEN)
    def verify_setup(self, account: str, party: str, code: str, token: str | None) -> None:
        if code == "replay" and self.worlds[account].last_code is None:
            code = "wrong"
        self._do(account, Action(party, "verify_setup", code=code, token=token))

    @rule(
        account=TARGET,
        party=PARTY,
        event=st.sampled_from(("abandon_setup", "report_lost_device", *SYSTEM_EVENTS, *RESETS)),
    )
    def holder_acts(self, account: str, party: str, event: str) -> None:
        """The holder's other events, and events the holder may not fire on their own account."""
        self._do(account, Action(party, event))

    @rule(
        account=TARGET,
        party=st.sampled_from((USER, PHISHER)),
        event=st.sampled_from(("login", "verify_setup")),
        tries=st.integers(1, 11),
        then_user=st.booleans(),
    )
    def brute_force(self, account: str, party: str, event: str, tries: int, then_user: bool) -> None:
        """Wrong codes, each after the back-off has run out (the limit must lock at once);
        then maybe the user's right code."""
        pause = self.h[account].policy.backoff_max_seconds + self.h[account].policy.period
        for attempt in range(tries + then_user):
            for role in TARGETS:
                self._do(role, Action("clock", "wait", seconds=pause))
            last = attempt == tries
            self._do(account, Action(USER if last else party, event, code="current" if last else "wrong", token="mail"))

    @rule(account=TARGET, event=st.sampled_from(("login", "verify_setup")), form=st.sampled_from(MALFORMED))
    def malformed_code(self, account: str, event: str, form: str) -> None:
        """The user types the right code in a form a strict verifier must refuse."""
        h, w = self.h[account], self.worlds[account]
        acc = w.account
        secret = secret_of(acc.pending_secret if event == "verify_setup" else acc.bound_secret)
        raw = malformed(h.code(secret, w.now) if secret else "081804", form)
        act = Action(USER, event, code=f"malformed:{form}", token="mail")
        h.begin(w)
        step = Applied(act, w, w, None, None, NOTHING, code_secret=secret, code_step=h.step_of(w.now), code_offset=0)
        done = shared_attempt(  # the library's shared path, as in the checker and the service
            acc, lambda a: h.engine.fire(a, event, Actor.holder(a), password=h.password, code=raw, token=w.mail)
        )
        step.outcome, step.error, step.emitted = done.outcome, done.error, done.emitted
        step.after = settle(h, w, step)
        attempt = Attempt(
            event, "holder", None, True, "mail", secret, 0, code_wellformed=False, code_is_str=isinstance(raw, str)
        )
        self._judge(account, step, attempt)

    @rule(account=TARGET, party=st.sampled_from(PARTIES), code=CODE)
    def enrol(self, account: str, party: str, code: str) -> None:
        """The party starts setup with the token they have (the user's is emailed; the others guess) and types a code.

        Two steps, each judged.  With the phisher, this is the article's reset-window attack.
        """
        self._do(account, Action(party, "start_setup", token="mail"))
        if code == "replay" and self.worlds[account].last_code is None:
            code = "wrong"
        self._do(account, Action(party, "verify_setup", code=code, token="mail"))

    # -- the people around the account ------------------------------------------------------------

    @rule(account=TARGET, person=HELPER)
    def reset_confirmed(self, account: str, person: str) -> None:
        """Someone selects "Reset 2FA" and then clicks "Reset" (two steps, each judged)."""
        self._do(account, Action(person, "request_reset"))
        self._do(account, Action(person, "confirm_reset"))

    @rule(account=TARGET, person=HELPER, event=st.sampled_from(RESETS))
    def reset(self, account: str, person: str, event: str) -> None:
        self._do(account, Action(person, event))

    @rule(account=TARGET, person=st.sampled_from(PERSONS), event=st.sampled_from(HOLDER_EVENTS + SYSTEM_EVENTS))
    def person_acts(self, account: str, person: str, event: str) -> None:
        """Someone fires a holder's or the system's event on the account (from the console: no credentials)."""
        self._do(account, Action(person, event))

    # -- the system, the clock and the phone -----------------------------------------------------

    @rule(account=TARGET)
    def tick(self, account: str) -> None:
        self._do(account, Action("system", "tick"))

    @rule(seconds=st.sampled_from(WAITS))
    def wait(self, seconds: float) -> None:
        for role in TARGETS:
            self._do(role, Action("clock", "wait", seconds=seconds))

    @rule(account=TARGET, how=st.sampled_from(("lose_phone", "delete_app")))
    def phone_gone(self, account: str, how: str) -> None:
        """Lost (the thief picks it up, with whatever secrets are on it) or the app deleted."""
        self._do(account, Action(USER, how))

    @rule(account=TARGET, backup=st.booleans(), old_phone=st.sampled_from(("wiped", "sold")))
    def replace_phone(self, account: str, backup: bool, old_phone: str) -> None:
        """A new phone: the secrets move with a backup or are gone; an unwiped old phone ends with the thief."""
        w = self.worlds[account]
        held = w.held(USER)
        w = w.with_held(USER, held if backup else frozenset())
        if old_phone == "sold":
            w = w.with_held(THIEF, w.held(THIEF) | held)
        self.worlds[account] = w

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def worlds_are_sound(self) -> None:
        for role, w in self.worlds.items():
            for prop, msg in state_violations(self.h[role], w):
                self._fail(role, f"property {prop} ({PROPERTIES[prop]})", msg, "the last step")

    @invariant()
    def recoverable(self) -> None:
        """The legitimate user gets back to enrolled with an Owner's help (vendor support for the sole owner).

        Tried on a copy of each world (worlds are immutable values); the machine's worlds are untouched.
        """
        for role, w in self.worlds.items():
            h = self.h[role]
            if self._recovery_checked.get(role) is w or is_recovered(h, w):
                continue
            helper = "support" if role == "owner" else "owner"
            script: list[Action] = [] if w.account.state == "reset_pending" else [Action(helper, "request_reset")]
            script += [
                Action(helper, "confirm_reset"),
                Action("clock", "wait", seconds=h.policy.backoff_max_seconds + h.policy.period),
                Action(USER, "start_setup", token="mail"),
                Action(USER, "verify_setup", code="current", token="mail"),
            ]
            trail: list[str] = []
            for act in script:
                step = apply(h, w, act)
                trail.append(act.label())
                self._check_properties(role, step, " during the recovery check")
                w = step.after
            if not is_recovered(h, w):
                self._fail(
                    role,
                    f"property recoverable ({PROPERTIES['recoverable']})",
                    f"still {w.account.state} after {' -> '.join(trail)}",
                    "the last step",
                )
            self._recovery_checked[role] = self.worlds[role]


def settle(h: Harness, w: Situation, step: Applied) -> Situation:
    """The world after a step ``apply`` did not make (malformed codes):
    account, entropy, dead secrets, accepted codes."""
    final = (
        step.outcome.account if step.outcome is not None else (step.error.account if step.error is not None else None)
    )
    if step.error is not None and step.error.followed_by is not None:
        final = step.error.followed_by.account
    if final is None:
        return w
    alive = {s for s in (secret_of(final.bound_secret), secret_of(final.pending_secret)) if s}
    before = {s for s in (secret_of(w.account.bound_secret), secret_of(w.account.pending_secret)) if s}
    out = replace(w, account=final, entropy_n=h.entropy.n, dead=w.dead | frozenset(before - alive))
    if step.outcome is not None and step.code_secret is not None and step.code_step is not None:
        out = replace(out, accepted=out.accepted | {(step.code_secret, step.code_step)})
    return out


TestOrganisation = OrganisationMachine.TestCase
TestOrganisation.settings = settings.get_profile(PROFILE)
