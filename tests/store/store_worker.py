"""The subprocess side of the store tests.  STORE is a backend URL (``sqlite:PATH``, ``postgres:CONNINFO``).

    python store_worker.py race STORE OUTBOX T0 WORKER N SEED RESULT_JSON START_AT
    python store_worker.py hang-before-save STORE OUTBOX T0 MARKER COMMITS RESULT_JSON
    python store_worker.py hang-in-transaction STORE OUTBOX T0 MARKER
    python store_worker.py hang-before-delivery STORE OUTBOX T0 MARKER

``race`` fires N random events and writes its log; the ``hang-*`` modes stop at a
sync point (they write MARKER, then sleep) so the parent can SIGKILL them there.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from backends import Backend
from pydantic import SecretStr
from store_harness import PASSWORDS, TARGET, SharedOutbox, WorkerLog, make_service, run_worker

from twofa_fsm import Account, Actor, AuditRecord, Notice, OutboxMessage, Store, TwoFAService


def hang(marker: Path) -> None:
    marker.write_text("ready")
    time.sleep(60)
    raise SystemExit("the parent did not kill this worker")


class StopBeforeSave:
    """A store wrapper whose save() stops at the sync point: after load and fire, before the write."""

    def __init__(self, inner: Store, marker: Path) -> None:
        self.inner, self.marker = inner, marker

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def save(
        self,
        account: Account,
        expected_version: int,
        audit: Sequence[AuditRecord] = (),
        outbox: Sequence[OutboxMessage] = (),
    ) -> None:
        hang(self.marker)


def stop_in_transaction(base: type[Any], marker: Path) -> type[Any]:
    """``base`` (a SQL store class) stopping inside the write transaction, after the compare-and-set UPDATE,
    before the audit INSERT and the COMMIT."""

    class StopInTransaction(base):  # type: ignore[misc, valid-type]
        @staticmethod
        def _insert_audit(conn: Any, records: Sequence[AuditRecord], seen: int | None, version: int | None) -> None:
            if version is not None and seen is not None:
                hang(marker)
            base._insert_audit(conn, records, seen, version)

    return StopInTransaction


class StopBeforeDelivery(SharedOutbox):
    """A notifier that stops at the sync point on the first message it is handed: after the commit, before any
    message of that change is delivered."""

    def __init__(self, path: Path, marker: Path) -> None:
        super().__init__(path)
        self.marker = marker

    def notify(self, notice: Notice) -> None:
        hang(self.marker)

    def deliver_token(self, account_id: str, token: SecretStr, *, key: str = "") -> None:
        hang(self.marker)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")
    mode, backend, outbox, t0 = argv[0], Backend.from_url(argv[1]), Path(argv[2]), float(argv[3])
    service = make_service(backend, outbox, t0, think=0.001 if mode == "race" else 0.0)
    admin = Actor("adam", "admin", "acme", service.engine.clock.now())
    if mode == "race":
        worker, n, seed_value, result, start_at = (
            int(argv[4]),
            int(argv[5]),
            int(argv[6]),
            Path(argv[7]),
            float(argv[8]),
        )
        time.sleep(max(0.0, start_at - time.time()))  # both processes start racing together
        log = WorkerLog()
        run_worker(service, worker, n, seed_value, log)
        result.write_text(json.dumps(log.to_json()))
        return 0
    marker = Path(argv[4])
    if mode == "hang-before-save":
        commits, result = int(argv[5]), Path(argv[6])
        done = []
        for i in range(commits):  # committed work the parent must find after the kill
            out = service.request_reset(TARGET, admin) if i % 2 == 0 else service.cancel_reset(TARGET, admin)
            done.append({"version": out.account.version, "state": out.dest, "json": out.account.to_json()})
        result.write_text(json.dumps(done))
        paused = TwoFAService(service.engine, StopBeforeSave(service.store, marker), notifier=service.notifier)  # type: ignore[arg-type]
        paused.request_reset(TARGET, admin)  # loads, fires, then stops before saving
        return 1
    if mode == "hang-in-transaction":
        store = backend.open(stop_in_transaction(backend.store_class(), marker))
        paused = TwoFAService(service.engine, store, notifier=service.notifier)
        paused.report_lost_device(TARGET, password=PASSWORDS[TARGET])
        return 1
    if mode == "hang-before-delivery":
        service.report_lost_device(TARGET, password=PASSWORDS[TARGET])  # committed and delivered: a "locked" notice
        service.request_reset(TARGET, admin)  # emits nothing
        paused = TwoFAService(service.engine, service.store, notifier=StopBeforeDelivery(outbox, marker))
        paused.confirm_reset(TARGET, admin)  # commits the reset with its notice and token, then stops before sending
        return 1
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
