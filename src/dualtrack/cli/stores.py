"""Which store a command works on, and opening it: the URL from the argument, else
``DUALTRACK_MEMORY_URL``, else the default file, as :func:`dualtrack.open_dgent` does.

Commands that only look never create anything: an SQLite file that does not exist is an
error naming it, and SQL stores are opened without creating tables.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from dualtrack.cli.failures import CommandFailed, url_from_environment
from dualtrack.config import MEMORY_URL_VARIABLE, memory_url
from dualtrack.errors import BackendUnavailable
from dualtrack.memory import DgentProtocol
from dualtrack.memory.sql.schema import datums
from dualtrack.memory.sql.store import SQLDgent
from dualtrack.memory.sqlite.schema import TABLES as SQLITE_TABLES
from dualtrack.memory.urls import open_dgent
from dualtrack.urls import absent_sqlite_file, masked, parsed_or_none, sqlite_file

T = TypeVar("T")

#: The namespace commands use when none is given, as stores do.
DEFAULT_NAMESPACE = "default"

#: Help text of every ``--namespace`` option.
NAMESPACE_HELP = "The namespace to work in."


def run(work: Coroutine[Any, Any, T]) -> T:
    """Run a command's async work to completion."""
    return asyncio.run(work)


def chosen_url(argument: str | None, option: str | None = None) -> str:
    """The store URL: the argument or ``--url`` (not both, unless equal), else the default."""
    if argument is not None and option is not None and argument != option:
        raise click.UsageError(
            f"two store URLs given ({masked(argument)} and --url {masked(option)}): give one"
        )
    if argument or option:
        return argument or option or ""
    if os.environ.get(MEMORY_URL_VARIABLE, "").strip():
        url_from_environment(MEMORY_URL_VARIABLE)
    return memory_url()


def _is_sql(url: str) -> bool:
    parsed = parsed_or_none(url)
    return parsed is not None and parsed.drivername not in ("memory", "sqlite")


async def open_reading(url: str, namespace: str = DEFAULT_NAMESPACE) -> DgentProtocol:
    """The store at ``url`` for looking only: creates no file and no table, and refuses a
    database that holds no store of the kind the URL names."""
    absent = absent_sqlite_file(url)
    if absent is not None:
        raise BackendUnavailable(
            f"no agent memory at {masked(url)}: the file {str(absent)!r} does not exist "
            "(check the path; sqlite:///relative.db or sqlite:////absolute/path.db)"
        )
    path = sqlite_file(url)
    if path is not None:
        _check_holds_store(url, path)
    options: dict[str, Any] = {"namespace": namespace}
    if not _is_sql(url):
        return await open_dgent(url, **options)
    options["create_tables"] = False
    store = await open_dgent(url, **options)
    if path is None and isinstance(store, SQLDgent):
        await _check_has_tables(url, store)
    return store


_SQLITE_STORE_TABLE = SQLITE_TABLES[0]  # dgent_datums, as _SQL_STORE_TABLE is dualtrack_datums
_SQL_STORE_TABLE = datums.name


def _check_holds_store(url: str, path: Path, *, writing: bool = False) -> None:
    """Refuse an SQLite file that holds no store of the kind ``url`` names (``sqlite://`` is
    SQLiteDgent, ``sqlite+aiosqlite://`` SQLDgent: two stores with tables of their own). For
    ``writing``, only a file holding the other kind is refused: a second store beside it would
    split the memory in two."""
    existing = f"{path.resolve().as_uri()}?mode=rw"  # never creates; cleans up its WAL files
    try:
        with contextlib.closing(sqlite3.connect(existing, uri=True)) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.Error as error:
        raise BackendUnavailable(f"cannot read {masked(url)}: {error}") from error
    sql = _is_sql(url)
    wanted, other = (
        (_SQL_STORE_TABLE, _SQLITE_STORE_TABLE) if sql else (_SQLITE_STORE_TABLE, _SQL_STORE_TABLE)
    )
    if wanted in tables or (writing and other not in tables):
        return
    hint = ""
    if other in tables:
        scheme = "sqlite:///" if sql else "sqlite+aiosqlite:///"
        hint = f"; it holds the other kind of store: open it as {scheme}{path}"
    if writing:
        raise BackendUnavailable(
            f"{masked(url)} would start a second store in a file that holds one already{hint}"
        )
    raise BackendUnavailable(
        f"no agent memory at {masked(url)}: the file holds no {wanted} table{hint}"
    )


