"""The background worker: fire the system events that came due, then send what the outbox still holds.

``fire_due`` ends setups left open and resets left unconfirmed; ``deliver_pending`` retries messages whose
delivery failed or whose writer crashed.  Run it in every server (the store makes concurrent runs safe) or
in one cron job; ``TWOFA_WORKER_SECONDS`` sets the interval (0: off).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from twofa_fsm import TwoFAService, fire_due

log = logging.getLogger("twofa_webapp.worker")


@dataclass(frozen=True)
class WorkerRun:
    fired: int
    delivered: int
    failed: int


def run_once(service: TwoFAService) -> WorkerRun:
    """One pass: the due events, then the due outbox messages."""
    fired = fire_due(service)
    sent = service.deliver_pending()
    run = WorkerRun(len(fired), len(sent.delivered), len(sent.failed))
    if run.fired or run.delivered or run.failed:
        log.info("worker: %d events fired, %d messages delivered, %d failed", run.fired, run.delivered, run.failed)
    return run


class Worker:
    """``run_once`` every ``seconds`` on a daemon thread, until ``stop()``."""

    def __init__(self, service: TwoFAService, seconds: float) -> None:
        self._service, self._seconds = service, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="twofa-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.wait(self._seconds):
            try:
                run_once(self._service)
            except Exception as exc:  # keep the worker alive: the store may come back
                log.warning("worker: pass failed (%s); next in %s s", type(exc).__name__, self._seconds)
