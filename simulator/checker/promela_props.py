"""The properties in the Promela model: after each move, flags for the ones it broke (``bad_*``), each watched
by an ``ltl`` claim ``[] !bad_*``; and the liveness claims under the spec's declared fairness.

The flags read what the step did (access granted, secrets created, bound or deleted, the confirmation step
entered or left, who acted, which code was typed), as ``properties.py`` does; who may act on another's account
is the rules' answer (``references.authorised``), a table in the model.
"""

from __future__ import annotations

from twofa_fsm_tools.checker.liveness_goals import GOALS, goal_states
from twofa_fsm_tools.checker.promela_guards import SB, SD, SP, Who, passes
from twofa_fsm_tools.checker.promela_waits import waits
from twofa_fsm_tools.checker.promela_world import World, fair_party

# The properties the model decides; the others are the library's own behaviour (refusals, standing), which only
# the built-in checker, driving the real engine, can judge.
SAFETY = (
    "access_needs_credentials",
    "access_only_by_login_or_setup",
    "attacker_never_gains_access",
    "rebind_needs_proof",
    "dead_secret_rejected",
    "code_used_once",
    "drift_within_one_step",
    "reset_only_by_authorised_actor",
    "actor_must_stand",
    "leave_access_only_by_confirmation",
    "authorised_reset_allowed",
    "reset_deletes_and_notifies",
    "cancel_changes_nothing",
    "setup_code_fresh",
    "system_events_only_when_due",
    "backoff_respected",
    "failures_bounded",
    "state_matches_secrets",
)


def _in(states: frozenset[str], var: str = "st") -> str:
    return "(" + (" || ".join(f"{var} == S_{s}" for s in sorted(states)) or "0") + ")"


def _events(events: frozenset[str] | set[str]) -> str:
    return "(" + (" || ".join(f"ev == E_{e}" for e in sorted(events)) or "0") + ")"


def property_flags(world: World) -> list[str]:
    return ["bool " + ", ".join(f"bad_{p}" for p in SAFETY) + ";"]


def _restoring(world: World) -> set[str]:
    f = world.facts
    out = set()
    for e in f.spec.events:
        ts = [t for t in f.transitions(e) if set(t.source) & f.confirmation]
        if ts and all((g := t.guard("came_from")) is not None and g.arg == t.dest for t in ts):
            out.add(e)
    return out


