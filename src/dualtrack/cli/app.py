"""The ``dualtrack`` command: its root group, and ``main`` for the console script and
``python -m dualtrack``.

Each command group lives in a module of its own (``memory``, ``db``, ...), imported only when
that command runs or shows its own help, so ``dualtrack --help`` and ``--version`` load no
database code; a new group is one module and one line of :data:`COMMANDS`.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from importlib.metadata import version
from typing import NoReturn

import click

from dualtrack.cli.failures import INTERRUPTED, DualtrackGroup, scrub

#: The program name in usage lines and messages.
PROGRAM = "dualtrack"

#: Each command's name: the module and attribute that define it, and its one-line help for
#: ``dualtrack --help`` (a test holds each equal to the command's own).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "copy": ("dualtrack.cli.transfer", "copy", "Copy agent memory to another store, verified."),
    "db": ("dualtrack.cli.db", "db", "Migrate the application-state database."),
    "export": ("dualtrack.cli.transfer", "export", "Back up agent memory as JSON Lines."),
    "import": ("dualtrack.cli.transfer", "import_", "Restore agent memory from JSON Lines."),
    "laws": ("dualtrack.cli.lawcheck", "laws", "Check a live store against the law kit."),
    "memory": ("dualtrack.cli.forgetting", "memory", "Look into an agent-memory store."),
    "tour": ("dualtrack.cli.tour", "tour", "Run the guided tour of dualtrack."),
}


class Commands(DualtrackGroup):
    """The root group, whose commands are imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, without importing any."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, imported now."""
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The command ``args`` name; a misspelt one is refused with the names it resembles."""
        try:
            return super().resolve_command(ctx, args)
        except click.NoSuchCommand as error:
            raise click.NoSuchCommand(error.command_name, possibilities=COMMANDS, ctx=ctx) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands section of ``--help``, from :data:`COMMANDS` alone."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][2]) for name in sorted(COMMANDS)])


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("dualtrack"), prog_name=PROGRAM)
@click.option(
    "--debug",
    is_flag=True,
    envvar="DUALTRACK_DEBUG",
    help="Show the full traceback when a command fails.",
)
def cli(debug: bool) -> None:
    """dualtrack: look into, copy, back up, migrate and check stores from the shell.

    Agent-memory commands take a store URL (memory://, sqlite:///path,
    postgresql://user@host/db); without one they use $DUALTRACK_MEMORY_URL, else the default
    SQLite file. Database commands (db) use $DUALTRACK_DATABASE_URL the same way.

    \b
    Examples:
      dualtrack memory ls sqlite:///memory.db
      dualtrack copy sqlite:///memory.db postgresql://me@db/memory
      dualtrack db check
    """


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command line on ``argv`` (default: the process's arguments) and exit: 0 on
    success, 1 when a command fails, 2 for a usage error, 130 when interrupted."""
    try:
        code = cli.main(args=argv, prog_name=PROGRAM, standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as error:
        click.echo(error.ctx.get_help() if error.ctx is not None else error.format_message())
        code = error.exit_code
    except click.UsageError as error:
        hint = f" (see {error.ctx.command_path} --help)" if error.ctx is not None else ""
        message = error.format_message()
        if isinstance(error, click.NoSuchOption) and error.option_name == "--debug":
            message = f"--debug goes before the command: {PROGRAM} --debug COMMAND ..."
        click.echo(f"error: {scrub(message)}{hint}", err=True)
        code = error.exit_code
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    except click.Abort:
        click.echo("error: interrupted", err=True)
        code = INTERRUPTED
    except BrokenPipeError:
        # the reader of stdout went away (``| head``): stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code if isinstance(code, int) else 0)
