"""A small HTTP client for the example API, used by ``story.py`` and the tests: calls that expect a status,
a clock that follows the server's, and a phone that computes codes from the otpauth URI (pyotp)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pyotp

PERIOD = 30


class StoryError(Exception):
    """A response the story did not expect: the method, path, status and the server's one-line error."""


@dataclass
class Api:
    """``call`` checks the status; every secret it handled (passwords, tokens, sessions, codes) is kept in
    ``secrets`` so that a test can check none of them reached a log or the audit."""

    client: httpx.Client
    secrets: set[str] = field(default_factory=set)

    def call(
        self, method: str, path: str, *, expect: int, body: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {session}"} if session is not None else {}
        response = self.client.request(method, path, json=body, headers=headers)
        data: dict[str, Any] = response.json()
        if response.status_code != expect:
            raise StoryError(f"{method} {path}: expected {expect}, got {response.status_code}: {data.get('error')}")
        self.secrets.update(str(v) for k, v in (body or {}).items() if k in {"password", "ticket", "code", "token"})
        self.secrets.update(str(data[k]) for k in ("ticket", "session", "otpauth_uri", "setup_handle") if k in data)
        return data

    def mailbox_token(self, user: str) -> str:
        """The setup token in the user's newest "e-mail" that has one (the demo mailbox, /dev/mailbox)."""
        mails = self.call("GET", f"/dev/mailbox/{user}", expect=200)["messages"]
        tokens = [m["token"] for m in mails if m["kind"] == "setup_token"]
        if not tokens:
            raise StoryError(f"no setup token in {user}'s mailbox")
        self.secrets.add(tokens[-1])
        return str(tokens[-1])


class ServerClock:
    """The server's time: its test clock when it has one (moved on, not waited for), else the real time."""

    def __init__(self, api: Api) -> None:
        self._api = api
        probe = api.client.post("/dev/clock/advance", json={"seconds": 0})
        self.manual = probe.status_code == 200

    def now(self) -> float:
        if self.manual:
            return float(self._api.call("GET", "/dev/clock", expect=200)["now"])
        return time.time()

    def advance(self, seconds: float) -> None:
        if self.manual:
            self._api.call("POST", "/dev/clock/advance", expect=200, body={"seconds": seconds})
        else:
            time.sleep(seconds)

    def next_step(self) -> None:
        """On to the next 30-second time step (each step's code is accepted once per account)."""
        if self.manual:
            self.advance(PERIOD)
            return
        time.sleep(PERIOD - time.time() % PERIOD + 0.5)


class Phone:
    """An authenticator app: scans the otpauth URI, shows the code for the server's current time."""

    def __init__(self, uri: str, clock: ServerClock) -> None:
        totp = pyotp.parse_uri(uri)
        assert isinstance(totp, pyotp.TOTP)
        self._totp, self._clock = totp, clock

    def code(self) -> str:
        return str(self._totp.at(self._clock.now()))
