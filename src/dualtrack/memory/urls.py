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
directory (:func:`dualtrack.config.memory_url`). A URL that cannot be read or is malformed for
its store (``sqlite://tmp/x.db``), an unknown scheme, a missing driver or a database that does
not answer raises :class:`~dualtrack.errors.BackendUnavailable` naming the URL (password
masked) and the fix, as every URL in dualtrack does (see :mod:`dualtrack.urls`): there is no
fallback to another store, and no file is created where a typo points.
"""

from __future__ import annotations

import math
from collections.abc import Coroutine, Generator
from types import TracebackType
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from dualtrack.config import make_room_for, memory_url
from dualtrack.errors import BackendUnavailable, InvalidArgument
from dualtrack.memory.memory_store import MemoryDgent
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.sql.store import SQLDgent
from dualtrack.memory.sqlite.store import SQLiteDgent
from dualtrack.urls import (
    check_sqlite_url,
    dialect_of,
    driver_missing,
    masked,
    nearest,
    parse_url,
    sqlite_file,
)

#: The store options each kind of URL takes (others go to ``create_async_engine`` for SQL URLs).
STORE_OPTIONS = {
    "memory": frozenset({"namespace", "embedder", "clock"}),
    "sqlite": frozenset({"namespace", "embedder", "busy_timeout", "clock", "inline_commits"}),
    "sql": frozenset(
        {
            "namespace",
            "embedder",
            "schema",
            "connections",
            "create_tables",
            "driver_statements",
            "clock",
            "timeout",
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


#: The schemes ``open_dgent`` reads, for the message naming them and "did you mean" hints.
SCHEMES = ("memory", "sqlite", *_SQL_DRIVERS)

_EXPECTED = (
    "memory://, sqlite:///relative/path.db, sqlite:////absolute/path.db, "
    "sqlite+aiosqlite:///path or postgresql://user@host/database"
)


def _refuse_extra(kind: str, url: str, options: dict[str, Any]) -> None:
    extra = sorted(set(options) - STORE_OPTIONS[kind])
    if extra:
        raise InvalidArgument(
            f"{masked(url)!r} takes the options {sorted(STORE_OPTIONS[kind])}, not {extra}"
        )


class StoreOpening(Coroutine[Any, Any, DgentProtocol]):
    """What :func:`open_dgent` returns: ``await`` it for the open store, or write
    ``async with open_dgent(url) as store:`` to have the store closed when the block ends.

    It is a coroutine (so ``asyncio.run(open_dgent(url))`` works too); the URL is read and the
    store opened when it is first awaited or entered, and any error is raised there.
    """

    def __init__(self, opening: Coroutine[Any, Any, DgentProtocol]) -> None:
        self._opening = opening
        self._store: DgentProtocol | None = None

    def __await__(self) -> Generator[Any, None, DgentProtocol]:
        return self._opening.__await__()

    def send(self, value: Any) -> Any:
        """Step the opening (the coroutine protocol, used by event loops)."""
        return self._opening.send(value)

    def throw(self, *error: Any) -> Any:
        """Raise inside the opening (the coroutine protocol, used by event loops)."""
        return self._opening.throw(*error)

    def close(self) -> None:
        """Abandon an opening that has not finished (the coroutine protocol)."""
        self._opening.close()

    async def __aenter__(self) -> DgentProtocol:
        self._store = await self._opening
        return self._store

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._store is not None:
            store, self._store = self._store, None
            await store.close()


def open_dgent(url: str | None = None, **options: Any) -> StoreOpening:
    """The store ``url`` names, opened (tables created, connection checked): ``await`` it, or
    use it as ``async with open_dgent(url) as store:`` to close the store on leaving the block.

    ``options`` are the store's (``namespace``, ``embedder``, ...; see :data:`STORE_OPTIONS`);
    for SQL URLs the rest go to SQLAlchemy's ``create_async_engine`` (``pool_size``, ...),
    plus ``connect_timeout`` (PostgreSQL) and ``busy_timeout`` (SQLite) in seconds.

    >>> import asyncio
    >>> async def demo():
    ...     async with open_dgent("memory://", namespace="scratch") as store:
    ...         return store.namespace
    >>> asyncio.run(demo())
    'scratch'
    >>> try:
    ...     asyncio.run(open_dgent("mongodb://me:secret@db/memory"))
    ... except BackendUnavailable as error:
    ...     print(str(error)[:74])
    no agent-memory store for scheme 'mongodb' in 'mongodb://me:***@db/memory'
    """
    return StoreOpening(_open(url, options))


async def _open(url: str | None, options: dict[str, Any]) -> DgentProtocol:
    text = memory_url() if url is None else url
    parsed = parse_url(text, expected=_EXPECTED)
    scheme = parsed.drivername
    if scheme == "memory":
        if parsed.host or parsed.database or parsed.username or parsed.query:
            raise BackendUnavailable(
                f"memory:// takes nothing after the scheme, got {masked(text)!r}"
            )
        _refuse_extra("memory", text, options)
        return MemoryDgent(**options)
    driver = "sqlite" if scheme == "sqlite" else _SQL_DRIVERS.get(scheme)
    if driver is None:
        raise BackendUnavailable(
            f"no agent-memory store for scheme {scheme!r} in {masked(text)!r}"
            f"{nearest(scheme, SCHEMES)}: use {_EXPECTED}"
        )
    check_sqlite_url(parsed)
    path = sqlite_file(parsed)
    if path is not None:
        make_room_for(str(path))  # the default file's folder, made when first opened
    if driver == "sqlite":
        _refuse_extra("sqlite", text, options)
        return await SQLiteDgent.open(_sqlite_file(parsed, text), **options)
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
        url = _postgres_parameters(url, text, options, store_options)
        timeout = _seconds(options.pop("connect_timeout", DEFAULT_CONNECT_TIMEOUT), text)
        options.setdefault("connect_args", {}).setdefault("timeout", timeout)
        options.setdefault("pool_size", 10)
    dialect_of(url)
    try:
        engine = create_async_engine(url, **options)
    except ImportError as error:
        raise driver_missing(text, error) from error
    except NoSuchModuleError as error:
        raise BackendUnavailable(f"no driver for {masked(text)!r}: {error}") from error
    except (TypeError, ArgumentError, SQLAlchemyError) as error:
        raise InvalidArgument(f"cannot make an engine for {masked(text)!r}: {error}") from error
    if sqlite:
        _durable_sqlite(engine, busy)
    return await SQLDgent.open(engine, dispose_engine=True, **store_options)


def _seconds(value: object, text: str) -> float:
    """``connect_timeout`` as positive seconds (a URL gives it as text)."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise InvalidArgument(
            f"connect_timeout for {masked(text)!r} must be positive seconds, got {value!r}"
        )
    return seconds


