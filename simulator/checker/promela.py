"""The spec as a Promela model for SPIN: generated from the validated spec, one model per world.

The abstract world: the target's state and where the confirmation step was entered from; whether a bound and a
pending secret exist and whose phones hold them (the user's, the phisher's, the thief's: bit masks), and which
phones hold a dead one; the time steps of accepted codes relative to now; the failure count (capped just past
the limit) and the back-off; the setup token (outstanding, expired, in the user's mailbox); the setup handle and
who holds it; sessions; the timers that are due.  The parties are the built-in checker's (``people.py``), each
described by a row of the ``A_*`` tables; every transition is its guards in the engine's order, translated by
``promela_guards.py``; the properties are flags that ``ltl`` claims watch (``promela_props.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from twofa_fsm import Spec
from twofa_fsm.spec.model import Transition
from twofa_fsm_tools.checker.promela_guards import Who, chain, effect
from twofa_fsm_tools.checker.promela_moves import Moves, in_states
from twofa_fsm_tools.checker.promela_props import (
    SAFETY,
    liveness_section,
    property_flags,
    property_section,
    safety_claims,
    took_steps,
)
from twofa_fsm_tools.checker.promela_waits import waits
from twofa_fsm_tools.checker.promela_world import World, build_world

ZERO = (
    "a = 0; ev = 0; pw = 0; cd = 0; tk = 0; hd = 0; csrc = 0; b_st = 0; b_prior = 0; b_bnd = 0; b_boff = 0; "
    "b_fails = 0; b_stimeout = 0; b_rdue = 0; b_accb = 0; b_accp = 0; csec = 0; coff = 0; cmal = 0; cgiven = 0; "
    "ok = 0; fk = 0; fc = 0; ok_code = 0; granted = 0; created = 0; bchg = 0; bfromp = 0; notified_reset = 0"
)


@dataclass(frozen=True)
class Model:
    """A generated model and what its trail's MOVE lines mean."""

    text: str
    world: World
    events: tuple[str, ...]
    waits: tuple[float, ...]

    def move_name(self, ev: int) -> str:
        n = len(self.events)
        if ev < n:
            return self.events[ev]
        return ("lose_phone", "delete_app")[ev - n] if ev < n + 2 else "wait"


def _lock_events(spec: Spec) -> dict[str, str]:
    """Per state, the system event that locks at the failure limit (the engine's ``lock_event``)."""
    out: dict[str, str] = {}
    for _, src, t in spec.edges():
        if (
            src not in out
            and t.guard("actor_is_system")
            and any(u.guard("failures_at_limit") for u in spec.transitions if u.event == t.event and src in u.source)
        ):
            out[src] = t.event
    return out


_in = in_states


