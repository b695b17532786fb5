"""Shared fixtures for the foundation tests (the harness lives in twofa_harness.py)."""

from __future__ import annotations

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