def property_section(world: World) -> list[str]:
    f = world.facts
    acc, conf = f.access, f.confirmation
    code_events = _events(f.code_events)
    steps = _events(f.confirmation_steps)
    system_kind = _events(f.system_kind)
    restoring = _events(_restoring(world))
    person = f"a >= {world.first_person}"
    self_ix = world.index("self")
    is_self_person = f"a == {self_ix}" if self_ix is not None else "0"
    rule = "RULE[a * NE + ev]"
    due = f"(b_stimeout || b_rdue || b_fails >= {f.spec.policy.max_failures})"
    bit = "(1 << (coff + 2))"
    conf_before, conf_after = _in(conf, "b_st"), _in(conf)
    top = f.spec.policy.max_failures
    timeout = "1" if f.spec.policy.setup_timeout_seconds is not None else "0"
    invariant = [
        f"if :: {_in(acc)} && !bnd -> bad_state_matches_secrets = 1 :: else fi;",
        f"if :: {_in(f.pending_states)} && !pnd -> bad_state_matches_secrets = 1 :: else fi;",
        f"if :: pnd && !({_in(f.pending_states)} || ({conf_after} && {_in(f.pending_states, 'prior')})) -> "
        "bad_state_matches_secrets = 1 :: else fi;",
        f"if :: prior != NONE && !{conf_after} -> bad_state_matches_secrets = 1 :: else fi;",
    ]
    return [
        "      if :: phase == 1 && ev < NE && ok ->",
        "        if :: granted ->",
        f"          if :: !((a == 0 || a == 1) && (hb & A_BIT[a]) && "
        f"((csec == {SB} && !bchg) || (csec == {SP} && bfromp)))"
        " -> bad_access_needs_credentials = 1 :: else fi;",
        f"          if :: !(({_in(acc, 'b_st')} && csec == {SB}) || (bfromp && csec == {SP})) -> "
        "bad_access_only_by_login_or_setup = 1 :: else fi;",
        "          if :: a == 1 || a == 2 -> bad_attacker_never_gains_access = 1 :: else fi",
        "        :: else fi;",
        f"        if :: {_in(acc, 'b_st')} && (created || (bchg && bnd)) && csec != {SB} -> bad_rebind_needs_proof = 1"
        " :: else fi;",
        f"        if :: csec == {SD} -> bad_dead_secret_rejected = 1 :: else fi;",
        f"        if :: (cd == 8 && csec != 0) || (cd != 8 && csec == {SB} && (b_accb & {bit})) || "
        f"(cd != 8 && csec == {SP} && (b_accp & {bit})) -> bad_code_used_once = 1 :: else fi;",
        "        if :: cd != 8 && csec != 0 && (coff > 1 || coff < -1) -> bad_drift_within_one_step = 1 :: else fi;",
        f"        if :: {timeout} && bfromp && b_stimeout -> bad_setup_code_fresh = 1 :: else fi;",
        f"        if :: {person} && !({is_self_person}) ->",
        "           if :: !A_STANDS[a] -> bad_actor_must_stand = 1 :: else fi;",
        f"           if :: !{rule} -> bad_reset_only_by_authorised_actor = 1 :: else fi;",
        f"           if :: {_in(acc, 'b_st')} && !{_in(acc)} && !{conf_after} -> "
        "bad_leave_access_only_by_confirmation = 1 :: else fi",
        f"        :: {is_self_person} && {steps} -> bad_reset_only_by_authorised_actor = 1",
        "        :: else fi;",
        f"        if :: ({conf_before} != {conf_after}) && !({person}) && !(a == TIMERS && {conf_before}) -> "
        "bad_reset_only_by_authorised_actor = 1 :: else fi;",
        f"        if :: !{conf_before} && b_bnd && !bnd -> bad_reset_only_by_authorised_actor = 1 :: else fi;",
        f"        if :: {conf_before} && !{conf_after} ->",
        f"           if :: st == b_prior && {restoring} -> if :: dirty -> bad_cancel_changes_nothing = 1 :: else fi",
        "           :: else -> if :: bnd || pnd || sess || !notified_reset -> bad_reset_deletes_and_notifies = 1 "
        ":: else fi",
        "           fi",
        "        :: else fi;",
        f"        if :: (a == TIMERS || {system_kind}) && !(a == TIMERS && {due}) -> "
        "bad_system_events_only_when_due = 1 :: else fi;",
        "        /* remember the accepted code (secret, step) */",
        "        if :: cd != 8 && coff >= -2 && coff <= 2 ->",
        f"           if :: csec == {SB} && !bchg -> accb = accb | {bit}",
        f"           :: csec == {SP} && bfromp -> accb = accb | {bit}",
        f"           :: csec == {SP} && !created && pnd -> accp = accp | {bit}",
        "           :: else fi",
        "        :: else fi;",
        f"        if :: csec == {SB} && !bchg -> rsec = 1; rrel = coff",
        f"        :: csec == {SP} && bfromp -> rsec = 1; rrel = coff",
        f"        :: csec == {SP} && pnd && !created -> rsec = 2; rrel = coff :: csec != 0 -> rsec = 3; rrel = coff",
        "        :: else fi",
        "      :: else fi;",
        f"      if :: phase == 1 && ev < NE && ok && !{conf_before} && {conf_after} -> dirty = 0 :: else fi;",
        f"      if :: phase == 1 && ev < NE && {code_events} && (ok || fc) && b_boff && cd != 0 -> "
        "bad_backoff_respected = 1 :: else fi;",
        f"      if :: phase == 1 && fc && fails >= {top} && {_allows_codes(world)} -> bad_failures_bounded = 1 "
        ":: else fi;",
        f"      if :: phase == 1 && ev < NE && !ok && fk == 1 && {person} && {steps} && {rule} -> "
        "bad_authorised_reset_allowed = 1 :: else fi;",
        "      if :: phase == 1 ->",
        *("        " + line for line in invariant),
        "      :: else fi;",
    ]


