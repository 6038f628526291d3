"""Sessions: one database connection as ``SQLDgent`` uses it, to run statements and transactions.

* :class:`CoreSession` runs Core statements through SQLAlchemy on an ``AsyncConnection``. On a
  connection the store checked out itself, single statements run in autocommit (one round trip
  each) and atomic steps open their own transaction (``BEGIN IMMEDIATE`` on SQLite, so a writer
  queues for the file's lock instead of failing to upgrade a read lock). On a connection a
  caller passed in, atomic steps are savepoints inside the caller's transaction, which the
  caller commits or rolls back.
* :class:`DriverSession` (PostgreSQL with asyncpg) runs the same Core statements, compiled once
  by SQLAlchemy's asyncpg dialect, directly on the driver connection under the pooled
  SQLAlchemy connection. Measured on this project's machine, SQLAlchemy's execution layer adds
  about 60 µs to every statement, twice the whole round trip of a point read on a local
  server; the driver's own prepared-statement cache does not.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection

from dualtrack.errors import DualtrackError

Params = Mapping[str, Any]
Rows = Sequence[Sequence[Any]]


class Session(Protocol):
    """One connection: run statements, group them atomically, and say whether it still works."""

    #: The exception classes that mean "the database or driver failed".
    database_errors: tuple[type[BaseException], ...]

    #: Whether a statement outside :meth:`atomic` commits alone (a failed one changes
    #: nothing and leaves no transaction behind).
    autocommit: bool

    @property
    def broken(self) -> bool:
        """Whether the connection is unusable (lost, or left mid-transaction) and must go."""
        ...

    def fetch(self, statement: Executable, params: Params | Sequence[Params]) -> Awaitable[Rows]:
        """Run ``statement`` (once, or once per parameter set) and return its rows."""
        ...

    def atomic(self) -> contextlib.AbstractAsyncContextManager[None]:
        """All statements inside take effect together or not at all."""
        ...

    async def close(self) -> None:
        """Give the connection back (closing it for good when broken)."""
        ...

    def drop(self) -> None:
        """Take the connection out of the engine's pool without touching it: the event loop
        it belongs to has gone, so it can neither be closed nor lent again."""
        ...

    def abandon(self) -> None:
        """Mark the connection unusable: an operation on it was interrupted midway."""
        ...


class CoreSession:
    """A session on an SQLAlchemy ``AsyncConnection``; ``caller`` when the caller owns it."""

    database_errors: tuple[type[BaseException], ...] = (DBAPIError, PoolTimeout, OSError)

    def __init__(self, connection: AsyncConnection, *, caller: bool) -> None:
        self._connection = connection
        self._caller = caller
        self.autocommit = not caller
        self._sqlite = connection.dialect.name == "sqlite"
        if connection.dialect.driver == "asyncpg":
            self.database_errors = (*CoreSession.database_errors, *asyncpg_errors())
        self._abandoned = False

    @property
    def broken(self) -> bool:
        """Whether the connection was invalidated, closed, or abandoned mid-transaction."""
        connection = self._connection
        return self._abandoned or connection.closed or connection.invalidated

    async def fetch(self, statement: Executable, params: Params | Sequence[Params]) -> Rows:
        """Run ``statement`` through SQLAlchemy."""
        bound: Any = dict(params) if isinstance(params, Mapping) else list(params)
        result = await self._connection.execute(statement, bound)
        return result.all() if result.returns_rows else []

    def atomic(self) -> contextlib.AbstractAsyncContextManager[None]:
        """A savepoint in the caller's transaction, or a transaction of the store's own."""
        return self._savepoint() if self._caller else self._transaction()

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        connection = self._connection
        await connection.exec_driver_sql("BEGIN IMMEDIATE" if self._sqlite else "BEGIN")

        async def rollback() -> None:
            await connection.exec_driver_sql("ROLLBACK")

        async with _rolled_back_on_error(self, rollback):
            yield
        async with _rolled_back_on_error(self, rollback):
            # PostgreSQL ends a transaction whose COMMIT failed; SQLite keeps it open (busy)
            await connection.exec_driver_sql("COMMIT")

    @contextlib.asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        connection = self._connection
        if self._sqlite:
            raw = await connection.get_raw_connection()
            if not getattr(raw.driver_connection, "in_transaction", True):
                # pysqlite leaves BEGIN until the first write; a savepoint opened before it
                # would become the outermost transaction and commit on release.
                await connection.exec_driver_sql("BEGIN")
        async with connection.begin_nested():
            yield

    def drop(self) -> None:
        """Take the connection out of the engine's pool, untouched (the caller's stays)."""
        if not self._caller and not self._connection.closed:
            self._connection.sync_connection.detach()  # type: ignore[union-attr]

    async def close(self) -> None:
        """Return the connection to the engine's pool (the caller's connection stays open)."""
        if self._caller:
            return
        if self.broken and not self._connection.invalidated and not self._connection.closed:
            await self._connection.invalidate()
        await self._connection.close()

    def abandon(self) -> None:
        """Mark the store's own connection unusable (an operation on it was interrupted
        midway); the caller's connection stays the caller's to judge."""
        if not self._caller:
            self._abandoned = True


def asyncpg_errors() -> tuple[type[BaseException], ...]:
    """What asyncpg raises for a failed statement or connection, SQLAlchemy's wrappers aside.
    ``InternalClientError`` ("cannot switch to state 12") comes from a connection whose backend
    was killed mid-protocol; it must read as a lost connection, not escape as a driver error."""
    asyncpg = importlib.import_module("asyncpg")
    return (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError)


@dataclass(frozen=True, slots=True)
class Compiled:
    """A statement as the driver runs it: SQL text and the parameter names in ``$n`` order."""

    sql: str
    names: tuple[str, ...]
    defaults: Mapping[str, Any]

    def arguments(self, params: Params) -> list[Any]:
        """The positional arguments for ``params``."""
        return [params[name] if name in params else self.defaults[name] for name in self.names]


#: Compiled forms shared by every store whose dialect compiles alike, as the statements
#: themselves are shared: a store opened per request compiles nothing. Cleared when full.
_SHARED: dict[tuple[Any, ...], tuple[Executable, Compiled]] = {}
_SHARED_LIMIT = 4096


class Compiler:
    """Compiles Core statements for the driver once, with SQLAlchemy's own dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        self._compiled: dict[int, tuple[Executable, Compiled]] = {}

    def __call__(self, statement: Executable) -> Compiled:
        """The compiled form of ``statement`` (statements are long-lived and reused)."""
        known = self._compiled.get(id(statement))
        if known is not None and known[0] is statement:
            return known[1]
        dialect = self._dialect
        alike = (  # what the SQL text depends on, known once the first connection is made
            type(dialect),
            dialect.server_version_info,
            dialect.paramstyle,
            dialect.label_length,
            dialect.max_identifier_length,
            id(statement),
        )
        shared = _SHARED.get(alike)
        if shared is None or shared[0] is not statement:
            shared = (statement, _compile(statement, dialect))
            if len(_SHARED) >= _SHARED_LIMIT:
                _SHARED.clear()
            _SHARED[alike] = shared
        self._compiled[id(statement)] = shared
        return shared[1]


