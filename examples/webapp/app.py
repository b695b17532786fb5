"""The app factory: ``create_app(settings)`` -> a FastAPI app serving the article's endpoints."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from . import errors, routes_admin, routes_auth, routes_dev, routes_setup
from .backend import build_backend
from .dev_vendor import VendorConsole
from .settings import Settings
from .worker import Worker

log = logging.getLogger("twofa_webapp")


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; the store opens (and the bootstrap Owner is created) when it starts, and closes when it stops."""
    settings = settings if settings is not None else Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        backend = build_backend(settings)
        app.state.backend = backend
        backend.service.deliver_pending()  # what a crashed process left unsent
        worker = Worker(backend.service, settings.worker_seconds) if settings.worker_seconds > 0 else None
        if worker is not None:
            worker.start()
        log.info("twofa webapp ready: spec %s, dev endpoints %s", backend.spec.name, settings.dev_endpoints)
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            backend.close()

    app = FastAPI(title="twofa-fsm example backend", version="1", lifespan=lifespan)
    errors.install(app)
    for module in (routes_auth, routes_setup, routes_admin):
        app.include_router(module.router)
    if settings.dev_endpoints:
        app.include_router(routes_dev.router)
        app.state.vendor_console = VendorConsole()  # the vendor's support desk, for the conformance tests

    @app.middleware("http")
    async def no_store(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers["Cache-Control"] = "no-store"  # sessions, tickets and secrets must not be cached
        return response

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
