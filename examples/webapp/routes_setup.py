"""Setting up an authenticator: start (the otpauth URI and its QR code, shown once), verify, abandon."""

from __future__ import annotations

import segno
from fastapi import APIRouter

from .deps import BackendDep, holder
from .passwords import tickets_accepted
from .schemas import SessionOut, SetupAbandon, SetupOut, SetupStart, SetupVerify, StateOut, reveal

router = APIRouter(prefix="/api/setup", tags=["setup"])


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (segno), for the authenticator app to scan."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, title="Scan with your authenticator app"))


@router.post("")
def start_setup(body: SetupStart, backend: BackendDep) -> SetupOut:
    """Start setup with the login ticket and the e-mailed token (an invitation, or the token of a reset).

    The response holds the secret (in the otpauth URI and the QR code): it is shown this once, never stored
    by the app outside the account, and sent with ``Cache-Control: no-store``.
    """
    token = body.token.get_secret_value() if body.token is not None else None
    with tickets_accepted():
        out = backend.service.start_setup(body.user, password=body.ticket.get_secret_value(), token=token)
    assert out.provisioning_uri is not None and out.setup_handle is not None
    uri = out.provisioning_uri.get_secret_value()
    return SetupOut(user=body.user, state=out.dest, otpauth_uri=uri, qr_svg=qr_svg(uri), setup_handle=out.setup_handle)


@router.post("/verify")
def verify_setup(body: SetupVerify, backend: BackendDep) -> SessionOut:
    """The first code from the new authenticator, the setup handle and the e-mailed token: enrolled, signed in."""
    code, token, handle = reveal(body.code), reveal(body.token), reveal(body.handle)
    if code is None:  # no code sent: the library refuses it as malformed (and does not count it)
        out = backend.service.fire(body.user, "verify_setup", holder(backend, body.user), token=token, handle=handle)
    else:
        out = backend.service.verify_setup(body.user, code=code, token=token, handle=handle)
    assert out.session is not None
    return SessionOut(user=body.user, state=out.dest, session=f"{body.user}:{out.session}")


@router.post("/abandon")
def abandon_setup(body: SetupAbandon, backend: BackendDep) -> StateOut:
    """Give up a setup in progress with its setup handle, or with the login ticket (the handle was lost with the
    browser tab).  Anyone else is refused (403)."""
    with tickets_accepted():
        out = backend.service.abandon_setup(body.user, handle=reveal(body.handle), password=reveal(body.ticket))
    return StateOut(user=body.user, state=out.dest, effects=list(out.effects))
