"""The moves of the Promela model: who acts, which event the state allows (or a world move: a lost or wiped
phone, the clock's waits), with which input classes, as the built-in checker's ``moves.py``."""

from __future__ import annotations

from twofa_fsm.spec.model import Policy, Spec
from twofa_fsm_tools.checker.derive import Facts
from twofa_fsm_tools.checker.moves import HOLDER_CODES
from twofa_fsm_tools.checker.promela_guards import HD, PW, SB, SP, TK
from twofa_fsm_tools.checker.promela_waits import waits
from twofa_fsm_tools.checker.promela_world import World

CODES = ("none", *HOLDER_CODES)
RESET = "pw = 0; tk = 0; hd = 0; cd = 0; csrc = 0"


def in_states(states: frozenset[str] | tuple[str, ...], var: str = "st") -> str:
    return "(" + (" || ".join(f"{var} == S_{s}" for s in sorted(states)) or "0") + ")"


_in = in_states


class Moves:
    """Emits the move choice and the world moves (mixed into the generator)."""

    w: World
    f: Facts
    spec: Spec
    pol: Policy

    def emit(self, *lines: str) -> None:
        raise NotImplementedError

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(self.spec.events)

    def choose(self) -> None:
        """Pick an actor, an event the state allows (or a world move) and the inputs."""
        n = len(self.w.parties)
        self.emit("    if", "    :: phase == 0 -> a = 0")
        self.emit("    :: phase == 1 -> if " + " ".join(f":: a = {i}" for i in range(n)) + " fi")
        self.emit("    fi;", "    if")
        for e in self.events:
            srcs = {s for t in self.spec.transitions if t.event == e for s in t.source}
            if not srcs:
                continue
            fresh = self._phase0_ok(e)
            self.emit(f"    :: {_in(frozenset(srcs))} && (phase == 1 || {fresh}) -> ev = E_{e}; {self._inputs(e)}")
        ne = len(self.events)
        self.emit(
            f"    :: phase == 1 && a == 0 && ((hb | hp | hdead) & 1) -> ev = {ne}; {RESET}",
            f"    :: phase == 1 && a == 0 && ((hb | hp | hdead) & 1) -> ev = {ne + 1}; {RESET}",
        )
        for j, (_, when) in enumerate(waits(self.spec)):
            self.emit(f"    :: phase == 1 && a == 0 && ({when}) -> ev = {ne + 2 + j}; {RESET}")
        self.emit("    fi;")

    def _phase0_ok(self, event: str) -> str:
        """Setting up, the user makes only moves to a state not yet visited (their shortest way to access)."""
        opts = [
            f"({_in(frozenset(t.source))} && !(seen0 & (1 << S_{t.dest})))"
            for t in self.spec.transitions
            if t.event == event
        ]
        return "(" + " || ".join(opts) + ")"

    def _inputs(self, event: str) -> str:
        """The party's inputs: the user's best, and each input varied alone through every class (as the built-in
        checker's ``moves``); an attacker's best try, and each input left out."""
        inputs = self.f.inputs(event)
        src = SP if self.f.code_source(event) == "pending" else SB
        fields = [
            (var, classes, best, attacker)
            for name, var, classes, best, attacker in (
                ("password", "pw", (PW["wrong"], 0), PW["right"], None),
                ("code", "cd", tuple(i for i in range(len(CODES)) if i != 1), 1, 1),
                ("token", "tk", (TK["wrong"], 0), TK["mail"], TK["wrong"]),
                ("handle", "hd", (HD["wrong"], 0), HD["own"], HD["own"]),
            )
            if name in inputs
        ]
        best = " ".join(f"{var} = {b};" for var, _, b, _ in fields) or "skip;"
        user = [best] + [
            " ".join(f"{v} = {c if v == var else b};" for v, _, b, _ in fields)
            for var, classes, _, _ in fields
            for c in classes
        ]
        out = [f"pw = 0; tk = 0; hd = 0; cd = 0; csrc = {src};", "if :: phase == 0 -> " + best]
        out.append(":: phase == 1 && a == 0 -> if " + " ".join(f":: {u}" for u in user) + " fi")
        for party, pw in ((1, PW["right"]), (2, PW["wrong"])):
            tries = {var: (pw if var == "pw" else att) for var, _, _, att in fields}
            top = " ".join(f"{v} = {x};" for v, x in tries.items()) or "skip;"
            each = [" ".join(f"{v} = {0 if v == var else x};" for v, x in tries.items()) for var in tries]
            out.append(f":: phase == 1 && a == {party} -> if " + " ".join(f":: {u}" for u in [top, *each]) + " fi")
        out.append(":: else -> skip fi")
        return " ".join(out)

    def resolve_code(self) -> None:
        """Which secret the typed code comes from, and its step (the built-in checker's code classes)."""
        self.emit(
            "      cgiven = (cd != 0); cmal = (cd == 7); csec = 0; coff = 0;",
            "      if",
            "      :: cd >= 1 && cd <= 5 || cd == 7 ->",
            "         if :: (csrc == 1 && (hb & A_BIT[a])) || (csrc == 2 && (hp & A_BIT[a])) -> csec = csrc",
            "         :: else -> cmal = 0 fi;",
            "         if :: cd == 2 -> coff = -1 :: cd == 3 -> coff = 1 :: cd == 4 -> coff = -2 :: cd == 5 -> coff = 2",
            "         :: else -> coff = 0 fi",
            "      :: cd == 8 -> csec = rsec; coff = rrel",
            "      :: cd == 9 && (hdead & A_BIT[a]) -> csec = 3",
            "      :: cd == 10 && csrc == 1 && (hp & A_BIT[a]) -> csec = 2",
            "      :: cd == 10 && csrc == 2 && (hb & A_BIT[a]) -> csec = 1",
            "      :: else -> skip",
            "      fi;",
        )

    def world_moves(self) -> None:
        ne = len(self.events)
        self.emit(
            f"      :: ev == {ne} -> hb = hb | ((hb & 1) << 2); hp = hp | ((hp & 1) << 2); "
            "hdead = hdead | ((hdead & 1) << 2); hb = hb & 6; hp = hp & 6; hdead = hdead & 6",
            f"      :: ev == {ne + 1} -> hb = hb & 6; hp = hp & 6; hdead = hdead & 6",
        )
        pol = self.pol
        for j, (seconds, _) in enumerate(waits(self.spec)):
            steps = max(1, int(seconds // pol.period))
            body = ["clk = 1"]
            body.append(f"lrel = (lrel - {steps} < -3 -> -3 : lrel - {steps})")
            body.append(f"rrel = (rrel - {steps} < -3 -> -3 : rrel - {steps})")
            body.append(f"accb = accb >> {min(steps, 5)}; accp = accp >> {min(steps, 5)}")
            body.append(f"if :: {self._backoff_over(seconds)} -> boff = 0 :: else fi")
            if pol.setup_timeout_seconds is not None and seconds > pol.setup_timeout_seconds:
                body.append("if :: pnd -> stimeout = 1 :: else fi")
            if pol.token_lifetime_seconds is not None and seconds >= pol.token_lifetime_seconds:
                body.append("if :: tok == 1 -> tok = 2 :: else fi")
            if pol.reset_confirm_seconds is not None and seconds > pol.reset_confirm_seconds:
                body.append("if :: prior != NONE -> rdue = 1 :: else fi")
            if pol.recent_auth_seconds is not None and seconds > pol.recent_auth_seconds:
                body.append("hver = 0")
            self.emit(f"      :: ev == {ne + 2 + j} -> " + "; ".join(body))

    def _backoff_over(self, seconds: float) -> str:
        """After ``fails`` failures the back-off is base * 2^(fails-1), capped; over when it fits in ``seconds``."""
        pol = self.pol
        ok = [
            n
            for n in range(1, pol.max_failures + 2)
            if min(pol.backoff_max_seconds, pol.backoff_base_seconds * 2 ** (n - 1)) <= seconds
        ]
        return "(" + (" || ".join(f"fails == {n}" for n in ok) or "0") + ")"
