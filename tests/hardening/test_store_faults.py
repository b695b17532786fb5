"""SqliteStore under injected faults: a write that fails anywhere, COMMIT included, leaves nothing behind.

The faults are injected through a ``sqlite3.Connection`` subclass (``sqlite3.connect(factory=...)``)
that raises ``sqlite3.OperationalError`` on the statements a test arms, once each.  After the failure:

(a) the write raised (the error the store got, unchanged);
(b) a fresh store on the same file sees the account and the audit log as they were;
(c) another connection can write at once (no "database is locked");
(d) the next, unrelated write on the same store instance commits only itself.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from pydantic import SecretStr

from twofa_fsm import (
    Account,
    AccountNotFound,
    Actor,
    AuditRecord,
    ManualClock,
    MemoryNotifier,
    PasswordBook,
    SqliteStore,
    TwoFAService,
)

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "twofa.yaml"
USERS = (("olivia", "owner"), ("adam", "admin"), ("mia", "member"))
FAULTS: dict[str, int] = {}  # statement prefix (upper case) -> how many more times it fails
_REAL_CONNECT = sqlite3.connect


class FaultyConnection(sqlite3.Connection):
    """A connection whose armed statements (``FAULTS``) raise ``OperationalError`` instead of running."""

    def _fault(self, sql: str) -> None:
        text = " ".join(sql.split()).upper()
        for prefix, left in FAULTS.items():
            if left > 0 and text.startswith(prefix):
                FAULTS[prefix] = left - 1
                raise sqlite3.OperationalError(f"disk I/O error (injected at {prefix})")

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        self._fault(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        self._fault(sql)
        return super().executemany(sql, parameters)

    def commit(self) -> None:
        self._fault("COMMIT")
        super().commit()


@pytest.fixture
def open_faulty(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], SqliteStore]]:
    """Opens a SqliteStore whose connection (on this thread) is a ``FaultyConnection``."""
    opened: list[SqliteStore] = []

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return _REAL_CONNECT(*args, factory=FaultyConnection, **kwargs)

    def open_store(path: Path) -> SqliteStore:
        with monkeypatch.context() as patch:
            patch.setattr(sqlite3, "connect", connect)
            store = SqliteStore(path, busy_timeout_ms=200)
        opened.append(store)
        return store

    FAULTS.clear()
    yield open_store
    FAULTS.clear()
    for store in opened:
        store.close()


def record(event: str, target: str = "mia") -> AuditRecord:
    return AuditRecord(1.7e9, "adam", "admin", target, "acme", event, "allowed", "enrolled", "enrolled")


Row = tuple[int, str, str, int | None, int | None]


def snapshot(path: Path) -> tuple[dict[str, tuple[str, int] | None], list[Row]]:
    """What a fresh store on ``path`` sees: (state, version) of each account, and the audit rows."""
    with SqliteStore(path) as fresh:
        accounts: dict[str, tuple[str, int] | None] = {}
        for account_id in ("olivia", "adam", "mia", "nina"):
            try:
                found = fresh.load(account_id)
            except AccountNotFound:
                accounts[account_id] = None
            else:
                accounts[account_id] = (found.state, found.version)
        audit = [(e.seq, e.record.event, e.record.target, e.seen_version, e.version) for e in fresh.audit_log()]
    return accounts, audit


def other_writer_can_write(path: Path) -> None:
    """(c): a second store (no busy wait at all) writes at once, and its row is committed."""
    with SqliteStore(path, busy_timeout_ms=0) as other:
        other.append_audit([record("other_writer", target="olivia")])
    assert snapshot(path)[1][-1][1:3] == ("other_writer", "olivia")


def build_org(path: Path) -> tuple[TwoFAService, PasswordBook, ManualClock]:
    """An owner, an admin and a member of 'acme', all enrolled, stored in ``path``."""
    clock, passwords = ManualClock(), PasswordBook(iterations=1)
    service = TwoFAService.from_spec(
        SPEC, store=SqliteStore(path), passwords=passwords, clock=clock, notifier=MemoryNotifier()
    )
    for user, role in USERS:
        passwords.set(user, f"pw-{user}-x1")
        service.create_account(user, "acme", role, invite=False)
        out = service.start_setup(user, password=f"pw-{user}-x1")
        assert out.provisioning_uri is not None
        secret = pyotp.parse_uri(out.provisioning_uri.get_secret_value()).secret
        clock.advance(31)
        service.verify_setup(user, code=str(pyotp.TOTP(secret).at(clock.now())), handle=out.setup_handle)
    return service, passwords, clock


def test_failed_commit_of_a_reset_delivers_nothing_and_leaves_nothing(
    tmp_path: Path, open_faulty: Callable[[Path], SqliteStore]
) -> None:
    """The story of the bug: the reset's COMMIT fails, its token is never sent, and it must never commit later."""
    path = tmp_path / "t.db"
    first, passwords, clock = build_org(path)
    admin = Actor("adam", "admin", "acme", clock.now())
    first.request_reset("mia", admin)
    store, notifier = open_faulty(path), MemoryNotifier()
    service = TwoFAService.from_spec(SPEC, store=store, passwords=passwords, clock=clock, notifier=notifier)
    before = snapshot(path)
    assert before[0]["mia"] is not None and before[0]["mia"][0] == "reset_pending"

    FAULTS["COMMIT"] = 1
    with pytest.raises(sqlite3.OperationalError, match="injected at COMMIT"):  # (a)
        service.confirm_reset("mia", admin)
    assert notifier.outbox == {} and notifier.notices == []  # the token was never delivered
    assert snapshot(path) == before  # (b)
    other_writer_can_write(path)  # (c)
    after_other = snapshot(path)

    store.append_audit([record("unrelated", target="adam")])  # (d)
    accounts, audit = snapshot(path)
    assert accounts == before[0]
    assert audit[:-1] == after_other[1] and audit[-1][1:3] == ("unrelated", "adam")
    assert not [row for row in audit if row[1] == "confirm_reset"]

    out = service.confirm_reset("mia", admin)  # the store is usable: the same reset now goes through
    assert out.dest == "unenrolled" and list(notifier.outbox) == ["mia"]