def _compile(statement: Executable, dialect: Dialect) -> Compiled:
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    names = tuple(compiled.positiontup or ())
    defaults = {
        key: bind.effective_value for key, bind in compiled.binds.items() if not bind.required
    }
    return Compiled(compiled.string, names, defaults)


class DriverSession:
    """A session that runs compiled Core statements on the asyncpg connection beneath
    ``connection`` (held in autocommit; atomic steps are asyncpg transactions)."""

    autocommit = True

    def __init__(self, connection: AsyncConnection, driver: Any, compiler: Compiler) -> None:
        self.database_errors: tuple[type[BaseException], ...] = (
            DBAPIError,
            PoolTimeout,
            OSError,
            *asyncpg_errors(),
        )
        self._connection = connection
        self._driver = driver
        self._compile = compiler
        self._abandoned = False

    @property
    def broken(self) -> bool:
        """Whether the driver connection closed, or was abandoned mid-transaction."""
        return self._abandoned or bool(self._driver.is_closed())

    def fetch(self, statement: Executable, params: Params | Sequence[Params]) -> Awaitable[Rows]:
        """Run ``statement`` as a prepared statement of the driver (cached by SQL text): the
        driver's own awaitable, with no coroutine of this session's around it."""
        if not isinstance(params, Mapping):
            raise TypeError("DriverSession runs one parameter set per statement")
        compiled = self._compile(statement)
        rows: Awaitable[Rows] = self._driver.fetch(compiled.sql, *compiled.arguments(params))
        return rows

    @contextlib.asynccontextmanager
    async def atomic(self) -> AsyncIterator[None]:
        """An asyncpg transaction (``BEGIN`` ... ``COMMIT``, rolled back on error)."""
        transaction = self._driver.transaction()
        await transaction.start()
        async with _rolled_back_on_error(self, transaction.rollback):
            yield
        await transaction.commit()

    def drop(self) -> None:
        """Take the connection out of the engine's pool, untouched."""
        if not self._connection.closed:
            self._connection.sync_connection.detach()  # type: ignore[union-attr]

    async def close(self) -> None:
        """Return the connection to the engine's pool, or discard it when broken."""
        if self.broken and not self._connection.invalidated:
            with contextlib.suppress(Exception):
                await self._connection.invalidate()
        await self._connection.close()

    def abandon(self) -> None:
        """Mark the connection unusable: an operation on it was interrupted midway."""
        self._abandoned = True


@contextlib.asynccontextmanager
async def _rolled_back_on_error(
    session: Any, rollback: Callable[[], Awaitable[Any]]
) -> AsyncIterator[None]:
    """Roll back when the body fails with an ordinary error, which then propagates unchanged;
    a connection left mid-transaction (cancelled, or its rollback failed) is abandoned so it
    is closed instead of reused."""
    try:
        yield
    except (DualtrackError, *session.database_errors):
        try:
            await rollback()
        except Exception:
            session.abandon()
        except BaseException:
            session.abandon()
            raise
        raise
    except BaseException:
        session.abandon()
        raise
