"""The help-centre article's story, end to end over HTTP against the example backend.

Olivia (Owner) sets up 2FA and invites Adam (Admin) and Mia; they enrol with the QR code; Mia signs in with
2FA, loses her phone, Adam resets her 2FA (Cancel first, then Reset), and Mia sets up her new phone with
the e-mailed token; her old phone's codes are refused.  Each step prints what the server answered.

    python -m examples.webapp.story              # starts a server on 127.0.0.1 (a free port), runs, stops it
    python -m examples.webapp.story --url URL    # against a running server with TWOFA_DEV_ENDPOINTS=1

Exits 1 on any unexpected response.  The started server uses a test clock (moved on instead of waiting
for the next 30-second code) unless ``--real-clock``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .client import Api, Phone, ServerClock, StoryError
from .launch import launched

ORG, OWNER = "acme", "olivia"
PASSWORDS = {"olivia": "correct horse battery", "adam": "battery staple", "mia": "tr0ub4dor&3"}
Say = Callable[[str], None]


@dataclass
class Story:
    """What the story left behind, for the tests: phones, sessions, and every secret it handled."""

    api: Api
    clock: ServerClock
    say: Say
    phones: dict[str, Phone] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def ticket(self, user: str, expect_next: str) -> str:
        out = self.api.call("POST", "/api/login", expect=200, body={"user": user, "password": PASSWORDS[user]})
        if out["next"] != expect_next:
            raise StoryError(f"{user}: after the password, expected next={expect_next}, got {out['next']}")
        self.say(f"   {user}: password accepted -> ticket; state {out['state']}, next: {out['next']}")
        return str(out["ticket"])

    def enrol(self, user: str) -> None:
        """Password, the e-mailed token, the QR code, the first code: enrolled and signed in."""
        ticket, token = self.ticket(user, "setup"), self.api.mailbox_token(user)
        body = {"user": user, "ticket": ticket, "token": token}
        started = self.api.call("POST", "/api/setup", expect=200, body=body)
        if not started["qr_svg"].startswith("<svg") or not started["otpauth_uri"].startswith("otpauth://totp/"):
            raise StoryError(f"{user}: the setup did not return an otpauth URI and an SVG QR code")
        self.say(f"   {user}: setup started -> {started['state']}; QR code ({len(started['qr_svg'])} bytes of SVG)")
        self.phones[user] = phone = Phone(started["otpauth_uri"], self.clock)
        body = {"user": user, "code": phone.code(), "token": token, "handle": started["setup_handle"]}
        done = self.api.call("POST", "/api/setup/verify", expect=200, body=body)
        self.sessions[user] = done["session"]
        self.say(f"   {user}: verified with the app's first code -> {done['state']}, signed in")

    def login(self, user: str, phone: Phone | None = None, expect: int = 200) -> dict[str, Any]:
        """Password, then the code of ``phone`` (default: the user's) -> a session, or the expected refusal."""
        code = (phone or self.phones[user]).code()
        body = {"user": user, "ticket": self.ticket(user, "code"), "code": code}
        out = self.api.call("POST", "/api/login/code", expect=expect, body=body)
        if expect == 200:
            self.sessions[user] = str(out["session"])
            self.say(f"   {user}: code accepted -> signed in ({out['state']})")
        else:
            self.say(f"   {user}: code refused ({expect} {out['kind']}): {out['error']}")
        return out

    def admin(self, admin: str, action: str, target: str, expect: int = 200) -> dict[str, Any]:
        path = f"/api/users/{target}/reset" + ("" if action == "request" else f"/{action}")
        out = self.api.call("POST", path, expect=expect, session=self.sessions[admin])
        self.say(f"   {admin}: {action} reset of {target} -> {out.get('state', out.get('kind'))}")
        return out


def organisation(story: Story) -> None:
    """Steps 1-2: the Owner enrols, invites an Admin and a member, who enrol too."""
    story.say("\n== 1. Olivia, the Owner (created at start-up), sets up 2FA with her e-mailed invitation")
    story.enrol(OWNER)
    story.say("\n== 2. Olivia invites Adam (Admin) and Mia (member); they set up 2FA with the QR code")
    for user, role in (("adam", "admin"), ("mia", "member")):
        body = {"id": user, "role": role, "password": PASSWORDS[user]}
        out = story.api.call("POST", "/api/users", expect=201, body=body, session=story.sessions[OWNER])
        story.say(f"   {OWNER}: invited {out['id']} as {out['role']} -> {out['state']}")
        story.enrol(user)
    first = story.api.call("GET", "/api/users?limit=2", expect=200, session=story.sessions[OWNER])
    after = first["next_after"]
    rest = story.api.call("GET", f"/api/users?limit=2&after={after}", expect=200, session=story.sessions[OWNER])
    users = [f"{u['id']} ({u['state']})" for u in first["users"] + rest["users"]]
    story.say(f"   Organisation > Users, two pages: {', '.join(users)}")


def lost_phone(story: Story) -> None:
    """Steps 3-4: Mia signs in with 2FA, then loses her phone."""
    story.say("\n== 3. Mia signs in with her password and the code from her app")
    story.clock.next_step()
    story.login("mia")
    me = story.api.call("GET", "/api/me", expect=200, session=story.sessions["mia"])
    story.say(f"   mia: GET /api/me -> {me['state']}")
    story.say("\n== 4. Mia loses her phone and reports it: locked out, her sessions revoked")
    out = story.api.call(
        "POST", "/api/lost-device", expect=200, body={"user": "mia", "ticket": story.ticket("mia", "code")}
    )
    story.say(f"   mia: lost device -> {out['state']}")
    refused = story.api.call("GET", "/api/me", expect=401, session=story.sessions["mia"])
    story.say(f"   mia's old session: 401 {refused['kind']}")
    ticket = story.ticket("mia", "contact_admin")
    body = {"user": "mia", "ticket": ticket, "code": "000000"}
    refused = story.api.call("POST", "/api/login/code", expect=409, body=body)
    story.say(f"   mia: a code cannot sign her in now: 409 {refused['kind']}")


def reset(story: Story) -> None:
    """Steps 5-6: Adam resets Mia's 2FA; the password alone cannot enrol a new phone."""
    story.say("\n== 5. Adam opens Organisation > Users > Mia > 'Reset 2FA', clicks Cancel, then again and Reset")
    story.admin("adam", "request", "mia")
    story.admin("adam", "cancel", "mia")
    story.admin("adam", "request", "mia")
    out = story.admin("adam", "confirm", "mia")
    story.say(f"   effects: {', '.join(str(e) for e in out['effects'])}")
    story.say("\n== 6. The reset window is closed: Mia's password alone cannot set up a new phone")
    body = {"user": "mia", "ticket": story.ticket("mia", "setup")}
    refused = story.api.call("POST", "/api/setup", expect=409, body=body)
    story.say(f"   without the e-mailed token: 409 {refused['kind']}: {refused['error']}")


def new_phone(story: Story) -> None:
    """Steps 7-8: Mia sets up her new phone with the e-mailed token; the old phone is useless."""
    story.say("\n== 7. Mia sets up her new phone with her password and the e-mailed token")
    old = story.phones.pop("mia")
    story.clock.next_step()
    story.enrol("mia")
    story.say("\n== 8. Mia signs in again; her old phone's codes are refused")
    story.clock.next_step()
    story.login("mia")
    story.api.call("GET", "/api/me", expect=200, session=story.sessions["mia"])
    story.clock.next_step()
    story.login("mia", phone=old, expect=401)


def audit(story: Story) -> list[dict[str, object]]:
    """Step 9: the audit of Mia's account, as Olivia reads it."""
    story.say("\n== 9. Olivia reads Mia's audit trail (refusals included; no secret, code or token)")
    rows: list[dict[str, object]] = story.api.call(
        "GET", "/api/audit?target=mia", expect=200, session=story.sessions[OWNER]
    )["entries"]
    for r in rows:
        story.say(f"   #{r['seq']:<3} {r['actor']:<7} {r['event']:<19} {r['outcome']:<14} {r['source']} -> {r['dest']}")
    return rows


def run_story(client: httpx.Client, say: Say = print) -> Story:
    """Run the whole story with ``client`` (its ``base_url`` is the server); raises ``StoryError`` on a surprise."""
    api = Api(client)
    api.secrets.update(PASSWORDS.values())
    story = Story(api, ServerClock(api), say)
    say(f"server {client.base_url} ({'test clock' if story.clock.manual else 'real clock: waits for new codes'})")
    organisation(story)
    lost_phone(story)
    reset(story)
    new_phone(story)
    audit(story)
    return story


def run_at(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        run_story(client)


def demo_env(db: Path, *, real_clock: bool = False) -> dict[str, str]:
    """The environment of a demo server: SQLite in ``db``, dev endpoints, the Owner Olivia."""
    return {
        "TWOFA_SQLITE_PATH": str(db),
        "TWOFA_DEV_ENDPOINTS": "1",
        "TWOFA_TEST_CLOCK": "0" if real_clock else "1",
        "TWOFA_BOOTSTRAP_OWNER": f"{ORG}/{OWNER}",
        "TWOFA_BOOTSTRAP_PASSWORD": PASSWORDS[OWNER],
        "TWOFA_PASSWORD_ITERATIONS": os.environ.get("TWOFA_PASSWORD_ITERATIONS", "200000"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.webapp.story", description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running server (started with TWOFA_DEV_ENDPOINTS=1 and Olivia as Owner)")
    parser.add_argument("--real-clock", action="store_true", help="the started server uses the system clock")
    args = parser.parse_args(argv)
    try:
        if args.url:
            run_at(args.url)
        else:
            with (
                tempfile.TemporaryDirectory() as tmp,
                launched(
                    demo_env(Path(tmp) / "twofa.db", real_clock=args.real_clock), log=Path(tmp) / "server.log"
                ) as server,
            ):
                run_at(server.url)
    except (StoryError, httpx.HTTPError, RuntimeError) as err:
        print(f"\nunexpected: {err}", file=sys.stderr)
        return 1
    print("\nThe story ran as the article tells it: Mia is enrolled again, and only with her new phone.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