def nina() -> Account:
    return Account(id="nina", org="acme", role="member", state="unenrolled")


def mia(version: int, state: str) -> Account:
    secret = SecretStr("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return Account(id="mia", org="acme", role="member", state=state, bound_secret=secret, version=version)


WRITES: dict[str, Callable[[SqliteStore], None]] = {
    "create": lambda s: s.create(nina(), [record("create_account", target="nina")]),
    "save": lambda s: s.save(mia(1, "reset_pending"), 0, [record("request_reset")]),
    "append_audit": lambda s: s.append_audit([record("login"), record("logout")], seen_version=0),
}


def seeded(path: Path) -> None:
    with SqliteStore(path) as seed:
        seed.create(mia(0, "enrolled"), [record("create_account")])


@pytest.mark.parametrize("fault", ["COMMIT", "INSERT INTO AUDIT", "COMMIT+ROLLBACK"])
@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_path_rolls_back_on_any_failure(
    tmp_path: Path, open_faulty: Callable[[Path], SqliteStore], write: str, fault: str
) -> None:
    path = tmp_path / "s.db"
    seeded(path)
    store = open_faulty(path)
    before = snapshot(path)

    FAULTS.update(dict.fromkeys(fault.split("+"), 1))
    with pytest.raises(sqlite3.OperationalError, match="injected"):  # (a)
        WRITES[write](store)
    assert set(FAULTS.values()) == {0}  # every armed fault fired (ROLLBACK only in the rollback itself)
    assert snapshot(path) == before  # (b)
    other_writer_can_write(path)  # (c)
    after_other = snapshot(path)

    store.append_audit([record("unrelated", target="adam")])  # (d)
    accounts, audit = snapshot(path)
    assert accounts == before[0]
    assert audit[:-1] == after_other[1] and audit[-1][1:3] == ("unrelated", "adam")

    WRITES[write](store)  # nothing of the failed write lingers: the same write now succeeds, once
    accounts, audit = snapshot(path)
    assert len(audit) == len(after_other[1]) + 1 + (2 if write == "append_audit" else 1)
    assert accounts["nina"] == ((("unenrolled", 0)) if write == "create" else None)
    assert accounts["mia"] == (("reset_pending", 1) if write == "save" else ("enrolled", 0))
