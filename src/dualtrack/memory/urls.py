"""``open_dgent(url)``: the agent-memory store a URL names, opened and checked, never guessed.

=================================  ==========================================================
URL                                store
=================================  ==========================================================
``memory://``                      :class:`~dualtrack.memory.memory_store.MemoryDgent`
``sqlite:///path``                 :class:`~dualtrack.memory.sqlite.store.SQLiteDgent`
``sqlite+aiosqlite:///path``       :class:`~dualtrack.memory.sql.store.SQLDgent` on SQLite
``postgresql://...``               :class:`~dualtrack.memory.sql.store.SQLDgent` on PostgreSQL
``postgresql+asyncpg://...``       the same (``postgres://`` too)
=================================  ==========================================================

Without a URL, ``DUALTRACK_MEMORY_URL`` is used, else an SQLite file in the user's data
directory (:func:`dualtrack.config.memory_url`). An unknown scheme, a missing driver or a
database that does not answer raises :class:`~dualtrack.errors.BackendUnavailable` naming the
URL (password masked) and the cause: there is no fallback to another store.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from dualtrack.config import memory_url
from dualtrack.errors import BackendUnavailable, InvalidArgument
from dualtrack.memory.memory_store import MemoryDgent
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.sql.errors import masked
from dualtrack.memory.sql.store import SQLDgent
from dualtrack.memory.sqlite.store import SQLiteDgent

#: The store options each kind of URL takes (others go to ``create_async_engine`` for SQL URLs).
STORE_OPTIONS = {
    "memory": frozenset({"namespace", "embedder", "clock"}),
    "sqlite": frozenset({"namespace", "embedder", "busy_timeout", "clock"}),
    "sql": frozenset(
        {
            "namespace",
            "embedder",
            "schema",
            "connections",
            "create_tables",
            "driver_statements",
            "clock",
        }
    ),
}

#: Seconds to wait for a PostgreSQL server to accept a connection.
DEFAULT_CONNECT_TIMEOUT = 10.0

#: Seconds an SQLite writer waits for the file's lock before giving up.
DEFAULT_BUSY_TIMEOUT = 60.0

_SQL_DRIVERS = {
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


def _parse(text: str) -> URL:
    try:
        return make_url(text)
    except ArgumentError as error:
        raise BackendUnavailable(
            f"cannot read agent-memory URL {masked(text)!r}: {error}. Use memory://, "
            "sqlite:///path, sqlite+aiosqlite:///path or postgresql://user@host/database"
        ) from error


def _refuse_extra(kind: str, url: str, options: dict[str, Any]) -> None:
    extra = sorted(set(options) - STORE_OPTIONS[kind])
    if extra:
        raise InvalidArgument(
            f"{masked(url)!r} takes the options {sorted(STORE_OPTIONS[kind])}, not {extra}"
        )


async def open_dgent(url: str | None = None, **options: Any) -> DgentProtocol:
    """The store ``url`` names, opened (tables created, connection checked).

    ``options`` are the store's (``namespace``, ``embedder``, ...; see :data:`STORE_OPTIONS`);
    for SQL URLs the rest go to SQLAlchemy's ``create_async_engine`` (``pool_size``, ...),
    plus ``connect_timeout`` (PostgreSQL) and ``busy_timeout`` (SQLite) in seconds.

    >>> import asyncio
    >>> async def demo():
    ...     store = await open_dgent("memory://", namespace="scratch")
    ...     return store.namespace
    >>> asyncio.run(demo())
    'scratch'
    >>> try:
    ...     asyncio.run(open_dgent("mongodb://me:secret@db/memory"))
    ... except BackendUnavailable as error:
    ...     print(str(error)[:74])
    no agent-memory store for scheme 'mongodb' in 'mongodb://me:***@db/memory'
    """
    text = memory_url() if url is None else url
    if not isinstance(text, str):
        raise InvalidArgument(f"open_dgent takes a URL str, got {text!r}")
    parsed = _parse(text.strip())
    scheme = parsed.drivername
    if scheme == "memory":
        if parsed.host or parsed.database or parsed.username or parsed.query:
            raise BackendUnavailable(f"memory:// takes nothing after the scheme, got {text!r}")
        _refuse_extra("memory", text, options)
        return MemoryDgent(**options)
    if scheme == "sqlite":
        _refuse_extra("sqlite", text, options)
        return await SQLiteDgent.open(_sqlite_file(parsed, text), **options)
    driver = _SQL_DRIVERS.get(scheme)
    if driver is None:
        raise BackendUnavailable(
            f"no agent-memory store for scheme {scheme!r} in {masked(text)!r}: use memory://, "
            "sqlite:///path, sqlite+aiosqlite:///path or postgresql://user@host/database"
        )
    return await _open_sql(parsed.set(drivername=driver), text, options)


def _sqlite_file(parsed: URL, text: str) -> str:
    path = parsed.database
    if not path or path == ":memory:" or path.startswith("file:"):
        raise BackendUnavailable(
            f"{text!r} names no file: an SQLite store needs a path (sqlite:///relative.db or "
            "sqlite:////absolute/path.db); use memory:// for memory held in this process"
        )
    return path


async def _open_sql(url: URL, text: str, options: dict[str, Any]) -> SQLDgent:
    store_options = {name: options.pop(name) for name in STORE_OPTIONS["sql"] & set(options)}
    sqlite = url.drivername.startswith("sqlite")
    if sqlite:
        _sqlite_file(url, text)
        busy = float(options.pop("busy_timeout", DEFAULT_BUSY_TIMEOUT))
        options.setdefault("connect_args", {}).setdefault("timeout", busy)
    else:
        timeout = float(options.pop("connect_timeout", DEFAULT_CONNECT_TIMEOUT))
        options.setdefault("connect_args", {}).setdefault("timeout", timeout)
        options.setdefault("pool_size", 10)
    try:
        engine = create_async_engine(url, **options)
    except (NoSuchModuleError, ImportError) as error:
        raise BackendUnavailable(
            f"the driver for {masked(text)!r} is not installed ({type(error).__name__}: "
            f"{error}); for PostgreSQL: pip install 'dualtrack[postgres]'"
        ) from error
    except (TypeError, ArgumentError, SQLAlchemyError) as error:
        raise InvalidArgument(f"cannot make an engine for {masked(text)!r}: {error}") from error
    if sqlite:
        _durable_sqlite(engine, busy)
    return await SQLDgent.open(engine, dispose_engine=True, **store_options)


def _durable_sqlite(engine: AsyncEngine, busy_timeout: float) -> None:
    """Every connection: WAL, ``synchronous=FULL`` (acknowledged writes survive a crash) and a
    busy timeout (writers queue for the lock instead of failing)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()
