"""The review page, built once per test session (the checker takes a few seconds) and shared by tests/report."""

from __future__ import annotations

import pytest
from report_build import Built, build


@pytest.fixture(scope="session")
def report(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The full page, checker included."""
    return build(tmp_path_factory.mktemp("report"))
