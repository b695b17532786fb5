"""Shared fixtures for the foundation tests (the harness lives in twofa_harness.py)."""

from __future__ import annotations

import pytest

from twofa_harness import ARTICLE, HARDENED, Org


@pytest.fixture
def org() -> Org:
    o = Org(HARDENED)
    o.add("olivia", "owner")
    o.add("adam", "admin")
    o.add("mia", "member")
    return o


@pytest.fixture
def article_org() -> Org:
    o = Org(ARTICLE)
    o.add("olivia", "owner")
    o.add("adam", "admin")
    o.add("mia", "member")
    return o
