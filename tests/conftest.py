"""Shared fixtures for the foundation tests (the harness lives in twofa_harness.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from twofa_harness import ARTICLE, HARDENED, Org


def _acme(spec: Path) -> Org:
    """An owner, an admin and a member of 'acme', all enrolled."""
    o = Org(spec)
    for account_id, role in (("olivia", "owner"), ("adam", "admin"), ("mia", "member")):
        o.add(account_id, role)
    return o


@pytest.fixture
def org() -> Org:
    return _acme(HARDENED)


@pytest.fixture
def article_org() -> Org:
    return _acme(ARTICLE)


@pytest.fixture(scope="session", autouse=True)
def _remembered_checks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One cache of check results for the whole run, shared by its xdist workers, never the user's own:
    the report, diff and check tests reuse a spec's exploration instead of repeating it."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    before = os.environ.get("TWOFA_FSM_CACHE")
    os.environ["TWOFA_FSM_CACHE"] = str(shared / "twofa-fsm-cache")
    yield
    if before is None:
        os.environ.pop("TWOFA_FSM_CACHE", None)
    else:
        os.environ["TWOFA_FSM_CACHE"] = before
