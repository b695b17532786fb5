"""``twofa-fsm conform`` against the example web backend, over HTTP: the driver ``HttpDriver``.

    twofa-fsm conform --driver examples.webapp.conform_driver:HttpDriver --spec spec/twofa.yaml

Each protocol call is what a browser (or the admin's page) would send:

* the holder's events (whoever presents the account's credentials): the password step ``POST /api/login``
  (a wrong or missing password gets no ticket, so a made-up one is sent on, and the library judges it), then
  ``/api/setup``, ``/api/login/code``, ``/api/lost-device``; ``/api/setup/verify`` and ``/api/setup/abandon``
  take the setup handle;
* "Reset 2FA", "Reset", "Cancel": ``POST /api/users/{id}/reset[/confirm|/cancel]`` with the actor's newest
  session (``Authorization: Bearer``);
* what no public endpoint does: ``/dev/accounts`` (accounts made directly; state and access read without
  using a session), ``/dev/vendor/staff`` (the vendor console), ``/dev/events/{event}`` (the timers, vendor
  staff, a colleague trying someone else's sign-in or a timer), ``/dev/mail``, ``/dev/clock``.

Refusals map back by the error body's ``kind``.  Sessions, tickets, handles and tokens are kept in memory only,
never printed (``repr`` shows the URL).  See ``conform_server.py`` for which server it talks to.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import httpx

from twofa_fsm import load_spec
from twofa_fsm_tools.conform import Delivery, Kind, Reply
from twofa_fsm_tools.conform.driver import SYSTEM
from twofa_fsm_tools.conform.world import Unsupported
from twofa_fsm_tools.scenario.model import DEFAULT_START

from .conform_server import base_url, client

DEFAULT_SPEC = "spec/twofa.yaml"
HOLDER_ROUTES = {"start_setup": "/api/setup", "login": "/api/login/code", "report_lost_device": "/api/lost-device",
                 "verify_setup": "/api/setup/verify", "abandon_setup": "/api/setup/abandon"}  # fmt: skip
ADMIN_ROUTES = {"request_reset": "", "confirm_reset": "/confirm", "cancel_reset": "/cancel"}
TICKETED = frozenset({"start_setup", "login", "report_lost_device"})  # the password step comes first
FIELDS = {"start_setup": ("token",), "login": ("code",), "report_lost_device": (),
          "verify_setup": ("code", "handle", "token"), "abandon_setup": ("handle",)}  # fmt: skip
KINDS: dict[str, Kind] = {
    "Forbidden": "forbidden", "InvalidSession": "forbidden", "NotSignedIn": "forbidden",
    "GuardFailed": "guard_failed", "BadCode": "bad_code", "InvalidEvent": "invalid_event",
    "AccountNotFound": "invalid_event", "InvalidInput": "invalid_input", "InvalidRequest": "invalid_input",
}  # fmt: skip
NO_SESSION = ("{event} by the holder without a live session, in a state that does not allow it: the web API "
              "refuses it (401) before the spec's state check (the spec takes the holder as given)")  # fmt: skip
MAX_ADVANCE = 7 * 86400  # what one POST /dev/clock/advance may move


class HttpDriverError(RuntimeError):
    """The server answered something the driver cannot map (method, path, status, kind: never a secret)."""


def _made_up() -> str:
    """A ticket (or session) no server issued: what a client that skipped the step would have to send."""
    return secrets.token_urlsafe(32)


def _body(**fields: str | None) -> dict[str, str]:
    return {k: v for k, v in fields.items() if v is not None}


class HttpDriver:
    """A ``Driver`` (``twofa_fsm_tools.conform``) over the example's HTTP API."""

    def __init__(self, spec: str | Path = DEFAULT_SPEC, *, url: str | None = None) -> None:
        self.spec = load_spec(spec)
        self.url = url.rstrip("/") if url else base_url(spec)
        self._http = client(self.url)
        self._sessions: dict[str, str] = {}  # account -> its newest session, "USER:SESSION" (a secret)
        self._staff: set[str] = set()
        self._accounts: list[str] = []
        self._views: dict[str, tuple[str, bool]] | None = None  # (state, access) until the next change
        self._now: float | None = None  # the test clock's time, known without asking until it moves
        self._manual = True  # False: a server on the system clock (then every now() asks it)
        self._sent = int(self._get("/dev/mail", after=10**9)["next"])
        self._align()

    def __repr__(self) -> str:
        return f"HttpDriver({self.url})"

    def _align(self) -> None:
        """Move the server's clock on to the phase of the code period the harness's scenarios start at
        (``DEFAULT_START``): the server's clock is ahead of it, and the harness can only move time forward, so
        without this a case's codes would cross a 30 s step at other moments than the engine's."""
        period = self.spec.policy.period
        self.advance((DEFAULT_START - self.now()) % period)

    # -- the protocol ------------------------------------------------------------------------

    def create_account(self, account_id: str, *, org: str | None, role: str, password: str, invited: bool) -> None:
        self._views = None
        if org is None:
            self._expect(201, "POST", "/dev/vendor/staff", {"id": account_id, "role": role})
            self._staff.add(account_id)
            return
        body = {"id": account_id, "org": org, "role": role, "password": password, "invited": invited}
        self._expect(201, "POST", "/dev/accounts", body)
        self._accounts.append(account_id)

    def fire(
        self,
        account_id: str,
        event: str,
        *,
        actor: str,
        password: str | None = None,
        code: str | None = None,
        token: str | None = None,
        handle: str | None = None,
    ) -> Reply:
        self._views = None
        if actor == account_id and event in HOLDER_ROUTES:
            return self._holder(account_id, event, password, code, token, handle)
        if actor == SYSTEM or actor in self._staff:
            who = {"actor": "system"} if actor == SYSTEM else {"actor": "vendor", "staff": actor}
            return self._send("POST", f"/dev/events/{event}", {"user": account_id, **who})
        if actor == account_id and not self._live(account_id) and not self._allowed(account_id, event):
            raise Unsupported(NO_SESSION.format(event=event))
        headers = {"Authorization": f"Bearer {self._sessions.get(actor) or f'{actor}:{_made_up()}'}"}
        if event in ADMIN_ROUTES:
            return self._send("POST", f"/api/users/{account_id}/reset{ADMIN_ROUTES[event]}", None, headers)
        return self._send("POST", f"/dev/events/{event}", {"user": account_id, "actor": "session"}, headers)

    def authenticate(self, person_id: str) -> None:
        if person_id in self._staff:
            self._expect(200, "POST", f"/dev/vendor/staff/{person_id}/authenticate", None)

    def advance(self, seconds: float) -> bool:
        self._views = None
        left = seconds
        while True:
            step = min(left, MAX_ADVANCE)
            response = self._http.post("/dev/clock/advance", json={"seconds": step})
            if response.status_code == 404:
                self._manual, self._now = False, None  # a server on the system clock
                return False
            self._now = float(self._check(200, response)["now"])
            left -= step
            if left <= 0:
                return True

    def now(self) -> float:
        if self._now is None or not self._manual:
            self._now = float(self._get("/dev/clock")["now"])
        return self._now

    def state(self, account_id: str) -> str:
        return self._view(account_id)[0]

    def has_access(self, account_id: str) -> bool:
        return self._view(account_id)[1]

    def deliveries(self) -> list[Delivery]:
        page = self._get("/dev/mail", after=self._sent)
        self._sent = int(page["next"])
        return [Delivery(m["to"], m["kind"], m.get("token")) for m in page["messages"]]

    # -- the holder's events: the password step, then the event's own endpoint ------------------

    def _holder(
        self, user: str, event: str, password: str | None, code: str | None, token: str | None, handle: str | None
    ) -> Reply:
        given = {"code": code, "token": token, "handle": handle}
        body = _body(user=user, **{name: given[name] for name in FIELDS[event]})
        if event in TICKETED or (event == "abandon_setup" and password is not None):
            body["ticket"] = self._ticket(user, password)
        elif password is not None:
            raise Unsupported(f"{event} with the password: the web API's {HOLDER_ROUTES[event]} takes the handle")
        return self._send("POST", HOLDER_ROUTES[event], body)

    def _ticket(self, user: str, password: str | None) -> str:
        """The ticket of the password step; a made-up one when the password is missing or refused (401)."""
        if password is not None:
            response = self._http.post("/api/login", json={"user": user, "password": password})
            if response.status_code == 200:
                return str(response.json()["ticket"])
            self._check(401, response)
        return _made_up()

    # -- HTTP ------------------------------------------------------------------------------------

    def _send(
        self, method: str, path: str, body: dict[str, Any] | None, headers: dict[str, str] | None = None
    ) -> Reply:
        response = self._http.request(method, path, json=body, headers=headers)
        if response.status_code != 200:
            return Reply(self._refusal(method, path, response))
        data: dict[str, Any] = response.json()
        session = data.get("session")
        if isinstance(session, str):
            self._sessions[str(data["user"])] = session
        return Reply("ok", isinstance(session, str), data.get("otpauth_uri"), data.get("setup_handle"))

    def _refusal(self, method: str, path: str, response: httpx.Response) -> Kind:
        json = response.headers.get("content-type", "").startswith("application/json")
        kind = str(response.json().get("kind", "")) if json else ""
        if kind not in KINDS:
            raise HttpDriverError(f"{method} {path}: {response.status_code} {kind or 'without a kind'}")
        return KINDS[kind]

    def _view(self, account_id: str) -> tuple[str, bool]:
        if self._views is None or account_id not in self._views:
            ids = list(dict.fromkeys([*self._accounts, account_id]))
            rows = self._check(200, self._http.get("/dev/accounts", params={"id": ids}))
            self._views = {r["id"]: (r["state"], r["access"]) for r in rows}
        return self._views[account_id]

    def _allowed(self, account_id: str, event: str) -> bool:
        """Whether the spec allows ``event`` in the account's state (then its refusal comes from a guard)."""
        state = self._view(account_id)[0]
        return any(t.event == event and state in t.source for t in self.spec.transitions)

    def _live(self, account_id: str) -> bool:
        return account_id in self._sessions and self._view(account_id)[1]

    def _get(self, path: str, **params: Any) -> dict[str, Any]:
        data: dict[str, Any] = self._check(200, self._http.get(path, params=params))
        return data

    def _expect(self, status: int, method: str, path: str, body: dict[str, Any] | None) -> None:
        self._check(status, self._http.request(method, path, json=body))

    @staticmethod
    def _check(status: int, response: httpx.Response) -> Any:
        if response.status_code != status:
            request = response.request
            raise HttpDriverError(f"{request.method} {request.url.path}: expected {status}, got {response.status_code}")
        return response.json()


__all__ = ["HttpDriver", "HttpDriverError"]
