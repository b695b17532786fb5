"""**A test fixture, never a configuration**: the app broken on purpose, to show that ``twofa-fsm conform``
catches a backend that strays from the spec (``tests/webapp/test_webapp_conform.py``).

``TWOFA_BROKEN=setup-without-token`` (honoured only with ``TWOFA_DEV_ENDPOINTS=1``) loads the spec with the
``setup_token_valid`` guard dropped from every transition: after an admin's reset, anyone with the password
can set up a new authenticator without the e-mailed token -- the "reset window" the hardened spec closes.
"""

from __future__ import annotations

from twofa_fsm import Spec

BROKEN_MODES: dict[str, str] = {"setup-without-token": "setup_token_valid"}  # mode -> the guard it drops


def broken_spec(spec: Spec, mode: str) -> Spec:
    """``spec`` without the guard ``mode`` drops (in memory, not validated: a deliberately wrong backend)."""
    guard = BROKEN_MODES[mode]
    transitions = tuple(
        t.model_copy(update={"guards": tuple(g for g in t.guards if g.name != guard)}) for t in spec.transitions
    )
    return spec.model_copy(update={"transitions": transitions})
