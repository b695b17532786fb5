"""Run SPIN on the generated models: ``spin -a``, ``gcc``, the verifier per property, and the trails read back
as the checker's moves (``cross_trail.py``)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from twofa_fsm import Spec
from twofa_fsm_tools.checker.cross_trail import Trail, read_trail
from twofa_fsm_tools.checker.liveness_goals import GOALS
from twofa_fsm_tools.checker.promela import Model, promela_model
from twofa_fsm_tools.checker.promela_props import SAFETY

SPIN_PROPERTIES = (*SAFETY, *GOALS)
DEPTH = "-m2000000"


class SpinMissing(RuntimeError):
    """spin or gcc is not installed."""


def missing_tools() -> str | None:
    """Why SPIN cannot run here, in one line, or None."""
    gone = [tool for tool in ("spin", "gcc") if shutil.which(tool) is None]
    if not gone:
        return None
    return f"{' and '.join(gone)} not found: run tools/ensure-spin.sh (as root) or 'sudo apt-get install spin gcc'"


@dataclass
class SpinResult:
    """SPIN's verdict on one property over every world: the first counterexample found (shortest kept)."""

    prop: str
    holds: bool = True
    trail: Trail | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class SpinRun:
    results: dict[str, SpinResult]
    seconds: float
    states: int


def _run(args: list[str], cwd: Path, timeout: float = 300) -> str:
    # spin, gcc and the verifier just compiled, with fixed arguments (no shell, nothing from the spec's text)
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
    if done.returncode != 0 and not args[0].startswith("./pan"):
        raise RuntimeError(f"{' '.join(args)} failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    return done.stdout + done.stderr


def compile_model(model: Model, where: Path) -> None:
    (where / "model.pml").write_text(model.text, encoding="utf-8")
    _run(["spin", "-a", "model.pml"], where)
    _run(["gcc", "-O1", "-w", "-o", "pan", "pan.c"], where)


def verify(model: Model, where: Path, prop: str) -> tuple[bool, Trail | None, int, str]:
    """(holds, trail, states stored, note) of one claim (in a folder of its own: the trail is written there)."""
    where = where / prop
    where.mkdir()
    for name in ("model.pml", "pan"):
        (where / name).symlink_to(where.parent / name)
    live = prop in GOALS
    args = ["./pan", "-N", prop, DEPTH, "-w20", *(["-a"] if live else [])]
    out = _run(args, where)
    states = int(m.group(1)) if (m := re.search(r"(\d+) states, stored", out)) else 0
    note = "search depth too small" if "max search depth too small" in out else ""
    errors = re.search(r"errors: (\d+)", out)
    if errors is None:
        raise RuntimeError(f"the SPIN verifier gave no verdict for {prop}: {out.strip().splitlines()[-1:]}")
    if errors.group(1) == "0":
        return True, None, states, note
    if not live:  # a shorter trail: SPIN's iterative shortening (approximate without -DREACH, but quick)
        _run([*args, "-i"], where, timeout=60)
    trail_out = _run(["spin", "-t", "model.pml"], where)
    return False, read_trail(model, trail_out), states, note


def spin_check(
    spec: Spec,
    worlds: tuple[tuple[str, bool], ...],
    *,
    lean: bool = False,
    drop_guard: tuple[int, str] | None = None,
    props: tuple[str, ...] = SPIN_PROPERTIES,
    jobs: int = 2,
) -> SpinRun:
    """Every property on every world; raises ``SpinMissing`` without spin or gcc."""
    problem = missing_tools()
    if problem is not None:
        raise SpinMissing(problem)
    started = time.perf_counter()
    results = {p: SpinResult(p) for p in props}
    total = 0
    with tempfile.TemporaryDirectory(prefix="twofa-spin-") as tmp:
        for n, (role, set_up) in enumerate(worlds):
            verdicts: list[tuple[str, tuple[bool, Trail | None, int, str]]] = []
            for live in (False, True):
                chosen = tuple(p for p in props if (p in GOALS) == live)
                if not chosen:
                    continue
                where = Path(tmp) / f"{n}{'-live' if live else ''}"
                where.mkdir()
                model = promela_model(spec, role, set_up, lean=lean, drop_guard=drop_guard, live=live)
                compile_model(model, where)
                with ThreadPoolExecutor(max_workers=jobs) as pool:
                    verdicts += zip(chosen, pool.map(lambda p, m=model, d=where: verify(m, d, p), chosen), strict=True)
            for prop, (holds, trail, states, note) in verdicts:
                total = max(total, states)
                r = results[prop]
                if note:
                    r.notes.append(f"{role}/{'set-up' if set_up else 'new'}: {note}")
                if not holds:
                    r.holds = False
                    if r.trail is None or (trail is not None and len(trail.moves) < len(r.trail.moves)):
                        r.trail = trail
    return SpinRun(results, time.perf_counter() - started, total)
