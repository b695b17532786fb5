"""Mutants shown equivalent by analysis, with the reason, rather than listed by hand.

- An added event that never fires: the exhaustive checker reached no state where its guards all hold
  (e.g. a copy of a cancel whose ``came_from`` can only hold at the confirmation step).
- Effects run in another order where no effect reads or writes what another one writes: the
  transition leaves the same account (the runtime applies all updates at once, when it completes).
"""

from __future__ import annotations

from twofa_fsm_tools.mutation.kinds import Mutant, name_of

# what each effect of the allow-list reads and writes on the account (notices are a set: order-free)
_TOUCHES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "create_pending_secret": (frozenset(), frozenset({"pending_secret", "pending_since", "setup_handle_digest"})),
    "bind_pending_secret": (
        frozenset({"pending_secret"}),
        frozenset({"bound_secret", "bound_at", "pending_secret", "pending_since", "setup_handle_digest"}),
    ),
    "discard_pending_secret": (frozenset(), frozenset({"pending_secret", "pending_since", "setup_handle_digest"})),
    "revoke_secret": (frozenset(), frozenset({"bound_secret", "bound_at"})),
    "revoke_sessions": (frozenset(), frozenset({"sessions"})),
    "start_session": (frozenset({"sessions"}), frozenset({"sessions"})),
    "issue_setup_token": (frozenset(), frozenset({"token_digest", "token_expires_at", "token_required"})),
    "consume_setup_token": (frozenset(), frozenset({"token_digest", "token_expires_at", "token_required"})),
    "accept_code": (frozenset({"last_step"}), frozenset({"last_step"})),
    "clear_failures": (frozenset(), frozenset({"failures", "last_failure_at"})),
    "record_verification": (frozenset(), frozenset({"last_verified_at"})),
    "remember_prior_state": (frozenset(), frozenset({"prior_state", "reset_requested_at"})),
    "forget_prior_state": (frozenset(), frozenset({"prior_state", "reset_requested_at"})),
    "notify": (frozenset(), frozenset()),
}


def analysed(mutant: Mutant, fired: set[str]) -> str | None:
    """Why a surviving ``mutant`` changes nothing that matters, or None when no analysis shows it."""
    if mutant.kind == "add-event":
        event = mutant.data["transitions"][-1]["event"]
        if event not in fired:
            return f"the new event '{event}' never fires: the checker reached no state where its guards all hold"
    if mutant.kind == "reorder-effects":
        index = int(mutant.id.split("/", 1)[1].split(":", 1)[0][1:])
        effects = [name_of(e) for e in mutant.data["transitions"][index]["effects"]]
        if _commute(effects):
            return "its effects neither read nor write what another one writes: any order leaves the same account"
    return None


def _commute(effects: list[str]) -> bool:
    if any(e not in _TOUCHES for e in effects):
        return False
    for i, a in enumerate(effects):
        for b in effects[i + 1 :]:
            (ra, wa), (rb, wb) = _TOUCHES[a], _TOUCHES[b]
            if wa & wb or wa & rb or wb & ra:
                return False
    return True
