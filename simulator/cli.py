"""The ``twofa-fsm`` command line (tools side: the library never imports it).

Heavy imports happen inside the commands so that ``--help`` stays fast.  Bad
input (a spec, a scenario, an argument) is one line on stderr and exit 2.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> None:
    click.echo(f"twofa-fsm: error: {message}", err=True)
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
        return None

    return wrapper  # type: ignore[return-value]


# Subcommands living in their own modules, imported only when used (fast --help).
# A module that is not there yet is simply not offered.
LAZY_COMMANDS: dict[str, str] = {
    "simulate": "simulator.commands.simulate:simulate",
    "population": "simulator.commands.population:population",
    "check": "simulator.commands.check:check",
    "mutate": "simulator.commands.mutate:mutate",
    "coverage": "simulator.commands.coverage:coverage",
    "diagrams": "simulator.commands.diagrams:diagrams",
    "report": "simulator.commands.report:report",
}


class LazyGroup(click.Group):
    def _lazy(self, name: str) -> click.Command | None:
        target = LAZY_COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name and module_name.startswith(err.name):
                return None
            raise
        command = getattr(module, attr)
        assert isinstance(command, click.Command)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        names |= {n for n, t in LAZY_COMMANDS.items() if importlib.util.find_spec(t.split(":")[0]) is not None}
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or self._lazy(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="twofa-fsm")
def main() -> None:
    """Model, check and simulate the TOTP 2FA lifecycle of an organisation's users."""


@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@one_line_errors
def validate(specs: tuple[str, ...]) -> None:
    """Validate SPEC files: exit 0 when all are valid, 2 with one line per problem otherwise."""
    from twofa_fsm import spec_problems

    bad = 0
    for path in specs:
        problems = spec_problems(path)
        for problem in problems:
            click.echo(f"twofa-fsm: error: {problem}", err=True)
        if problems:
            bad += 1
        else:
            click.echo(f"{path}: valid")
    if bad:
        sys.exit(2)


@main.command()
@click.option(
    "--out", default="spec/schema.json", show_default=True, type=click.Path(dir_okay=False), help="where to write it"
)
@one_line_errors
def schema(out: str) -> None:
    """Write the spec files' JSON Schema (for editors)."""
    from simulator.scenario.schemas import write_schemas

    for path in write_schemas(out):
        click.echo(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
