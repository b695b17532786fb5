"""What an actor can type: passwords, codes and setup tokens, each with a secret-free description.

Codes come from the phone in the actor's hands, computed from its scanned
entries at the simulated time (plus the phone's clock skew and any drift the
step asks for); a scenario only names the *class* of code, never its value.
"""

from __future__ import annotations

from dataclasses import dataclass

from twofa_fsm import Policy, TotpVerifier
from twofa_fsm_tools.scenario.model import Step
from twofa_fsm_tools.scenario.world import Phone, World

_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"


@dataclass(frozen=True)
class Typed:
    """A value to hand to the engine and how to describe it in reports (the value never shown)."""

    value: str | None
    text: str

    def __repr__(self) -> str:
        return f"Typed({self.text!r})"


class CannotAct(Exception):
    """The step asks for something the world does not allow (e.g. a phone not in hand)."""


def password(world: World, actor: str, account: str, step: Step) -> Typed:
    kind = step.password or "known"
    if kind == "none":
        return Typed(None, "no password")
    if kind == "wrong":
        return Typed(f"wrong-{world.rng.getrandbits(32):08x}", "a wrong password")
    if world.knows_password(actor, account):
        whose = "own password" if actor == account else f"{account}'s phished password"
        return Typed(world.password_of(account), whose)
    return Typed(f"guess-{world.rng.getrandbits(32):08x}", f"a guess ({actor} does not know {account}'s password)")


def token(world: World, actor: str, account: str, step: Step) -> Typed:
    kind = step.token or "mailbox"
    if kind == "none":
        return Typed(None, "no token")
    if kind == "wrong":
        return Typed(f"{world.rng.getrandbits(128):032x}", "a made-up token")
    if not world.reads_mail_of(actor, account):
        return Typed(None, f"no token ({actor} cannot read {account}'s mail)")
    tokens = world.mail.tokens.get(account, [])
    if kind == "stale":
        if len(tokens) < 2:
            return Typed(None, f"no older token in {account}'s mailbox")
        return Typed(
            tokens[-2].get_secret_value(),
            f"an older token (#{len(tokens) - 1} of {len(tokens)}) from {account}'s mailbox",
        )
    if not tokens:
        return Typed(None, f"no token ({account}'s mailbox has none)")
    return Typed(tokens[-1].get_secret_value(), f"the newest token (#{len(tokens)}) from {account}'s mailbox")


def phone_in_hand(world: World, actor: str, step: Step) -> Phone | None:
    """The phone the step names (which must be in the actor's hands), else the newest one they hold."""
    if step.device is not None:
        phone = world.phones[step.device]
        if phone.holder != actor:
            raise CannotAct(f"phone '{phone.id}' is not in {actor}'s hands (holder: {phone.holder or 'nobody'})")
        return phone
    held = world.phones_of(actor)
    return held[0] if held else None


def _malform(code: str, how: str) -> str:
    if how == "fullwidth":
        return "".join(chr(0xFF10 + int(c)) for c in code)
    if how == "superscript":
        return "".join(_SUPERSCRIPT[int(c)] for c in code)
    if how == "arabic_indic":
        return "".join(chr(0x0660 + int(c)) for c in code)
    if how == "spaces":
        return f" {code} "
    if how == "newline":
        return code + "\n"
    if how == "short":
        return code[:-1]
    return code[:3] + "_" + code[3:]  # underscore


_MALFORMED_TEXT = {
    "fullwidth": "full-width digits",
    "superscript": "superscript digits",
    "arabic_indic": "Arabic-Indic digits",
    "spaces": "spaces around it",
    "newline": "a trailing newline",
    "short": "one digit missing",
    "underscore": "an underscore inside",
}


def code(world: World, policy: Policy, actor: str, account: str, step: Step) -> Typed:
    kind = step.code or "current"
    if kind == "none":
        return Typed(None, "no code")
    if kind == "replay":
        last = world.last_code.get(account)
        return (
            Typed(last, f"a replay of the last code accepted for {account}")
            if last
            else Typed(None, f"no code accepted for {account} yet to replay")
        )
    if kind == "wrong":
        return Typed(_wrong_code(world, policy, account), "a wrong code (well-formed guess)")
    phone = phone_in_hand(world, actor, step)
    if phone is None:
        return Typed(None, f"no code ({actor} holds no phone)")
    entries = phone.entries_for(account)
    if not entries:
        why = "has no authenticator app" if not phone.app else f"holds no entry for {account}"
        return Typed(None, f"no code ({phone.id} {why})")
    entry = entries[0] if step.entry == "oldest" else entries[-1]
    drift = int(kind.split(":")[1]) if kind.startswith("drift:") else 0
    value = entry.code_at(world.clock.now() + phone.clock_skew_seconds + drift * policy.period)
    stored = world.store.load(account)
    which = (
        "the bound secret"
        if entry.same_secret(stored.bound_secret)
        else "the pending secret"
        if entry.same_secret(stored.pending_secret)
        else "a secret no longer in use"
    )
    when = "current step" if not drift else f"drift {drift:+d} step{'s' if abs(drift) > 1 else ''}"
    pick = f"{step.entry or 'newest'} of {len(entries)} entries" if len(entries) > 1 else "its entry"
    text = f"code of {which} from {phone.id} ({pick}, {when})"
    if kind.startswith("malformed:"):
        how = kind.split(":")[1]
        return Typed(_malform(value, how), f"{text}, with {_MALFORMED_TEXT[how]}")
    return Typed(value, text)


def _wrong_code(world: World, policy: Policy, account: str) -> str:
    """A well-formed code that matches no secret of the account near now (so it is surely wrong)."""
    verifier = TotpVerifier(policy)
    stored = world.store.load(account)
    secrets = [s.get_secret_value() for s in (stored.bound_secret, stored.pending_secret) if s is not None]
    now = world.clock.now()
    near = {verifier.code_at(s, now + k * policy.period) for s in secrets for k in range(-3, 4)}
    while True:
        guess = f"{world.rng.randrange(10**policy.digits):0{policy.digits}d}"
        if guess not in near:
            return guess
