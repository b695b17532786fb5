"""Refusals over HTTP: concurrent confirms, replayed codes, the status mapping, Retry-After, the audit."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import httpx
import pytest

from examples.webapp.client import Api, ServerClock
from examples.webapp.errors import status_of
from examples.webapp.launch import Server
from examples.webapp.story import PASSWORDS, Story, organisation
from twofa_fsm import (
    AccountExists,
    AccountNotFound,
    ConcurrentUpdate,
    Forbidden,
    GuardFailed,
    InvalidEvent,
    InvalidInput,
    InvalidSession,
    StoreUnavailable,
)


@pytest.fixture
def story(client: httpx.Client) -> Story:
    """Olivia (Owner), Adam (Admin) and Mia enrolled and signed in, on a fresh server with a test clock."""
    api = Api(client)
    api.secrets.update(PASSWORDS.values())
    story = Story(api, ServerClock(api), say=lambda _: None)
    assert story.clock.manual
    organisation(story)
    return story


def refused(response: httpx.Response, status: int, kind: str) -> str:
    """The response is the documented refusal: status, kind, and a body of one line without secrets."""
    body: dict[str, Any] = response.json()
    assert (response.status_code, body.get("kind")) == (status, kind), body
    assert set(body) == {"error", "kind"} and "\n" not in body["error"] and 0 < len(body["error"]) <= 300
    return str(body["error"])


def code_login(story: Story, user: str, code: str) -> httpx.Response:
    ticket = story.ticket(user, "code")
    story.api.secrets.add(code)
    return story.api.client.post("/api/login/code", json={"user": user, "ticket": ticket, "code": code})


def test_two_concurrent_confirms_of_one_reset_one_wins(story: Story, server: Server) -> None:
    adam = story.sessions["adam"]
    for _ in range(3):  # each round: Reset 2FA once, then two "Reset" clicks at the same moment
        story.api.call("POST", "/api/users/mia/reset", expect=200, session=adam)
        barrier, statuses = threading.Barrier(2), []

        def confirm() -> None:
            with httpx.Client(base_url=server.url, timeout=30) as own:
                barrier.wait()
                r = own.post("/api/users/mia/reset/confirm", headers={"Authorization": f"Bearer {adam}"})
                statuses.append(r.status_code)
                if r.status_code == 409:
                    assert r.json()["kind"] in {"ConcurrentUpdate", "InvalidEvent"}

        threads = [threading.Thread(target=confirm) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(statuses) == [200, 409]
    rows = story.api.call("GET", "/api/audit?target=mia", expect=200, session=adam)["entries"]
    assert sum(r["event"] == "confirm_reset" and r["outcome"] == "allowed" for r in rows) == 3
    tokens = [m for m in story.api.call("GET", "/dev/mailbox/mia", expect=200)["messages"] if m["token"]]
    assert len(tokens) == 1 + 3  # the invitation and one token per reset that happened: none for a lost race


def test_a_replayed_code_is_refused(story: Story) -> None:
    story.clock.next_step()
    code = story.phones["mia"].code()
    assert code_login(story, "mia", code).status_code == 200
    error = refused(code_login(story, "mia", code), 401, "BadCode")
    assert "replayed" in error and code not in error
    story.clock.next_step()
    assert code_login(story, "mia", story.phones["mia"].code()).status_code == 200  # a fresh code still works


def test_wrong_format_unknown_user_and_missing_session(story: Story) -> None:
    client, olivia = story.api.client, story.sessions["olivia"]
    story.clock.next_step()
    for malformed in ("12ab56", "12345", "１２３４５６"):
        assert "malformed" in refused(code_login(story, "mia", malformed), 422, "BadCode")
        story.clock.advance(10)  # past the back-off each counted malformed code starts
    assert "no such" in refused(
        client.post("/api/setup", json={"user": "nobody", "ticket": "x" * 43}), 404, "AccountNotFound"
    )
    refused(client.get("/api/users/nobody", headers={"Authorization": f"Bearer {olivia}"}), 404, "AccountNotFound")
    refused(client.post("/api/login", json={"user": "nobody", "password": "hunter22"}), 401, "NotSignedIn")
    refused(client.get("/api/users"), 401, "NotSignedIn")
    refused(client.get("/api/me", headers={"Authorization": "Bearer garbled"}), 401, "NotSignedIn")
    refused(client.get("/api/me", headers={"Authorization": "Bearer mia:" + "A" * 43}), 401, "InvalidSession")
    mia = {"Authorization": f"Bearer {story.sessions['mia']}"}
    refused(client.get("/api/users", headers=mia), 403, "Forbidden")
    adam = {"Authorization": f"Bearer {story.sessions['adam']}"}
    refused(client.post("/api/users/olivia/reset", headers=adam), 403, "Forbidden")  # an Admin may not reset an Owner
    refused(client.post("/api/users/mia/reset/confirm", headers=adam), 409, "InvalidEvent")  # no "Reset 2FA" first
    body = {"id": "adam", "role": "member", "password": "a new password"}
    refused(client.post("/api/users", json=body, headers=adam), 409, "AccountExists")
    error = refused(
        client.post("/api/users", json={**body, "id": "zoe", "password": "short1"}, headers=adam), 422, "InvalidRequest"
    )
    assert "password" in error and "short1" not in error  # the field is named, its value never echoed
    refused(client.get("/api/no-such-route"), 404, "HTTPError")


def test_back_off_answers_429_with_retry_after(story: Story) -> None:
    story.clock.next_step()
    right = story.phones["mia"].code()
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    refused(code_login(story, "mia", wrong), 401, "BadCode")  # counted: a back-off starts
    response = code_login(story, "mia", right)
    error = refused(response, 429, "GuardFailed")
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 300 and "not_backed_off" in error
    story.clock.advance(wait)
    assert code_login(story, "mia", right).status_code == 200  # after the back-off the code is judged, and right


def test_audit_shows_refusals_and_never_a_secret(story: Story, server: Server) -> None:
    story.clock.next_step()
    right = story.phones["mia"].code()
    code_login(story, "mia", f"{(int(right) + 1) % 1_000_000:06d}")
    story.clock.advance(5)
    assert code_login(story, "mia", right).status_code == 200
    code_login(story, "mia", right)  # replayed
    story.api.client.post("/api/setup", json={"user": "adam", "ticket": "not a ticket at all"})  # wrong ticket
    rows = story.api.call("GET", "/api/audit", expect=200, session=story.sessions["olivia"])["entries"]
    outcomes = {r["outcome"] for r in rows}
    assert {"allowed", "BadCode", "InvalidEvent"} <= outcomes or {"allowed", "BadCode", "GuardFailed"} <= outcomes
    assert sum(r["outcome"] == "BadCode" for r in rows) == 2
    text = json.dumps(rows)
    assert story.api.secrets  # passwords, tickets, tokens, sessions, otpauth URIs, setup handles, codes
    for secret in story.api.secrets:
        if len(secret) >= 8:
            assert secret not in text and secret not in server.output()
        else:  # a 6-digit code: never a word of the audit or the log
            pattern = re.compile(rf"\b{re.escape(secret)}\b")
            assert not any(pattern.search(str(v)) for r in rows for k, v in r.items() if k != "at")
            assert not pattern.search(server.output())


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidSession("x", event="check_session", state="enrolled"), 401),
        (Forbidden("x", event="request_reset", state="enrolled"), 403),
        (GuardFailed("x", event="login", state="enrolled", guard="not_backed_off", retry_after=2.5), 429),
        (GuardFailed("x", event="start_setup", state="unenrolled", guard="setup_token_valid"), 409),
        (GuardFailed("x", event="login", state="enrolled", guard="password_valid"), 401),
        (InvalidEvent("x", event="login", state="locked_out"), 409),
        (InvalidInput("x", event="login", state="enrolled"), 422),
        (ConcurrentUpdate("x"), 409),
        (AccountNotFound("x"), 404),
        (AccountExists("x"), 409),
        (StoreUnavailable("x"), 503),
        (RuntimeError("x"), 500),
    ],
)
def test_the_status_mapping(error: Exception, status: int) -> None:
    assert status_of(error) == status
