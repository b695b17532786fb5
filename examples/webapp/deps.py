"""FastAPI dependencies: the backend, and who is signed in (``Authorization: Bearer USER:SESSION``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from twofa_fsm import AccountNotFound, Actor

from .backend import Backend
from .errors import NotAllowed, NotSignedIn

ADMIN_ROLES = frozenset({"owner", "admin"})  # who sees Organisation > Users, invites and reads the audit
MAX_HEADER = 512


def get_backend(request: Request) -> Backend:
    backend = request.app.state.backend
    assert isinstance(backend, Backend)
    return backend


BackendDep = Annotated[Backend, Depends(get_backend)]


def bearer(authorization: str | None) -> tuple[str, str]:
    """``(user, session)`` from ``Bearer USER:SESSION``; ``NotSignedIn`` when missing or garbled."""
    if authorization is None or len(authorization) > MAX_HEADER:
        raise NotSignedIn("sign in first: send Authorization: Bearer USER:SESSION from /api/login/code")
    scheme, _, credentials = authorization.partition(" ")
    user, _, session = credentials.strip().rpartition(":")
    if scheme.lower() != "bearer" or not user or not session:
        raise NotSignedIn("malformed Authorization header: expected Bearer USER:SESSION")
    return user, session


def holder(backend: Backend, user: str) -> Actor:
    """The account's own holder (whoever presents its credentials), for ``service.fire`` (``AccountNotFound``)."""
    return Actor.holder(backend.service.account(user))


def signed_in(backend: BackendDep, authorization: Annotated[str | None, Header()] = None) -> Actor:
    """The account holding a live session, as an ``Actor`` (``InvalidSession`` -> 401 when it is not live)."""
    user, session = bearer(authorization)
    try:
        return backend.service.check_session(user, session)
    except AccountNotFound:
        raise NotSignedIn("no such session: sign in again") from None


ActorDep = Annotated[Actor, Depends(signed_in)]


def admin(actor: ActorDep) -> Actor:
    """A signed-in Owner or Admin (the reset events are checked again by the library's guards)."""
    if actor.role not in ADMIN_ROLES:
        raise NotAllowed(f"only an {' or '.join(sorted(ADMIN_ROLES))} may do this; you are {actor.role}")
    return actor


AdminDep = Annotated[Actor, Depends(admin)]
