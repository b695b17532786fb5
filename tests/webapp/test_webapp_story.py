"""The article's story end to end over real HTTP: SQLite, PostgreSQL, and the `make demo` script itself."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from conftest import ROOT, StartServer
from examples.webapp.launch import Server
from examples.webapp.story import Story, run_story


def _check_story(story: Story, server: Server) -> None:
    """What the story must have left: Mia enrolled with her new phone only, the refusals audited."""
    api, olivia = story.api, story.sessions["olivia"]
    mia = api.call("GET", "/api/users/mia", expect=200, session=olivia)
    assert (mia["state"], mia["failures"]) == ("enrolled", 1)  # the old phone's code counted
    me = api.call("GET", "/api/me", expect=200, session=story.sessions["mia"])
    assert me["id"] == "mia" and me["state"] == "enrolled"
    rows = api.call("GET", "/api/audit?target=mia", expect=200, session=olivia)["entries"]
    outcomes = [(r["event"], r["outcome"]) for r in rows]
    for refused in [("login", "InvalidEvent"), ("start_setup", "GuardFailed"), ("login", "BadCode")]:
        assert refused in outcomes
    assert outcomes.count(("confirm_reset", "allowed")) == 1 and outcomes.count(("cancel_reset", "allowed")) == 1
    kinds = [m["kind"] for m in api.call("GET", "/dev/mailbox/mia", expect=200)["messages"]]
    assert kinds.count("setup_token") == 2 and "reset" in kinds and "locked" in kinds  # invitation + reset token
    log = server.output()
    assert "POST /api/users/mia/reset/confirm" in log  # the log is captured...
    leaked = [s for s in api.secrets if len(s) >= 8 and s in log]
    assert leaked == []  # ...and holds no password, ticket, token, session or otpauth URI


def test_article_story_on_sqlite(server: Server, client: httpx.Client) -> None:
    said: list[str] = []
    story = run_story(client, say=said.append)
    assert any("code refused (401 BadCode)" in line for line in said)  # the old phone
    _check_story(story, server)


def test_article_story_on_postgres(start_app: StartServer, pg_url: str) -> None:
    server = start_app(TWOFA_DATABASE_URL=pg_url)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        story = run_story(client, say=lambda _: None)
        _check_story(story, server)
    import psycopg

    with psycopg.connect(pg_url) as conn:  # the accounts really are in PostgreSQL, in the test's schema
        row = conn.execute("SELECT state, version FROM twofa_accounts WHERE id = 'mia'").fetchone()
    assert row is not None and row[0] == "enrolled" and row[1] > 5
    assert "Traceback" not in server.output()


def test_demo_script_starts_and_stops_its_own_server() -> None:
    """What `make demo` runs: exit 0, every step printed, and no server left behind."""
    env = {**os.environ, "TWOFA_PASSWORD_ITERATIONS": "1000"}
    done = subprocess.run(
        [sys.executable, "-m", "examples.webapp.story"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for step in range(1, 10):
        assert f"\n== {step}. " in done.stdout
    assert "Mia is enrolled again" in done.stdout


def test_demo_script_fails_on_an_unexpected_response(server: Server, client: httpx.Client) -> None:
    """Against a server where Olivia is already enrolled, the story's first step is a surprise: exit 1."""
    run_story(client, say=lambda _: None)
    done = subprocess.run(
        [sys.executable, "-m", "examples.webapp.story", "--url", server.url],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "unexpected: olivia: after the password, expected next=setup, got code" in done.stderr
