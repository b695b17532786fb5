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
}