async def _check_has_tables(url: str, store: SQLDgent) -> None:
    """Refuse (and close) a SQL store whose database has no SQLDgent tables."""
    table = store.tables.datums

    def present(connection: Connection) -> bool:
        return bool(inspect(connection).has_table(table.name, schema=table.schema))

    try:
        async with store.engine.connect() as connection:
            found = await connection.run_sync(present)
    except BaseException:
        await store.close()
        raise
    if not found:
        await store.close()
        where = f"schema {table.schema!r}" if table.schema else "the database"
        raise BackendUnavailable(
            f"no agent memory at {masked(url)}: {where} has no {table.name} table (nothing "
            "was ever stored there; copy or import into it to make one)"
        )


def check_writable(url: str) -> None:
    """Refuse to write at ``url`` when it names an SQLite file holding the other kind of
    store (checked before any work starts, and again on opening)."""
    path = sqlite_file(url)
    if path is not None and path.is_file():
        _check_holds_store(url, path, writing=True)


async def open_writing(url: str, namespace: str = DEFAULT_NAMESPACE) -> DgentProtocol:
    """The store at ``url`` for writing: file and tables are created when missing, but no
    store is started in an SQLite file that holds the other kind."""
    check_writable(url)
    return await open_dgent(url, namespace=namespace)


def refuse_vanishing(url: str, command: str) -> None:
    """Refuse ``memory://`` as where ``command`` writes: it lives only while the command runs,
    so what was written there would be gone when the command reports it done."""
    parsed = parsed_or_none(url)
    if parsed is not None and parsed.drivername == "memory":
        raise click.UsageError(
            f"{command} into {masked(url)} would keep nothing: memory:// lives only while "
            "the command runs. Give a file or a database (sqlite:///path.db, "
            "postgresql://user@host/db)"
        )


@asynccontextmanager
async def new_file_kept_only_if_filled(url: str) -> AsyncIterator[None]:
    """Run the block; when it fails having created the SQLite file ``url`` names and stored
    nothing in it, remove that file (and its WAL files) again: a failed restore into a new
    file should not leave an empty store behind that looks like a restored one."""
    absent = absent_sqlite_file(url)
    try:
        yield
    except BaseException:
        if absent is not None and absent.exists():
            with contextlib.suppress(Exception):
                async with reading(url) as store:
                    held = await store.namespaces()
                if not held:
                    remove_sqlite_file(absent)
        raise


def remove_sqlite_file(path: Path) -> None:
    """Remove an SQLite file and the WAL and journal files beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@asynccontextmanager
async def reading(url: str, namespace: str = DEFAULT_NAMESPACE) -> AsyncIterator[DgentProtocol]:
    """:func:`open_reading`, closed afterwards."""
    store = await open_reading(url, namespace)
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def writing(url: str, namespace: str = DEFAULT_NAMESPACE) -> AsyncIterator[DgentProtocol]:
    """:func:`open_writing`, closed afterwards."""
    store = await open_writing(url, namespace)
    try:
        yield store
    finally:
        await store.close()


async def namespaces_to_use(store: DgentProtocol, wanted: tuple[str, ...]) -> list[str]:
    """``wanted`` (each must hold something in ``store``'s database), or every namespace."""
    present = await store.namespaces()
    if not wanted:
        return present
    missing = [name for name in wanted if name not in present]
    if missing:
        held = ", ".join(repr(name) for name in present) or "none"
        raise CommandFailed(
            f"no namespace {', '.join(repr(n) for n in missing)} in this store "
            f"(namespaces holding data: {held})"
        )
    return list(dict.fromkeys(wanted))
