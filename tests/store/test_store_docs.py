"""Every ``python`` block of docs/embedding.md runs, in order, in one namespace (except those marked "not run")."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from backends import Backend

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "embedding.md"


def test_embedding_doc_examples_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    runnable = [b for b in blocks if not b.startswith("# not run")]
    assert len(runnable) >= 5
    namespace: dict[str, object] = {}
    for i, block in enumerate(runnable):
        try:
            exec(compile(block, f"{DOC.name}[python block {i}]", "exec"), namespace)
        except Exception as exc:
            pytest.fail(f"docs/embedding.md python block {i} failed: {exc!r}\n{block}")
    assert "reload the account and retry" in capsys.readouterr().out
    assert os.path.isdir(str(namespace["tmp"]))


def test_embedding_doc_postgres_example_runs(pg_backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PostgreSQL block is not run with the others (it needs a server): it runs here, on the test server."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TWOFA_PG_URL", pg_backend.target)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    postgres = [b for b in blocks if b.startswith("# not run: needs a PostgreSQL server")]
    assert len(postgres) == 1
    exec(compile(postgres[0], f"{DOC.name}[PostgreSQL block]", "exec"), {})
    assert [a.id for a in pg_backend.open().accounts()] == ["nina"]
