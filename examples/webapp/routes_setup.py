"""Setting up an authenticator: start (the otpauth URI and its QR code, shown once), verify, abandon."""

from __future__ import annotations

import segno
from fastapi import APIRouter

from .deps import BackendDep
from .passwords import tickets_accepted
from .schemas import SessionOut, SetupOut, SetupStart, SetupVerify, StateOut, TicketBody

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
    token = body.token.get_secret_value() if body.token is not None else None
    out = backend.service.verify_setup(
        body.user, code=body.code.get_secret_value(), token=token, handle=body.handle.get_secret_value()
    )
    assert out.session is not None
    return SessionOut(user=body.user, state=out.dest, session=f"{body.user}:{out.session}")


@router.post("/abandon")
def abandon_setup(body: TicketBody, backend: BackendDep) -> StateOut:
    """Give up a setup in progress (e.g. the handle was lost with the browser tab), with the login ticket."""
    with tickets_accepted():
        out = backend.service.abandon_setup(body.user, password=body.ticket.get_secret_value())
    return StateOut(user=body.user, state=out.dest, effects=list(out.effects))
