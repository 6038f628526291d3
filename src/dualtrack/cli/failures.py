"""How the command line fails: one readable line on stderr, a non-zero exit code, passwords
masked; the traceback only with ``--debug``."""

from __future__ import annotations

import re
from typing import IO, Any

import click

from dualtrack.errors import BackendUnavailable, DualtrackError

#: The password part of ``scheme://user:password@host`` in any text.
_PASSWORD_IN_URL = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)[^\s@]+@")

#: Characters that could drive a terminal: the C0 controls but tab and line feed, DEL and C1.
TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: Exit code of a command stopped by Ctrl-C, as shells report it.
INTERRUPTED = 130

#: The key in ``ctx.meta`` naming the environment variable the command's URL came from.
_URL_FROM = "dualtrack.url_from"


def url_from_environment(variable: str) -> None:
    """Record that the running command's URL came from ``$variable``: if the store cannot be
    reached or read, the error says so, since the user typed no URL."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.meta[_URL_FROM] = variable


def _source(ctx: click.Context) -> str:
    variable = ctx.meta.get(_URL_FROM)
    return f" (the URL is ${variable})" if variable else ""


def printable(text: str) -> str:
    """``text`` with every character that could drive a terminal (escape sequences above all;
    tabs and line breaks aside) shown as ``\\xNN``: stored ids, names and messages quoting
    them reach the screen as text, never as commands to it.

    >>> printable("id\\x1b[31mRED\\x9b2J")
    'id\\\\x1b[31mRED\\\\x9b2J'
    """
    return TERMINAL_CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def scrub(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``, and shown
    :func:`printable`.

    >>> scrub("cannot reach postgresql://me:s3cret@db/memory: refused")
    'cannot reach postgresql://me:***@db/memory: refused'
    """
    return printable(_PASSWORD_IN_URL.sub(r"\g<head>***@", text))


def one_line(error: BaseException) -> str:
    """``error`` as one line a user can act on: dualtrack's own errors speak for themselves,
    anything else is named by its class.

    >>> one_line(ValueError("bad\\n  value"))
    'ValueError: bad; value (run with --debug for the traceback)'
    """
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = "; ".join(lines) or type(error).__name__
    if isinstance(error, DualtrackError):
        return text
    return f"{type(error).__name__}: {text} (run with --debug for the traceback)"


class CommandFailed(click.ClickException):
    """A command that could not do its work: printed as ``error: <message>``, exit code 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Print ``error: <message>`` (passwords masked) to stderr."""
        click.echo(f"error: {scrub(self.format_message())}", file=file, err=file is None)


class Interrupted(CommandFailed):
    """Ctrl-C: exit code 130, as shells report a process stopped by SIGINT."""

    exit_code = INTERRUPTED


class DualtrackGroup(click.Group):
    """The root command group: turns any error of a command into :class:`CommandFailed`,
    unless ``--debug`` asks for the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the chosen command; errors become one line."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except KeyboardInterrupt:
            raise Interrupted("interrupted") from None
        except Exception as error:
            if ctx.find_root().params.get("debug"):
                raise
            source = _source(ctx) if isinstance(error, BackendUnavailable) else ""
            raise CommandFailed(one_line(error) + source) from error
