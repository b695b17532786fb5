"""The ``twofa-fsm`` command's entry point: a clear message when the tools' extra is missing.

``pip install twofa-fsm`` installs the library only; the command-line tools need
``pip install 'twofa-fsm[tools]'`` (click, rich, graphviz).  Without them the command says so in
one line and exits 2 instead of failing with an ImportError traceback.
"""

from __future__ import annotations

import importlib.util
import sys

TOOLS_EXTRA = ("click", "rich", "graphviz")


def missing_tools() -> list[str]:
    """The tools' dependencies that are not installed."""
    return [name for name in TOOLS_EXTRA if importlib.util.find_spec(name) is None]


def main() -> None:
    missing = missing_tools()
    if missing:
        sys.stderr.write(
            f"twofa-fsm: the command-line tools need {', '.join(missing)}, which are not installed; "
            "install them with: pip install 'twofa-fsm[tools]'\n"
        )
        raise SystemExit(2)
    from twofa_fsm_tools.cli import main as cli_main

    cli_main()