def _allows_codes(world: World) -> str:
    f = world.facts
    states = frozenset(s for t in f.spec.transitions if t.event in f.code_events for s in t.source)
    return _in(states)


def _enabled(world: World, party: int, events: tuple[str, ...]) -> str:
    """Promela: ``party`` could take one of ``events`` now, with their best inputs (``moves.best``)."""
    f = world.facts
    p = world.parties[party]
    opts = []
    for e in events:
        inputs = f.inputs(e)
        secret = "(hp & " if f.code_source(e) == "pending" else "(hb & "
        src = SP if f.code_source(e) == "pending" else SB
        who = Who(
            a=str(party),
            pw=("2" if p.key == "thief" else "1") if "password" in inputs and p.bit else "0",
            tk=("1" if p.key == "user" else "2") if "token" in inputs and p.bit else "0",
            hd="1" if "handle" in inputs and p.bit else "0",
            csec=f"((({secret}{p.bit})) != 0) * {src})" if "code" in inputs and p.bit else "0",
            coff="0",
            cmal="0",
            cgiven="1" if "code" in inputs and p.bit else "0",
        )
        for t in f.transitions(e):
            opts.append(f"({_in(frozenset(t.source))} && {passes(t, who, f.spec.policy)})")
    return "(" + (" || ".join(opts) or "0") + ")"


def safety_claims() -> list[str]:
    return [f"ltl {p} {{ [] !bad_{p} }}" for p in SAFETY]


def liveness_section(world: World) -> list[str]:
    """The fairness macros (one per declaration: enabled ``EN_i``; taken ``took_i``) and the claims."""
    f = world.facts
    out = ["byte fphase; bool fair;"]
    for i, decl in enumerate(f.spec.fairness):
        party = fair_party(world, decl.party)
        if party is None:
            continue
        when = _in(frozenset(decl.when))
        out.append(f"#define EN_{i} ({when} && {_enabled(world, party, decl.eventually)})")
        out.append(f"#define TOOK_{i} ((tookm & {1 << i}) != 0)")
    for name in GOALS:
        trigger, goal = goal_states(f, name)
        t_expr, g_expr = _goal_expr(trigger), _goal_expr(goal)
        out.append(f"ltl {name} {{ ([]<> fair) -> [] ({t_expr} -> <> {g_expr}) }}")
    return out


def took_steps(world: World) -> list[str]:
    """Statements of a step: which fair parties just took a promised move (``tookm``, one bit per declaration)."""
    out = ["      tookm = 0;"]
    for i, decl in enumerate(world.facts.spec.fairness):
        party = fair_party(world, decl.party)
        if party is not None:
            cond = f"phase == 1 && ok && a == {party} && {_events(set(decl.eventually))}"
            out.append(f"      if :: {cond} -> tookm = tookm | {1 << i} :: else fi;")
    ne = len(world.facts.spec.events)
    for j in range(1, len(waits(world.facts.spec))):
        out.append(f"      if :: ev == {ne + 2 + j} -> tookm = tookm | {1 << (16 + j)} :: else fi;")
    # weak fairness as one Buchi condition: ``fair`` each time time has passed and then every declaration was
    # met in turn (its move taken, or not enabled) - []<> fair is the conjunction of their []<> (!EN || TOOK)
    steps = ["      fair = 0;", "      do", "      :: fphase == 0 && clk -> fphase = 1"]
    last = 1
    for i, decl in enumerate(world.facts.spec.fairness):
        if fair_party(world, decl.party) is not None:
            steps.append(f"      :: fphase == {last} && (TOOK_{i} || !EN_{i}) -> fphase = {last + 1}")
            last += 1
    for j, (_, when) in enumerate(waits(world.facts.spec)[1:], start=1):  # every running timer comes due
        took = f"(tookm & {1 << (16 + j)})"
        steps.append(f"      :: fphase == {last} && ({took} || !(phase == 1 && ({when}))) -> fphase = {last + 1}")
        last += 1
    steps += [f"      :: fphase == {last} -> fair = 1; fphase = 0; break", "      :: else -> break", "      od;"]
    return out + steps


def _goal_expr(cond: tuple[frozenset[str], bool]) -> str:
    states, recovered = cond
    base = _in(states)
    return f"({base} && bnd && (hb & 1))" if recovered else base
