"""Mutants that survive because they change nothing that matters, each with the reason.

A mutant listed here that gets killed is simply reported as killed; one that
survives without being listed is a hole in the checks.
"""

from __future__ import annotations

EQUIVALENT: dict[str, str] = {
    "add-into-enrolled/login@setup_in_progress": (
        "login checks a code of the bound secret, and no account in setup holds one: setup starts only from "
        "unenrolled, which every reset and the initial state leave without a bound secret"
    ),
    "add-event/t5:report_lost_device@enrolled@unenrolled": (
        "whoever has the password can lock an account that has no authenticator yet: no access is gained, "
        "no secret is bound, and an Owner or Admin reset recovers it as after report_lost_device; no rule "
        "of the references forbids locking oneself out"
    ),
    "add-event/t6:too_many_failures@enrolled+setup_in_progress@unenrolled": (
        "the timers lock an account that has no authenticator yet once its password has failed the policy's "
        "maximum number of times: no access is gained and no secret is bound; an Owner or Admin reset "
        "recovers it (the checker's recoverable property holds), as after the same lock from setup"
    ),
    **{
        f"drop-effect/{where}/record_verification": (
            "last_verified_at is a record for display: an acting admin's last 2FA is the start of the live "
            "session they act through, opened by start_session on the same transition (the service never "
            "reads last_verified_at)"
        )
        for where in ("t1:verify_setup@setup_in_progress", "t4:login@enrolled")
    },
}
