"""Async engines for application state: URL normalisation, transactional SQLite, clear errors.

A URL without a driver gets dualtrack's async one (``sqlite`` becomes ``sqlite+aiosqlite``,
``postgresql`` becomes ``postgresql+asyncpg``); a bad URL raises ``BackendUnavailable`` by the
rule of :mod:`dualtrack.urls`. SQLite engines made here run DDL inside real
transactions (SQLite can, but Python's driver does not by default), so a migration that fails
half-way leaves the database at the revision it started from, as on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from dualtrack.config import make_room_for
from dualtrack.errors import BackendUnavailable
from dualtrack.urls import (
    check_sqlite_url,
    dialect_of,
    driver_missing,
    masked,
    parse_url,
    sqlite_file,
)

#: The async driver dualtrack uses for each database that comes without one.
ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}


def async_url(url: str | URL) -> URL:
    """``url`` parsed, with dualtrack's async driver when it names none.

    >>> async_url("postgres://u@db/brain").render_as_string()
    'postgresql+asyncpg://u@db/brain'
    >>> async_url("sqlite+pysqlite:///x.db").drivername
    'sqlite+pysqlite'
    """
    parsed = parse_url(
        url, expected="dialect[+driver]://user@host/database, or sqlite:///path for SQLite"
    )
    check_sqlite_url(parsed)
    backend = "postgresql" if parsed.drivername == "postgres" else parsed.drivername
    if "+" not in backend and backend in ASYNC_DRIVERS:
        backend = f"{backend}+{ASYNC_DRIVERS[backend]}"
    return parsed.set(drivername=backend)


def is_async(url: str | URL) -> bool:
    """Whether ``url`` (after :func:`async_url`) names an asyncio driver."""
    return bool(dialect_of(async_url(url)).is_async)


def open_engine(url: str | URL, **options: Any) -> AsyncEngine:
    """An :class:`AsyncEngine` on ``url``, transactional on SQLite; ``options`` go to SQLAlchemy."""
    parsed = async_url(url)
    _check_reachable(parsed)
    try:
        engine = create_async_engine(parsed, **options)
    except ImportError as error:
        raise driver_missing(parsed, error) from error
    if engine.dialect.name == "sqlite":
        make_sqlite_transactional(engine.sync_engine)
    return engine


def open_sync_engine(url: str | URL, **options: Any) -> Engine:
    """A blocking :class:`Engine` on ``url`` (a sync driver), made as :func:`open_engine` is."""
    parsed = parse_url(url, expected="dialect+driver://user@host/database")
    _check_reachable(parsed)
    try:
        engine = create_engine(parsed, **options)
    except ImportError as error:
        raise driver_missing(parsed, error) from error
    if engine.dialect.name == "sqlite":
        make_sqlite_transactional(engine)
    return engine


def make_sqlite_transactional(engine: Engine) -> None:
    """Have SQLAlchemy, not the sqlite3 module, emit ``BEGIN``, so DDL is transactional too,
    and enforce foreign keys (SQLite ignores them unless each connection turns them on)."""

    @event.listens_for(engine, "connect")
    def _leave_begin_to_sqlalchemy(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A connection asked to autocommit (as agent memory's own reads are) gets no BEGIN:
        # one would hold the file's lock until the connection went back to the pool.
        options = connection.get_execution_options()
        if options.get("isolation_level") != "AUTOCOMMIT":
            # a migration begins IMMEDIATE (see dualtrack.app.serial): it writes anyway, and
            # a deferred BEGIN would deadlock against a concurrent one instead of waiting
            connection.exec_driver_sql(f"BEGIN {options.get('dualtrack_sqlite_begin', '')}")


@asynccontextmanager
async def begin(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction, committed on success; a failure to connect is typed."""
    try:
        connection = await engine.connect()
    except (OSError, DBAPIError) as error:
        raise unreachable(engine.url, error) from error
    try:
        async with connection.begin():
            yield connection
    finally:
        await connection.close()


@contextmanager
def begin_sync(engine: Engine) -> Iterator[Connection]:
    """The blocking twin of :func:`begin`."""
    try:
        connection = engine.connect()
    except (OSError, DBAPIError) as error:
        raise unreachable(engine.url, error) from error
    with connection, connection.begin():
        yield connection


def unreachable(url: URL, error: BaseException) -> BackendUnavailable:
    """The error for a database that cannot be connected to, naming it without its password."""
    return BackendUnavailable(
        f"cannot connect to {masked(url)}: {error}. "
        "Check that the server runs, the database exists and the URL is right "
        "(DUALTRACK_DATABASE_URL, or the URL you passed)."
    )


def _check_reachable(url: URL) -> None:
    """Fail early, and clearly, for a bad URL, an unknown driver or an SQLite file in a missing
    directory."""
    check_sqlite_url(url)
    dialect_of(url)
    path = sqlite_file(url)
    if path is None:
        return
    make_room_for(str(path))
    folder = path.expanduser().absolute().parent
    if not folder.is_dir():
        raise BackendUnavailable(
            f"cannot connect to {masked(url)}: the directory "
            f"{folder} does not exist; create it, or point the URL at an existing directory"
        )
