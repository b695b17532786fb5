"""Hypothesis stateful tests: long random histories of a small organisation, on the real engine.

The machine is ``twofa_fsm_tools.checker.stateful.DerivedMachine``: its rules draw from the same moves the
exhaustive checker derives from the spec (every event by the holder, a phisher, a thief, every person
around the account - each organisation role, fresh, stale, logged out, locked, reset, another
organisation's top role, vendor support - and the system, with every input class the event declares),
plus long waits around the policy's edges, phones replaced, and parties that keep making their best
moves.  Here it runs on spec/twofa.yaml with two additions:

- the engine must agree with ``Oracle``, a small independent model of what each action should do (the
  resulting state, access or not, Forbidden / GuardFailed / BadCode / InvalidEvent, and whether a refusal
  counts as a failed attempt);
- codes typed in every malformed form a strict verifier must refuse (look-alike digits, padding, NUL,
  ints, bytes...).

After every step the properties of ``simulator/checker/properties.py`` (shared with the checker and
mutation testing) must hold, and every world must stay recoverable.

Profiles (``deadline=None`` in both):
- ``ci`` (the default; derandomized, so CI runs are reproducible)::

      .venv/bin/pytest tests/stateful -q

- ``deep`` (long random histories; set TWOFA_HYPOTHESIS_EXAMPLES to change the count)::

      TWOFA_HYPOTHESIS_PROFILE=deep .venv/bin/pytest tests/stateful -q -k Organisation

A failure prints the history as ``state = OrganisationMachine()`` / ``state.rule(...)`` lines with the
drawn moves: paste them into a test to replay it step by step.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import rule
from stateful_oracle import Attempt, Oracle, observed, secret_of

from twofa_fsm import Actor, Spec, load_spec
from twofa_fsm.attempt import attempt as shared_attempt
from twofa_fsm.outcome import NOTHING
from twofa_fsm_tools.checker.actions import Applied
from twofa_fsm_tools.checker.moves import Action
from twofa_fsm_tools.checker.stateful import DerivedMachine
from twofa_fsm_tools.checker.world import PARTIES, THIEF, USER, Harness, Situation, sha

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

# -- malformed codes ---------------------------------------------------------------------------

OFFSET = {"current": 0, "prev": -1, "next": 1, "prev2": -2, "next2": 2}
DIGIT_SETS = {
    "fullwidth": "０１２３４５６７８９",
    "arabic_indic": "٠١٢٣٤٥٦٧٨٩",
    "persian": "۰۱۲۳۴۵۶۷۸۹",
    "devanagari": "०१२३४५६७८९",
    "superscript": "⁰¹²³⁴⁵⁶⁷⁸⁹",
    "math_bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
}
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


class OrganisationMachine(DerivedMachine):
    """The derived machine on spec/twofa.yaml, with the reference model beside the engine."""

    spec: ClassVar[Spec] = HARDENED
    recovered: ClassVar[dict[tuple[object, ...], bool]] = {}
    use_oracle: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        self.oracles: dict[str, Oracle] = {}

    def opened(self, role: str) -> None:
        h, a = self.h[role], self.worlds[role].account
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

    def judged(self, role: str, step: Applied) -> None:
        act = step.action
        if not self.use_oracle or act.actor == "clock" or act.event in ("lose_phone", "delete_app"):
            return
        self.compare(role, step, self.attempt_of(role, step))

    def compare(self, role: str, step: Applied, attempt: Attempt) -> None:
        oracle = self.oracles[role]
        want = oracle.step(attempt, step.before.now, secret_of(step.after.account.pending_secret))
        got = observed(step.outcome, step.error, step.after.account.state)
        if want != got:
            self.fail(role, "oracle disagrees", f"expected {want}, engine gave {got}", step.action.label())
        if diff := oracle.mismatches(step.after):
            self.fail(role, "oracle disagrees on the account", "; ".join(diff), step.action.label())

    def attempt_of(self, role: str, step: Applied) -> Attempt:
        act, w, h = step.action, step.before, self.h[role]
        if act.actor in PARTIES:
            mine = w.handle(act.actor)
            starter = act.handle == "own" and mine is not None and sha(mine) == w.account.setup_handle_digest
            return Attempt(
                act.event,
                "holder",
                None,
                password_ok=act.password == "right" and act.actor != THIEF,
                starter_ok=starter or w.account.setup_handle_digest is None,
                token="mail" if act.token == "mail" else (None if act.token is None else "guess"),
                code_secret=step.code_secret,
                code_offset=step.code_offset if act.code in OFFSET else None,
                code_wellformed=act.code != "lookalike",
                code_is_str=act.code is not None,
            )
        if act.actor == "system":
            return Attempt(act.event, "system")
        person = next(p for p in h.people if p.key == act.actor)
        who = "holder" if person.id == h.target_id else "person"  # the target on their own account
        return Attempt(act.event, who, person, code_is_str=False)

    @rule(data=st.data(), form=st.sampled_from(MALFORMED))
    def malformed_code(self, data: st.DataObject, form: str) -> None:
        """The user types the right code in a form a strict verifier must refuse."""
        role = data.draw(st.sampled_from(self.roles), label="target")
        h, w = self.h[role], self.worlds[role]
        acc = w.account
        events = [e for e in h.engine.allowed_events(acc) if e in h.facts.code_events]
        if not events:
            return
        event = data.draw(st.sampled_from(events), label="event")
        pending = h.facts.code_source(event) == "pending"
        secret = secret_of(acc.pending_secret if pending else acc.bound_secret)
        raw = malformed(h.code(secret, w.now) if secret else "081804", form)
        act = Action(USER, event, code=f"malformed:{form}")
        given = {"password": h.password, "code": raw, "token": w.mail, "handle": w.handle(USER)}
        inputs = {k: v for k, v in given.items() if k in h.facts.inputs(event)}
        h.begin(w)
        step = Applied(act, w, w, None, None, NOTHING, code_secret=secret, code_step=h.step_of(w.now), code_offset=0)
        done = shared_attempt(acc, lambda a: h.engine.fire(a, event, Actor.holder(a), **inputs))
        step.outcome, step.error, step.emitted = done.outcome, done.error, done.emitted
        step.after = settle(h, w, step)
        self.check(role, step)
        if self.use_oracle:
            mine = w.handle(USER)
            starter = mine is not None and sha(mine) == acc.setup_handle_digest
            starter_ok = starter or acc.setup_handle_digest is None
            attempt = Attempt(
                event, "holder", None, password_ok=True, starter_ok=starter_ok, token="mail",
                code_secret=secret, code_offset=0, code_wellformed=False, code_is_str=isinstance(raw, str),
            )  # fmt: skip
            self.compare(role, step, attempt)
        self.worlds[role] = step.after


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
