"""A migration's connection: one migration at a time per database, under SQLite's schema rules.

Two ``alembic upgrade`` runs at once would race to create the version table and the schema
(a duplicate ``pg_type`` key on PostgreSQL, ``database is locked`` on SQLite). Here the second
waits for the first (an advisory transaction lock on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite)
and then finds nothing left to do. SQLite enforces foreign keys on every connection dualtrack
opens, but a batch migration copies and renames tables, which SQLite's own rules require be done
with them off; so they are off for the migration and checked, all rows at once, before commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from dualtrack.app.engines import unreachable
from dualtrack.errors import MigrationError

#: The PostgreSQL advisory lock key every dualtrack migration holds (``dualtrack`` in ASCII).
MIGRATION_LOCK = 0x6475616C747261

#: The execution option naming how SQLite engines made by dualtrack begin a transaction.
BEGIN_OPTION = "dualtrack_sqlite_begin"


def _pragma(connection: Connection, statement: str) -> None:
    """Run ``statement`` on the driver outside any transaction (a pragma that is a no-op
    inside one)."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


def _before(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        _pragma(connection, "PRAGMA foreign_keys = OFF")


def _after(connection: Connection) -> None:
    if connection.dialect.name == "sqlite" and not connection.invalidated:
        _pragma(connection, "PRAGMA foreign_keys = ON")


def _serialise(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, row, parent, _ = broken[0]
        raise MigrationError(
            f"the migration left {len(broken)} row(s) whose foreign key points at nothing "
            f"(first: table {table!r}, rowid {row}, missing in {parent!r}): rolled back"
        )


@asynccontextmanager
async def migrating(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction that no other dualtrack migration of the database
    shares; committed on success."""
    try:
        connection = await engine.connect()
    except (OSError, DBAPIError) as error:
        raise unreachable(engine.url, error) from error
    try:
        await connection.run_sync(_before)
        try:
            connection = await connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
            async with connection.begin():
                await connection.run_sync(_serialise)
                yield connection
                await connection.run_sync(_check_foreign_keys)
        finally:
            await connection.run_sync(_after)
    finally:
        await connection.close()


@contextmanager
def migrating_sync(engine: Engine) -> Iterator[Connection]:
    """The blocking twin of :func:`migrating`."""
    try:
        connection = engine.connect()
    except (OSError, DBAPIError) as error:
        raise unreachable(engine.url, error) from error
    with connection:
        _before(connection)
        try:
            connection = connection.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
            with connection.begin():
                _serialise(connection)
                yield connection
                _check_foreign_keys(connection)
        finally:
            _after(connection)
