"""Remembered check results: a spec already checked is not explored again until it, an option or the code changes.

``report``, ``diff`` and ``check`` run the same exhaustive exploration of the same specs again and again (a
designer edits a scenario, re-renders the page, asks for the diff): each result is stored under a key made of
the validated spec (its whole content), the options that change the result (not ``jobs``, which does not), the
source of the library and of the checker, the versions of the libraries the engine runs on, and Python's.
Any change to any of those is a new key, so a stored result is never stale.

Where: ``$TWOFA_FSM_CACHE`` (a folder; ``off`` turns remembering off), else ``$XDG_CACHE_HOME/twofa-fsm``,
else ``~/.cache/twofa-fsm``; the newest ``KEEP`` results are kept.  The files are written by this user only
(mode 0600 in a 0700 folder) and read only from there; a file that does not load is ignored and replaced.
``twofa-fsm check --fresh`` explores again.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import pickle  # the results of this user's own runs, in this user's own cache folder (see above)
import sys
import tempfile
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from twofa_fsm import Spec, load_spec
from twofa_fsm_tools.checker.results import CheckResult
from twofa_fsm_tools.checker.search import explore

CACHE_ENV = "TWOFA_FSM_CACHE"
KEEP = 2000  # results kept (about 17 KB each for the shipped specs): two full `mutate` runs and more
_ENGINE_LIBRARIES = ("transitions", "pyotp", "pydantic", "pydantic-core")


def cache_dir() -> Path | None:
    """The folder results are remembered in, or None when remembering is off."""
    chosen = os.environ.get(CACHE_ENV, "")
    if chosen.lower() in ("off", "0", "no", "false"):
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "twofa-fsm"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The library's and the checker's source, and the versions of what the engine runs on."""
    import twofa_fsm

    digest = hashlib.sha256(sys.version.encode())
    for name in _ENGINE_LIBRARIES:
        try:
            digest.update(f"{name}=={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"{name}: absent".encode())
    for folder in (Path(twofa_fsm.__file__).parent, Path(__file__).parent):
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def result_key(spec: Spec, options: dict[str, Any]) -> str:
    """The stored result's name: the spec, ``explore``'s options with their defaults filled in (so that a call
    that spells a default out finds the result of one that does not; ``jobs`` left out), and the code."""
    bound = inspect.signature(explore).bind(spec, **options)
    bound.apply_defaults()
    chosen = {k: v for k, v in bound.arguments.items() if k not in ("spec", "jobs")}
    content = {"code": code_digest(), "spec": spec.model_dump(mode="json"), "options": chosen}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=repr).encode()).hexdigest()


def check_spec_file(path: str | Path, *, remember: bool = False, **options: Any) -> CheckResult:
    """Load the spec at ``path`` and ``explore`` it; ``remember``: use and keep remembered results."""
    spec = load_spec(path)
    return remembered_explore(spec, **options) if remember else explore(spec, **options)


def remembered_explore(spec: Spec, *, jobs: int = 1, **options: Any) -> CheckResult:
    """``explore(spec, jobs=jobs, **options)``, or the result an earlier run stored (``result.remembered``)."""
    folder = cache_dir()
    if folder is None:
        return explore(spec, jobs=jobs, **options)
    path = folder / f"check-{result_key(spec, options)}.pickle"
    known = _load(path)
    if known is not None:
        known.remembered = True
        return known
    result = explore(spec, jobs=jobs, **options)
    _store(folder, path, result)
    return result


def _load(path: Path) -> CheckResult | None:
    try:
        with path.open("rb") as handle:
            known = pickle.load(handle)  # noqa: S301 - written by _store for this user, see the module's notes
    except Exception:  # absent, unreadable, truncated or from an older layout: explore again
        return None
    return known if isinstance(known, CheckResult) else None


def _store(folder: Path, path: Path, result: CheckResult) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".check-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a parallel run reads the old file or the whole new one
        prune(folder)
    except OSError:
        return  # a read-only home or a full disk: the result is still returned, just not remembered


def prune(folder: Path, keep: int = KEEP) -> int:
    """Remove all but the ``keep`` most recently written results (a `mutate` run writes one per mutant, and
    any change to the code makes every key new); returns how many were removed."""
    found = list(folder.glob("check-*.pickle"))
    if len(found) <= keep:
        return 0
    found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    removed = 0
    for old in found[keep:]:
        try:
            old.unlink()
            removed += 1
        except OSError:  # a parallel run removed it first
            continue
    return removed
