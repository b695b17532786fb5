"""Item 7: start-up wall time of the command line, each run a fresh process (median of several).

``python -c pass`` and ``python -c 'import twofa_fsm'`` run interleaved with the
commands, as the floor and to show what the imports cost.
"""

from __future__ import annotations

import sys

from benchmarks.common import VENV_BIN, Settings, Stat, run_command

STARTUP_NAMES = {
    "python": "python -c pass (floor)",
    "import": "python -c 'import twofa_fsm'",
    "help": "twofa-fsm --help",
    "validate": "twofa-fsm validate spec/twofa.yaml",
}


def commands() -> dict[str, list[str]]:
    cli = str(VENV_BIN / "twofa-fsm")
    return {
        "python": [sys.executable, "-c", "pass"],
        "import": [sys.executable, "-c", "import twofa_fsm"],
        "help": [cli, "--help"],
        "validate": [cli, "validate", "spec/twofa.yaml"],
    }


def bench_startup(settings: Settings) -> dict[str, Stat]:
    cmds = commands()
    stats = {name: Stat(name, "ms") for name in cmds}
    for name, argv in cmds.items():  # warm the file cache and .pyc files once (and fail loudly)
        if settings.quick and name != "validate":
            continue
        _, proc = run_command(argv)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()[:300]}")
    names = list(cmds)
    for r in range(settings.subprocess_reps):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            wall, _ = run_command(cmds[name])
            stats[name].samples.append(wall * 1000)
    return stats
