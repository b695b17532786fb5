"""Every error -> HTTP status, in one place.  The body is always ``{"error": ONE LINE, "kind": NAME}``.

| raised | status | body |
|---|---|---|
| ``InvalidSession``, or no/garbled ``Authorization`` header | 401 | the library's message / "sign in ..." |
| ``Forbidden`` (role, organisation, tier, self, recency), ``NotAllowed`` | 403 | the library's message |
| ``BadCode`` for a code that is not exactly N ASCII digits | 422 | the library's message |
| ``BadCode`` (wrong, outside the drift window, replayed) | 401 | the library's message |
| ``GuardFailed`` of the back-off (``err.retry_after`` set) | 429 + ``Retry-After`` | the library's message |
| ``GuardFailed`` of ``password_valid`` (the login ticket is wrong or expired) | 401 | the library's message |
| ``GuardFailed`` (any other guard: setup token, timing) | 409 | the library's message |
| ``InvalidEvent``, ``ConcurrentUpdate``, ``AccountExists`` | 409 | message / fixed text |
| ``InvalidInput``, a request body that fails validation | 422 | message / field and problem, never the value |
| ``AccountNotFound`` | 404 | "no such account" (the id is never echoed) |
| ``StoreError`` (``StoreUnavailable``...), ``sqlite3.OperationalError``, psycopg's | 503 | fixed text |
| anything else | 500 | fixed text (logged with its traceback) |

Library messages never hold a secret, a code, a token or a password (the library's promise); the ones that
could echo client input (an account id someone typed) are replaced by fixed text.
"""

from __future__ import annotations

import logging
import math
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from twofa_fsm import (
    AccountExists,
    AccountNotFound,
    BadCode,
    ConcurrentUpdate,
    DeniedError,
    Forbidden,
    GuardFailed,
    InvalidEvent,
    InvalidInput,
    InvalidSession,
    StoreError,
    TwoFAError,
)

log = logging.getLogger("twofa_webapp.errors")
MAX_MESSAGE = 300

try:  # psycopg is optional: only a PostgreSQL deployment has it
    from psycopg import OperationalError as _PgOperationalError

    UNAVAILABLE: tuple[type[Exception], ...] = (StoreError, sqlite3.OperationalError, _PgOperationalError)
except ImportError:  # pragma: no cover - without the postgres extra
    UNAVAILABLE = (StoreError, sqlite3.OperationalError)


class AppError(Exception):
    """An error of the example itself (not the library's): a status and a one-line message."""

    status = 400
    kind = "AppError"


class NotSignedIn(AppError):
    """No ``Authorization: Bearer USER:SESSION`` header, or a garbled one, or a wrong password at login."""

    status = 401
    kind = "NotSignedIn"


class NotAllowed(AppError):
    """The signed-in account may not do this (e.g. a member listing users)."""

    status = 403
    kind = "Forbidden"


# (type, status), most specific first: the first match wins.  BadCode and GuardFailed are refined below.
STATUS: tuple[tuple[type[Exception] | tuple[type[Exception], ...], int], ...] = (
    (InvalidSession, 401),
    (Forbidden, 403),
    (BadCode, 401),
    (GuardFailed, 409),
    (InvalidEvent, 409),
    (InvalidInput, 422),
    (DeniedError, 403),
    (ConcurrentUpdate, 409),
    (AccountNotFound, 404),
    (AccountExists, 409),
    (UNAVAILABLE, 503),
)

FIXED = {
    AccountNotFound: "no such account",
    AccountExists: "an account with this id already exists",
    ConcurrentUpdate: "the account changed while this request ran; nothing was written: try again",
}


def one_line(text: str) -> str:
    """``text`` on one line, at most ``MAX_MESSAGE`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 3] + "..."


def status_of(err: Exception) -> int:
    """The HTTP status of a library (or store) error."""
    status = next((code for kind, code in STATUS if isinstance(err, kind)), 500)
    if isinstance(err, BadCode):
        return 422 if err.reason.startswith("malformed") else 401
    if isinstance(err, GuardFailed):
        if err.retry_after is not None:
            return 429
        return 401 if err.guard == "password_valid" else 409
    return status


def message_of(err: Exception, status: int) -> str:
    """The body's one line: fixed text where the library's message could echo client input."""
    fixed = next((text for kind, text in FIXED.items() if isinstance(err, kind)), None)
    if fixed is not None:
        return fixed
    if status == 503:
        return "the account store is unavailable; try again later"
    if status == 500 or not isinstance(err, TwoFAError):
        return "internal error"
    return one_line(str(err))


def error_response(status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": one_line(message), "kind": kind}, status_code=status, headers=headers)


def _retry_after(err: Exception) -> dict[str, str] | None:
    if isinstance(err, GuardFailed) and err.retry_after is not None:
        return {"Retry-After": str(max(1, math.ceil(err.retry_after)))}
    return None


async def library_error(request: Request, exc: Exception) -> JSONResponse:
    status = status_of(exc)
    kind = getattr(exc, "kind", type(exc).__name__)
    if status >= 500:
        log.error("%s %s: %s (%s)", request.method, request.url.path, type(exc).__name__, status)
    else:
        log.info("%s %s refused: %s (%s)", request.method, request.url.path, kind, status)
    return error_response(status, message_of(exc, status), str(kind), _retry_after(exc))


async def app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status, str(exc), exc.kind)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 naming the first bad field and its problem, never the value (it may be a password)."""
    assert isinstance(exc, RequestValidationError)
    errors: list[dict[str, Any]] = list(exc.errors())
    first = errors[0] if errors else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or "request"
    return error_response(422, f"invalid {where}: {first.get('msg', 'malformed request')}", "InvalidRequest")


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(exc.status_code, str(exc.detail), "HTTPError", getattr(exc, "headers", None))


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("%s %s: unexpected %s", request.method, request.url.path, type(exc).__name__)
    return error_response(500, "internal error", "InternalError")


def install(app: FastAPI) -> None:
    """Register the handlers: the mapping above applies to every route."""
    app.add_exception_handler(TwoFAError, library_error)
    for unavailable in UNAVAILABLE:
        app.add_exception_handler(unavailable, library_error)
    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
