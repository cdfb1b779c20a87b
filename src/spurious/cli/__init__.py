"""The ``spurious`` command line.

Subcommands live in their own modules of this package, each exporting ``commands``
(a list of click commands). Any error on purpose (:class:`~spurious.errors.SpuriousError`)
or usage error (an unknown option, a bad choice) is printed as one line ``error: …`` with exit
code 2; an unexpected exception is printed as one line with exit code 1 (set ``SPURIOUS_DEBUG=1``
to see the traceback). BLAS threads are pinned first, by one policy for every entry point
(:func:`spurious.cli.options.pin_blas`).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from ..errors import SpuriousError
from .options import pin_blas

COMMAND_MODULES = ("check", "report", "verify", "classify", "train", "landscape", "sweep", "model_file")

# command → module, so that a command imports only its own module (start-up in well under a
# second instead of importing the claims for `spurious find`). A module of COMMAND_MODULES
# missing here is imported eagerly and its commands registered as before.
COMMAND_MODULE_OF = {"check": "check", "report": "report", "verify": "verify", "classify": "classify",
                     "find": "classify", "enumerate": "classify", "train": "train", "landscape": "landscape",
                     "sweep": "sweep", "eigs": "model_file"}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        known = {name for name, module in COMMAND_MODULE_OF.items() if _available(module)}
        return sorted(known | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULE_OF:
            module = COMMAND_MODULE_OF[cmd_name]
            if _available(module):
                for command in importlib.import_module(f"{__name__}.{module}").commands:
                    self.add_command(command)
        return self.commands.get(cmd_name)


def _available(module: str) -> bool:
    return importlib.util.find_spec(f"{__name__}.{module}") is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="spurious")
def cli() -> None:
    """spurious: critical points, their kinds, and the claims of landscape theory, checked.

    Start with `spurious check`: it runs every claim of the source documents and
    reports a verdict with its evidence.
    """


def _register_commands() -> None:
    """Register eagerly the commands of modules that COMMAND_MODULE_OF does not list."""
    mapped = set(COMMAND_MODULE_OF.values())
    for name in COMMAND_MODULES:
        if name in mapped or not _available(name):
            continue
        for command in importlib.import_module(f"{__name__}.{name}").commands:
            cli.add_command(command)


_register_commands()


def one_line(exc: click.ClickException) -> str:
    """A click usage error as one line, with the command's --help to look at."""
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    return f"{message} (see `{ctx.command_path} --help`)" if ctx is not None else message


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``spurious`` console script."""
    try:
        pin_blas()
        cli.main(args=argv, prog_name="spurious", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        click.echo(f"error: {one_line(exc)}", err=True)
        sys.exit(exc.exit_code)
    except SpuriousError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:
        if os.environ.get("SPURIOUS_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} (set SPURIOUS_DEBUG=1 for details)", err=True)
        sys.exit(1)
    sys.exit(0)
