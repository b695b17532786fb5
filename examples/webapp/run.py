"""Run the example backend as a script: ``python examples/webapp/run.py --port 8000``.

The same as ``python -m examples.webapp --port 8000`` from the repository root.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, so examples.webapp imports
    runpy.run_module("examples.webapp", run_name="__main__", alter_sys=True)
