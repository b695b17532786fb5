"""What the ``twofa-fsm`` subcommands share: one-line errors, exit codes, scenario files, output.

Every command module imports its helpers from here only (never from ``twofa_fsm_tools.cli``
nor from another command), so the commands stay independent of each other and the
CLI module only assembles them.  Heavy imports happen inside the functions so that
``twofa-fsm --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> NoReturn:
    """One line on stderr, exit 2 (bad input)."""
    click.echo(f"twofa-fsm: error: {message}", err=True)
    sys.exit(2)


def exit_on_problems(problems: Iterable[object]) -> None:
    """Print one line per problem on stderr and exit 2 when there is any; return when there is none."""
    bad = False
    for problem in problems:
        click.echo(f"twofa-fsm: error: {problem}", err=True)
        bad = True
    if bad:
        sys.exit(2)


def one_line_errors(func: F) -> F:
    """Turn our errors into one line on stderr and exit 2 (no traceback)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from twofa_fsm.errors import TwoFAError

        try:
            return func(*args, **kwargs)
        except TwoFAError as err:
            fail(str(err))
        except OSError as err:
            fail(f"{err.filename or ''}: {err.strerror}; check the path and permissions")

    return wrapper  # type: ignore[return-value]


def collect(paths: tuple[str, ...]) -> list[Path]:
    """The scenario files named, or found (recursively, sorted) in the folders named."""
    from twofa_fsm.errors import SpecError

    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise SpecError(
                    "no scenario files (*.yaml) in this folder",
                    file=name,
                    fix="name a folder of scenarios, e.g. simulator/scenarios",
                )
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise SpecError("no such file or folder", file=name, fix="check the path")
    return files


def stdout_console(width: int = 160) -> Console:
    """A console for tables on stdout: the terminal's width, or ``width`` when piped."""
    from rich.console import Console

    return Console(highlight=False, width=None if sys.stdout.isatty() else width)


def write_json(path: str, data: object) -> None:
    """Write ``data`` as indented JSON to ``path``, making its folder first."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
