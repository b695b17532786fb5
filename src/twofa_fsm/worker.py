"""For a cron job or a background worker: fire every system event that has come due, in one call."""

from __future__ import annotations

from twofa_fsm.errors import ConcurrentUpdate
from twofa_fsm.outcome import Outcome
from twofa_fsm.service import TwoFAService

PAGE = 200


def fire_due(service: TwoFAService, *, limit: int = 10_000) -> list[Outcome]:
    """Tick every account in a state from which a system event can come due (an expired setup, a reset
    left unconfirmed), a page at a time, and return what fired (at most ``limit``).

    An account another request changed meanwhile is skipped (the next run sees it); nothing else is
    refused, since a system event is fired only when it is due.
    """
    fired: list[Outcome] = []
    for state in service.engine.timed_states():
        after: str | None = None
        while len(fired) < limit:
            page = service.accounts(state=state, after=after, limit=PAGE)
            for account in page:
                try:
                    out = service.tick(account.id)
                except ConcurrentUpdate:
                    continue
                if out is not None and len(fired) < limit:
                    fired.append(out)
            if len(page) < PAGE:
                break
            after = page[-1].id
    return fired
