"""The help-centre article's story, embedded the way a web backend would do it.

Mia enrols an authenticator, loses her phone, and Adam (an Admin) resets her 2FA
through the confirmation message; Mia then sets up again with the token emailed
to her.  Every step is one service call (load -> fire -> save) on a SQLite file;
the "phones" compute codes with pyotp from the otpauth URI, as an app would.

Run:  .venv/bin/python examples/article_story.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pyotp
from pydantic import SecretStr

from twofa_fsm import (
    BadCode,
    DeniedError,
    ManualClock,
    Notice,
    Outcome,
    PasswordBook,
    SqliteStore,
    TwoFAService,
    load_shipped_spec,
)

SPEC = load_shipped_spec()  # spec/twofa.yaml, shipped inside the package
PASSWORDS = {"olivia": "correct horse", "adam": "battery staple", "mia": "tr0ub4dor&3"}


class EmailOutbox:
    """A notifier that "emails" the user: prints notices, keeps the setup token for the user to read."""

    def __init__(self) -> None:
        self.inbox: dict[str, SecretStr] = {}

    def notify(self, notice: Notice) -> None:
        print(f"      [email to {notice.account}] 2FA notice: {notice.kind}")

    def deliver_token(self, account_id: str, token: SecretStr, *, key: str = "") -> None:
        self.inbox[account_id] = token
        print(f"      [email to {account_id}] your single-use setup token (shown only in the email)")


class Phone:
    """An authenticator app: scans the otpauth URI, shows the code for the current time."""

    def __init__(self, outcome: Outcome, clock: ManualClock) -> None:
        assert outcome.provisioning_uri is not None
        totp = pyotp.parse_uri(outcome.provisioning_uri.get_secret_value())
        assert isinstance(totp, pyotp.TOTP)
        self._totp, self._clock = totp, clock

    def code(self) -> str:
        return self._totp.at(self._clock.now())


def step(text: str) -> None:
    print(f"\n== {text}")


def enrol(service: TwoFAService, clock: ManualClock, user: str, token: str | None = None) -> Phone:
    started = service.start_setup(user, password=PASSWORDS[user], token=token)
    print(f"   {user}: start_setup -> {started.dest} (the app scans the otpauth:// URI)")
    phone = Phone(started, clock)
    clock.advance(20)
    done = service.verify_setup(user, code=phone.code(), token=token, handle=started.setup_handle)
    print(f"   {user}: verify_setup with the app's code -> {done.dest}; notices: {', '.join(done.notices)}")
    return phone


def login(service: TwoFAService, clock: ManualClock, user: str, phone: Phone) -> Outcome:
    clock.advance(31)  # a new 30-second code
    out = service.login(user, password=PASSWORDS[user], code=phone.code())
    print(f"   {user}: login -> access granted: {out.access_granted}")
    return out


def main() -> int:
    clock = ManualClock(time.time())
    passwords = PasswordBook()
    for user, password in PASSWORDS.items():
        passwords.set(user, password)
    email = EmailOutbox()
    with tempfile.TemporaryDirectory() as tmp, SqliteStore(Path(tmp) / "twofa.db") as store:
        service = TwoFAService.from_spec(SPEC, store=store, passwords=passwords, clock=clock, notifier=email)

        step("1. The organisation: Olivia (Owner), Adam (Admin), Mia (member) are invited and enrol an authenticator")
        for user, role in (("olivia", "owner"), ("adam", "admin"), ("mia", "member")):
            service.create_account(user, "acme", role)  # an invitation: the first setup needs its token too
        phones = {user: enrol(service, clock, user, email.inbox[user].get_secret_value()) for user in PASSWORDS}
        login(service, clock, "mia", phones["mia"])

        step("2. Mia loses her phone: the code is the only way in, so she is locked out")
        out = service.report_lost_device("mia", password=PASSWORDS["mia"])
        print(f"   mia: report_lost_device -> {out.dest}; sessions revoked")
        del phones["mia"]
        try:
            service.login("mia", password=PASSWORDS["mia"], code="000000")
        except DeniedError as err:
            print(f"   mia: login refused ({err.kind}): {err}")

        step("3. Adam opens Organisation > Users > Mia > 'Reset 2FA', then clicks Cancel")
        login(service, clock, "adam", phones["adam"])  # the resetting admin must have passed 2FA recently
        adam = service.actor("adam")
        print(f"   adam: request_reset -> {service.request_reset('mia', adam).dest} (the confirmation message)")
        print(f"   adam: cancel_reset -> {service.cancel_reset('mia', adam).dest} (nothing changed)")

        step("4. Adam tries again and clicks Reset")
        service.request_reset("mia", adam)
        out = service.confirm_reset("mia", adam)
        print(f"   adam: confirm_reset -> {out.dest}; effects: {', '.join(out.effects)}")

        step("5. The reset window is closed: the password alone cannot enrol a new authenticator")
        try:
            service.start_setup("mia", password=PASSWORDS["mia"])
        except DeniedError as err:
            print(f"   someone with Mia's password only: refused ({err.kind}): {err}")

        step("6. Mia sets up her new phone with her password and the emailed token")
        token = email.inbox["mia"].get_secret_value()
        phones["mia"] = enrol(service, clock, "mia", token=token)
        out = login(service, clock, "mia", phones["mia"])
        try:
            service.login("mia", password=PASSWORDS["mia"], code=phones["mia"].code())
        except BadCode as err:
            print(f"   the same code again: refused ({err.kind}): {err.reason}")
        spent = service.account("mia").token_digest is None
        print(f"   the e-mailed token was single-use: her setup spent it (no token outstanding now: {spent})")

        step("7. The audit trail of Mia's account (no secret, code or token in it)")
        for entry in service.audit_log("mia"):
            r = entry.record
            version = entry.version if entry.version is not None else "-"
            print(f"   #{entry.seq:<3} v{version:<3} {r.actor:<7} {r.event:<19} {r.outcome:<12} {r.source} -> {r.dest}")
        final = service.account("mia")
        print(f"\nMia is {final.state} again (version {final.version}); store integrity: {store.integrity_check()}")
        return 0 if final.state == "enrolled" else 1


if __name__ == "__main__":
    sys.exit(main())
