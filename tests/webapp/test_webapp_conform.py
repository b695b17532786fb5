"""`twofa-fsm conform` against the example web backend over HTTP (examples/webapp/conform_driver.py).

The real backend conforms on every suite; the backend broken on purpose (``TWOFA_BROKEN=setup-without-token``,
a test fixture) diverges, and each divergence it writes replays as a passing scenario on the engine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, StartServer
from examples.webapp.app import create_app
from examples.webapp.conform_driver import HttpDriver
from examples.webapp.launch import Server
from examples.webapp.settings import Settings
from twofa_fsm_tools.conform import is_driver
from twofa_fsm_tools.scenario.model import DEFAULT_START

CLI = str(Path(sys.executable).parent / "twofa-fsm")
DRIVER = "examples.webapp.conform_driver:HttpDriver"
SPEC = "spec/twofa.yaml"
WALKS = "4"  # random walks per generated world: enough to exercise them, small enough to stay fast
EXPECTED_SKIPS = {  # the only cases the engine's own driver skips too
    "phished-reset-window-article": "written for spec 'article', not 'twofa'",
    "two-admins-confirm": "a profile page left open (a stale view, concurrency) is not a driver call",
}


def twofa_fsm(*args: str, env: dict[str, str] | None = None, timeout: float = 150) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("TWOFA_CONFORM_")}
    full.update({"PYTHONPATH": str(ROOT), **(env or {})})
    return subprocess.run([CLI, *args], cwd=ROOT, env=full, capture_output=True, text=True, timeout=timeout)


def test_the_webapp_conforms_on_every_suite(tmp_path: Path) -> None:
    """No URL given: the driver starts its own server (test clock, dev endpoints) and stops it at exit."""
    log, verdicts = tmp_path / "server.log", tmp_path / "verdicts.json"
    env = {"TWOFA_CONFORM_LOG": str(log)}
    done = twofa_fsm("conform", "--driver", DRIVER, "--spec", SPEC, "--walks", WALKS, "--json", str(verdicts),
                     "--out", str(tmp_path / "out"), "--verbose", env=env)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    cases: list[dict[str, Any]] = json.loads(verdicts.read_text())["cases"]
    by_suite = {s: [c for c in cases if c["suite"] == s] for s in ("scenarios", "paths", "walks")}
    assert len(by_suite["scenarios"]) == 24 and len(by_suite["paths"]) >= 170 and len(by_suite["walks"]) == 4
    assert {c["status"] for c in cases} <= {"passed", "skipped"}
    skipped = {c["name"]: c["detail"] for c in cases if c["status"] == "skipped"}
    assert skipped.keys() == EXPECTED_SKIPS.keys(), skipped
    for name, reason in EXPECTED_SKIPS.items():
        assert reason in skipped[name] and f"skipped scenarios/{name}: " in done.stdout  # the tool prints why
    assert all(c["steps"] > 0 for c in by_suite["paths"])
    assert not (tmp_path / "out").exists()  # nothing diverged, nothing written
    output = log.read_text()
    assert "POST /api/login/code" in output and "POST /api/users/" in output  # the real endpoints were driven
    assert "Traceback" not in output and " 500 " not in output
    pid = re.search(r"Finished server process \[(\d+)\]", output)
    assert pid is not None, output[-2000:]  # the server was shut down at exit...
    assert not Path(f"/proc/{pid.group(1)}").exists()  # ...and is gone


def test_the_broken_webapp_diverges_and_the_divergence_replays_on_the_engine(
    start_app: StartServer, tmp_path: Path
) -> None:
    server = start_app(TWOFA_BROKEN="setup-without-token", TWOFA_WORKER_SECONDS="0", TWOFA_SPEC_PATH=SPEC)
    out = tmp_path / "out"
    done = twofa_fsm("conform", "--driver", DRIVER, "--spec", SPEC, "--suite", "paths", "--out", str(out),
                     env={"TWOFA_CONFORM_URL": server.url})  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DIVERGED paths/" in done.stdout and "expected guard_failed, actual ok" in done.stdout
    written, events = sorted(out.glob("divergence-*.yaml")), list[str]()
    assert written, done.stdout
    for path in written:
        scenario = yaml.safe_load(path.read_text())
        last = scenario["steps"][-1]
        assert "DIVERGES here" in last["note"]
        assert last["event"] in ("start_setup", "verify_setup") and last["expect"]["error"] == "GuardFailed"
        events.append(last["event"])
        replay = twofa_fsm("simulate", str(path))
        assert replay.returncode == 0, replay.stdout + replay.stderr  # the spec predicts the refusal
    assert "start_setup" in events  # set up again after a reset without the e-mailed token
    assert "a deliberately broken backend" in server.output()  # the server says so


@pytest.mark.parametrize(
    "env",
    [{"TWOFA_BROKEN": "setup-without-token"}, {"TWOFA_DEV_ENDPOINTS": "1", "TWOFA_BROKEN": "no-such-bug"}],
)
def test_the_broken_backend_is_a_test_fixture_only(env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="TWOFA_BROKEN"):
        Settings.from_env(env)


def test_the_conformance_endpoints_are_dev_only() -> None:
    paths = set(create_app(Settings()).openapi()["paths"])
    assert "/api/users/{user_id}/reset" in paths
    assert not any(p.startswith("/dev/") for p in paths)
    dev = set(create_app(Settings(dev_endpoints=True)).openapi()["paths"])
    assert {"/dev/accounts", "/dev/events/{event}", "/dev/vendor/staff", "/dev/mail"} <= dev


def test_the_driver_maps_calls_to_http_and_refusals_back(server: Server) -> None:
    driver = HttpDriver(SPEC, url=server.url)
    assert is_driver(driver) and repr(driver) == f"HttpDriver({server.url})"
    phase = (driver.now() - DEFAULT_START) % 30
    assert min(phase, 30 - phase) < 1e-3  # aligned with the code period as the engine's cases start
    driver.create_account("t_ana", org="t_org", role="member", password="pw-ana-0", invited=True)
    assert (driver.state("t_ana"), driver.has_access("t_ana")) == ("unenrolled", False)
    sent = driver.deliveries()
    assert [(d.to, d.kind) for d in sent] == [("t_ana", "token_issued"), ("t_ana", "setup_token")]  # the invitation
    assert driver.deliveries() == []  # each delivery once
    assert driver.fire("t_ana", "login", actor="t_ana", password="pw-ana-0", code="123456").kind == "invalid_event"
    assert driver.fire("t_ana", "start_setup", actor="t_ana", password="wrong-pw").kind == "guard_failed"
    started = driver.fire("t_ana", "start_setup", actor="t_ana", password="pw-ana-0", token=sent[1].token)
    assert started.kind == "ok" and started.provisioning_uri and started.setup_handle
    assert "otpauth" not in repr(started) and started.setup_handle not in repr(started)
    no_code = driver.fire("t_ana", "verify_setup", actor="t_ana", handle=started.setup_handle, token=sent[1].token)
    assert no_code.kind == "bad_code"  # no code sent: judged (and not counted) by the library
    assert driver.fire("t_ana", "expire_setup", actor="system").kind == "guard_failed"  # not timed out yet
    assert driver.advance(601) and driver.fire("t_ana", "expire_setup", actor="system").kind == "ok"
    assert driver.state("t_ana") == "unenrolled"
