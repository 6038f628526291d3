"""``dualtrack db``: the application-state migrations API from the shell.

Each command calls :mod:`dualtrack.app.migrate` (so the rules are the API's: downgrades are
refused when ``DUALTRACK_ENV=production``); the database is ``--url``, else
``DUALTRACK_DATABASE_URL``, else the default SQLite file. Commands that only look (``current``,
``history``, ``check``) create no SQLite file: one that is not there is at base.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from alembic.script import ScriptDirectory

from dualtrack.app.drift import differences
from dualtrack.app.migrate import current, downgrade, on_connection, upgrade
from dualtrack.app.models import Base
from dualtrack.app.scripts import alembic_config, heads
from dualtrack.bridge.refs_table import REFS_TABLE
from dualtrack.cli.failures import CommandFailed, url_from_environment
from dualtrack.cli.output import emit_json, listing, note, show
from dualtrack.cli.stores import remove_sqlite_file
from dualtrack.config import DATABASE_URL_VARIABLE, database_url
from dualtrack.errors import BackendUnavailable
from dualtrack.memory.sql.store import SQLDgent
from dualtrack.memory.sqlite.schema import TABLES as SQLITE_TABLES
from dualtrack.urls import absent_sqlite_file, masked

F = TypeVar("F", bound=Callable[..., Any])

#: Tables in an application database that are agent memory's, not the models': ``check``
#: leaves them out (they are there when both tracks share one database).
MEMORY_TABLES = frozenset({*SQLDgent.metadata.tables, *SQLITE_TABLES, REFS_TABLE})


def database_option(function: F) -> F:
    """``--url``: the database to migrate."""
    return click.option(
        "--url",
        "-u",
        metavar="URL",
        help="The database (default: $DUALTRACK_DATABASE_URL, else the default file).",
    )(function)


def _target(url: str | None) -> str:
    if url:
        return url
    if os.environ.get(DATABASE_URL_VARIABLE, "").strip():
        url_from_environment(DATABASE_URL_VARIABLE)
    return database_url()


def _label(revisions: tuple[str, ...]) -> str:
    return ", ".join(revisions) if revisions else "base (never migrated)"


@click.group(short_help="Migrate the application-state database.")
def db() -> None:
    """Migrate the application-state database (Alembic, through dualtrack's API).

    \b
    Example:
      dualtrack db upgrade --url postgresql://me@db/app
    """


@db.command("upgrade")
@click.argument("revision", default="heads")
@database_option
def upgrade_command(revision: str, url: str | None) -> None:
    """Upgrade the database to REVISION (default: the newest). A URL in REVISION's place is
    taken as the database, to the newest revision.

    \b
    Examples:
      dualtrack db upgrade --url sqlite:///app.db
      dualtrack db upgrade sqlite:///app.db
    """
    if "://" in revision:  # no revision has one: it is the database, given as memory commands do
        if url is not None:
            raise click.UsageError(f"REVISION {masked(revision)!r} is a URL, and --url is given")
        url, revision = revision, "heads"
    target = _target(url)
    absent = absent_sqlite_file(target)
    try:
        before = current(target)
        upgrade(target, revision)
    except BaseException:
        if absent is not None:
            _remove_if_empty(absent)
        raise
    after = current(target)
    note(f"{masked(target)}: {_label(before)} -> {_label(after)}")


def _remove_if_empty(path: Path) -> None:
    """Remove the SQLite file a failed upgrade created, when it holds no table: a typo in a
    revision should not leave an empty database that looks like a real one."""
    if not path.is_file():
        return
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as database:
            tables = database.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.Error:
        return
    if not tables:
        remove_sqlite_file(path)


@db.command(
    "downgrade",
    short_help="Downgrade to REVISION (not in production).",
    context_settings={"ignore_unknown_options": True},  # so that -1 is a revision, not an option
)
@click.argument("revision")
@database_option
def downgrade_command(revision: str, url: str | None) -> None:
    """Downgrade the database to REVISION (an id, -1, or base). Refused when
    DUALTRACK_ENV=production: production only moves forward.

    \b
    Example:
      dualtrack db downgrade -1 --url sqlite:///app.db
    """
    if revision.startswith("-") and not revision[1:].isdigit():  # an option, not a step back
        raise click.NoSuchOption(revision.split("=", 1)[0])
    target = _target(url)
    absent = absent_sqlite_file(target)
    if absent is not None:
        raise BackendUnavailable(
            f"no database at {masked(target)}: the file {str(absent)!r} does not exist, so "
            "there is nothing to downgrade"
        )
    before = current(target)
    downgrade(target, revision)
    note(f"{masked(target)}: {_label(before)} -> {_label(current(target))}")


@db.command("current", short_help="Print the revision the database is at.")
@database_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def current_command(url: str | None, as_json: bool) -> None:
    """Print the revision the database is at, and whether that is the newest.

    \b
    Example:
      dualtrack db current --json
    """
    target = _target(url)
    found = current(target)
    newest = heads()
    at_head = sorted(found) == sorted(newest)
    if as_json:
        emit_json({"url": masked(target), "current": list(found), "heads": list(newest)})
        return
    show(f"{_label(found)}{' (head)' if at_head else ''}")
    if not at_head:
        note(f"the newest revision is {_label(newest)}: run dualtrack db upgrade")


@db.command("history", short_help="List the revisions, oldest first.")
@database_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def history(url: str | None, as_json: bool) -> None:
    """List the revisions, oldest first, marking the newest and where the database is.

    \b
    Example:
      dualtrack db history --url postgresql://me@db/app
    """
    script = ScriptDirectory.from_config(alembic_config())
    scripts = list(reversed(list(script.walk_revisions("base", "heads"))))
    target = _target(url)
    at = set(current(target))
    newest = set(script.get_heads())
    rows: list[dict[str, Any]] = [
        {
            "revision": item.revision,
            "down_revision": item.down_revision,
            "message": (item.doc or "").strip(),
            "head": item.revision in newest,
            "current": item.revision in at,
        }
        for item in scripts
    ]
    if as_json:
        emit_json(rows)
        return
    table = listing(f"migrations · {masked(target)}")
    for column in ("revision", "after", "message", ""):
        table.add_column(column)
    for row in rows:
        marks = ", ".join(
            mark for mark, on in (("head", row["head"]), ("current", row["current"])) if on
        )
        table.add_row(row["revision"], str(row["down_revision"] or "base"), row["message"], marks)
    show(table)


@db.command("check", short_help="Fail if the database drifts from the models.")
@database_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def check(url: str | None, as_json: bool) -> None:
    """Compare the models with the migrated database (Alembic's compare, as alembic check
    does) and exit 1 naming each difference; also fails when the database is not at the
    newest revision.

    \b
    Example:
      dualtrack db check --url postgresql://me@db/app && echo "no drift"
    """
    target = _target(url)
    if absent_sqlite_file(target):
        raise BackendUnavailable(
            f"no database at {masked(target)}: the file does not exist yet; run dualtrack db "
            "upgrade to create and migrate it"
        )
    found = current(target)
    newest = heads()
    drift = on_connection(
        target, lambda connection: differences(connection, Base.metadata, ignore=MEMORY_TABLES)
    )
    behind = sorted(found) != sorted(newest)
    if as_json:
        emit_json(
            {
                "url": masked(target),
                "current": list(found),
                "heads": list(newest),
                "differences": drift,
            }
        )
    else:
        for line in drift:
            show(line)
    if behind:
        raise CommandFailed(
            f"{masked(target)} is at {_label(found)}, not the newest {_label(newest)}: "
            "run dualtrack db upgrade"
            + (f"; the models also differ in {len(drift)} way(s)" if drift else "")
        )
    if drift:
        raise CommandFailed(
            f"{masked(target)} differs from the models in {len(drift)} way(s): {'; '.join(drift)}"
        )
    if not as_json:
        note(f"{masked(target)} is at {_label(found)} and matches the models")
