"""The ``dualtrack`` command: its root group, and ``main`` for the console script and
``python -m dualtrack``.

Each command group lives in a module of its own (``memory``, ``db``, ...); a new group is
one module and one ``add_command`` line here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.metadata import version
from typing import NoReturn

import click

from dualtrack.cli import forgetting
from dualtrack.cli.db import db
from dualtrack.cli.failures import INTERRUPTED, DualtrackGroup, scrub
from dualtrack.cli.lawcheck import laws
from dualtrack.cli.memory import memory
from dualtrack.cli.tour import tour
from dualtrack.cli.transfer import copy, export, import_

#: The program name in usage lines and messages.
PROGRAM = "dualtrack"


@click.group(cls=DualtrackGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


cli.add_command(tour)
cli.add_command(memory)
memory.add_command(forgetting.forget)
memory.add_command(forgetting.compact)
cli.add_command(copy)
cli.add_command(export)
cli.add_command(import_)
cli.add_command(db)
cli.add_command(laws)


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
        click.echo(f"error: {scrub(error.format_message())}{hint}", err=True)
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
