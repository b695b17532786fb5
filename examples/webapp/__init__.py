"""A FastAPI backend on ``TwoFAService``: the help-centre article's endpoints, ready to copy.

``create_app(settings)`` builds the app; ``python -m examples.webapp --port 8000`` runs it with uvicorn;
``python -m examples.webapp.story`` starts it on a free port and runs the article's story against it.
See README.md in this folder for the endpoints and the error -> HTTP status mapping.
"""

from __future__ import annotations

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