class _Gen(Moves):
    def __init__(self, world: World, drop: tuple[int, str] | None, live: bool) -> None:
        self.live = live
        self.w, self.f, self.spec = world, world.facts, world.facts.spec
        self.pol = self.spec.policy
        self.drop = drop
        self.lines: list[str] = []

    def emit(self, *lines: str) -> None:
        self.lines.extend(lines)

    def header(self) -> None:
        w, spec = self.w, self.spec
        self.emit(f"/* twofa-fsm: spec '{spec.name}', target {w.role}, {'set up' if w.set_up else 'new'} */")
        for i, s in enumerate(spec.states):
            self.emit(f"#define S_{s} {i}")
        for i, e in enumerate(self.events):
            self.emit(f"#define E_{e} {i}")
        self.emit("#define R_NONE 255")
        for i, r in enumerate(spec.roles):
            self.emit(f"#define R_{r} {i}")
        top = max((r.tier for r in spec.roles.values() if r.scope == "organisation"), default=-1)
        tier = spec.roles[w.role].tier
        self.emit(
            "#define NONE 255",
            f"#define TTIER {tier}",
            f"#define SOLE {int(tier == top)}",
            f"#define NA {len(w.parties)}",
            f"#define NE {len(self.events)}",
            "#define TIMERS 3",
        )
        for name in self._tables():
            self.emit(f"hidden byte {name}[NA];")
        self.emit(f"hidden byte RULE[{len(w.parties) * len(self.events)}];")

    def _tables(self) -> dict[str, list[int]]:
        spec = self.spec
        ps = self.w.parties
        roles = list(spec.roles)
        return {
            "A_ROLE": [roles.index(p.role) if p.role in spec.roles else 255 for p in ps],
            "A_TIER": [spec.roles[p.role].tier if p.role in spec.roles else 0 for p in ps],
            "A_HASROLE": [int(p.role in spec.roles) for p in ps],
            "A_ORG": [int(p.same_org) for p in ps],
            "A_VENDOR": [int(p.vendor) for p in ps],
            "A_SYS": [int(p.system) for p in ps],
            "A_HOLDER": [int(p.holder) for p in ps],
            "A_SELF": [int(p.self_) for p in ps],
            "A_FRESH": [int(p.fresh) for p in ps],
            "A_STANDS": [int(p.stands) for p in ps],
            "A_BIT": [p.bit for p in ps],
        }

    def globals_(self) -> None:
        self.emit(
            "byte st; byte prior = NONE; byte phase; bool bnd; bool pnd; byte hb; byte hp; byte hdead;",
            "short lrel = -3; byte accb; byte accp; byte rsec; short rrel = -3;",
            "byte fails; bool boff; byte tok; bool treq; bool mailtok; bool hset; byte hnd; bool sess; bool hver;",
            "bool stimeout; bool rdue; bool dirty;",
            "/* the last step */",
            "bool clk; int tookm;",
            "byte a; byte ev; byte pw; byte cd; byte tk; byte hd;",
            "byte csrc;",
            "byte b_st; byte b_prior; byte b_bnd; byte b_boff; byte b_fails;",
            "byte b_stimeout; byte b_rdue; byte b_accb; byte b_accp;",
            "byte csec; short coff; byte cmal; byte cgiven; byte ok;",
            "byte fk; byte fc; byte ok_code; byte granted; byte created;",
            "byte bchg; byte bfromp; byte notified_reset;",
        )
        if not self.live:
            self.emit(*property_flags(self.w))

    def init_tables(self) -> None:
        for name, rows in self._tables().items():
            self.emit("  " + " ".join(f"{name}[{i}] = {v};" for i, v in enumerate(rows)))
        cells = [
            f"RULE[{i * len(self.events) + j}] = 1;"
            for (i, e), ok in sorted(self.w.rule.items())
            if ok
            for j in [self.events.index(e)]
        ]
        if cells:
            self.emit("  " + " ".join(cells))
        self.emit(f"  st = S_{self.f.initial};")
        issues = self.pol.token_lifetime_seconds is not None and any(
            t.has_effect("issue_setup_token") for t in self.spec.transitions
        )
        if issues:
            self.emit("  tok = 1; treq = 1; mailtok = 1;")
        self.emit(f"  phase = {int(not self.w.set_up)};")

    # -- moves -----------------------------------------------------------------------------

    def transitions(self) -> None:
        self.emit("      if", "      :: !A_STANDS[a] -> fk = 1")
        for i, t in enumerate(self.spec.transitions):
            self._transition(i, t, Who(), "ok = 1")
        self.emit("      :: else -> fk = 3", "      fi;")

    def _transition(
        self, i: int, t: Transition, who: Who, done: str, indent: str = "      ", lock: frozenset[str] | None = None
    ) -> None:
        skip = self.drop[1] if self.drop is not None and self.drop[0] == i else None
        steps = chain(t, who, self.pol, skip)
        selectors = [c for _, kind, c, _ in steps if kind == "selector"]
        rest = [s for s in steps if s[1] != "selector"]
        first = _in(lock) if lock is not None else f"ev == E_{t.event} && {_in(frozenset(t.source))}"
        when = " && ".join([first, *selectors])
        has_code = any(name in ("bound_code_valid", "pending_code_valid") for name, *_ in rest)
        body = [*(["ok_code = 1"] if has_code else []), *(s for e in t.effects for s in effect(e, who.a))]
        body += [f"st = S_{t.dest}", done]
        inner = "; ".join(body)
        for _, kind, cond, counts in reversed(rest):
            fk = 1 if kind == "authz" else 2
            inner = f"if :: !({cond}) -> fk = {fk}; fc = {counts} :: else -> {inner} fi"
        self.emit(f"{indent}:: {when} -> {inner}")

    def failure(self) -> None:
        """A counted failure: the back-off starts; at the limit the engine fires the state's lock as the system."""
        top = self.pol.max_failures
        self.emit(
            "      if",
            "      :: fc ->",
            f"         if :: fails <= {top} -> fails = fails + 1 :: else fi; boff = 1; dirty = 1;",
            f"         if :: fails >= {top} ->",
            "            if",
        )
        system = Who(a="TIMERS", pw="0", tk="0", hd="0", csec="0", coff="0", cmal="0", cgiven="0")
        locks = _lock_events(self.spec)
        for i, t in enumerate(self.spec.transitions):
            where = frozenset(s for s in t.source if locks.get(s) == t.event)
            if where:
                self._transition(i, t, system, "skip", "            ", where)
        self.emit("            :: else -> skip", "            fi", "         :: else fi", "      :: else fi;")

    def body(self) -> None:
        ne = len(self.events)
        self.emit("active proctype world() {", "  byte seen0;", "  d_step {")
        self.init_tables()
        self.emit(f"  seen0 = 1 << S_{self.f.initial}", "  };", "  do", "  :: atomic {")
        self.choose()
        self.emit("    d_step {", "      clk = 0; ok = 0; fk = 0; fc = 0; ok_code = 0; granted = 0; created = 0;")
        self.emit("      bchg = 0; bfromp = 0; notified_reset = 0;")
        if not self.live:
            self.emit(
                "      " + " ".join(f"bad_{p} = 0;" for p in SAFETY) + "  /* a step's own: the claims see them */"
            )
        self.emit(
            "      b_st = st; b_prior = prior; b_bnd = bnd; b_boff = boff; b_fails = fails; b_stimeout = stimeout;",
            "      b_rdue = rdue; b_accb = accb; b_accp = accp;",
        )
        self.emit('      printf("MOVE %d %d %d %d %d %d %d\\n", phase, a, ev, pw, cd, tk, hd);')
        self.resolve_code()
        self.emit("      if", f"      :: ev >= {ne} ->", "      if")
        self.world_moves()
        self.emit("      fi", "      :: else ->")
        self.transitions()
        self.failure()
        self.emit("      fi;")
        if self.live:
            self.emit(*took_steps(self.w))
        else:
            self.emit(*property_section(self.w))
        self.emit(
            "      if :: phase == 0 && ok -> seen0 = seen0 | (1 << st) :: else fi;",
            f"      if :: phase == 0 && {_in(self.f.access)} && bnd && (hb & 1) ->",
            "         phase = 1; lrel = (lrel - 1 < -3 -> -3 : lrel - 1); rrel = (rrel - 1 < -3 -> -3 : rrel - 1);",
            "         accb = accb >> 1; accp = accp >> 1; boff = 0",
            "      :: else fi;",
            f"      {ZERO}; clk = 0; tookm = 0",
            "    }",
            "  }",
            "  od",
            "}",
        )


def promela_model(
    spec: Spec,
    role: str,
    set_up: bool,
    *,
    lean: bool = False,
    drop_guard: tuple[int, str] | None = None,
    live: bool = False,
) -> Model:
    """The Promela model of one world.  ``drop_guard`` = (transition index, guard name): leave that guard out of
    the generated model only (a test's deliberately broken export: the cross-check must then disagree).
    ``live``: the liveness model (the fairness monitor and the liveness claims) instead of the safety one."""
    world = build_world(spec, role, set_up, lean=lean)
    gen = _Gen(world, drop_guard, live)
    gen.header()
    gen.globals_()
    gen.emit(*(liveness_section(world) if live else safety_claims()))
    gen.body()
    return Model("\n".join(gen.lines) + "\n", world, gen.events, tuple(s for s, _ in waits(spec)))