#: Parameters of a PostgreSQL URL that asyncpg (or SQLAlchemy's dialect for it) takes as
#: they are.
_DRIVER_PARAMETERS = frozenset(
    {
        "host",
        "port",
        "ssl",
        "direct_tls",
        "passfile",
        "command_timeout",
        "statement_cache_size",
        "prepared_statement_cache_size",
        "target_session_attrs",
        "krbsrvname",
        "gsslib",
    }
)

#: libpq's names for parameters asyncpg takes otherwise, and dualtrack's own, as a URL may
#: carry them.
_TRANSLATED_PARAMETERS = ("sslmode", "application_name", "connect_timeout", "schema")


def _postgres_parameters(
    url: URL, text: str, options: dict[str, Any], store_options: dict[str, Any]
) -> URL:
    """``url`` without the parameters of its query that are not the driver's own, each moved
    to where it takes effect: libpq's ``sslmode`` and ``application_name`` to the driver's
    ``ssl`` and server settings, ``connect_timeout`` and ``schema`` to the options of
    ``open_dgent``. Any other parameter is refused by name (the driver would fail on it with
    a bare ``TypeError``)."""
    kept: dict[str, Any] = {}
    connect_args = options.setdefault("connect_args", {})
    for name, value in url.query.items():
        if isinstance(value, tuple):
            raise InvalidArgument(f"{masked(text)!r} gives the parameter {name!r} twice")
        if name in _DRIVER_PARAMETERS:
            kept[name] = value
        elif name == "sslmode":
            connect_args.setdefault("ssl", value)
        elif name == "application_name":
            connect_args.setdefault("server_settings", {}).setdefault(name, value)
        elif name == "connect_timeout":
            options.setdefault("connect_timeout", value)
        elif name == "schema":
            store_options.setdefault("schema", value)
        else:
            accepted = ", ".join(sorted((*_TRANSLATED_PARAMETERS, *_DRIVER_PARAMETERS)))
            raise InvalidArgument(
                f"{masked(text)!r} has the parameter {name!r}, which neither dualtrack nor "
                f"asyncpg takes: use one of {accepted}"
            )
    return url.set(query=kept)


def _durable_sqlite(engine: AsyncEngine, busy_timeout: float) -> None:
    """Every connection: WAL, ``synchronous=FULL`` (acknowledged writes survive a crash), a
    busy timeout (writers queue for the lock instead of failing) and foreign keys enforced."""

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()
