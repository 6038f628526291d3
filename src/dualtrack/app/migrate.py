"""Migrating application state from Python: upgrade, downgrade and inspect, sync or async.

Each function takes a *target*: a URL (``str`` or SQLAlchemy ``URL``; a URL without a driver
gets dualtrack's async one), an ``AsyncEngine``, a blocking ``Engine``, or ``None`` for
:func:`dualtrack.config.database_url`. Alembic's commands are synchronous and ``env.py`` would
start an event loop of its own, which fails inside a running loop; so these functions open the
connection themselves and hand it to ``env.py`` through ``config.attributes["connection"]``, and
the ``*_async`` variants run Alembic through ``AsyncConnection.run_sync``. Await the async
variants inside a loop; the sync ones work anywhere (inside a running loop they drive a private
loop in a worker thread, blocking the caller until done).

Alembic keeps its current context in module globals, so run one migration at a time per process.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import Engine, NullPool
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from dualtrack.app.blocking import run_blocking
from dualtrack.app.engines import (
    async_url,
    begin,
    begin_sync,
    is_async,
    open_engine,
    open_sync_engine,
)
from dualtrack.app.guard import ENVIRONMENT_ATTRIBUTE
from dualtrack.app.scripts import as_config
from dualtrack.app.serial import migrating, migrating_sync
from dualtrack.config import database_url, is_production
from dualtrack.errors import MigrationError, MigrationRefused
from dualtrack.urls import absent_sqlite_file

#: Where a database to migrate can come from.
Target: TypeAlias = str | URL | Engine | AsyncEngine | None

#: An Alembic ``Config``, a script directory path, or ``None`` for dualtrack's own scripts.
ConfigLike: TypeAlias = Config | str | os.PathLike[str] | None

#: The ``Config.attributes`` key through which ``env.py`` receives the open connection.
CONNECTION_ATTRIBUTE = "connection"

T = TypeVar("T")


async def run_alembic_async(
    target: Target,
    alembic_command: Callable[..., object],
    *arguments: Any,
    config: ConfigLike = None,
    environment: str | None = None,
) -> None:
    """Run an ``alembic.command`` function on ``target``, sharing one connection with env.py.

    ``environment`` overrides ``DUALTRACK_ENV`` for this command (``"production"`` makes
    ``env.py`` refuse downgrades). Everything the command does commits together or not at all.
    """
    await on_connection_async(
        target,
        _command_work(as_config(config), alembic_command, arguments, environment),
        serial=True,
    )


def run_alembic(
    target: Target,
    alembic_command: Callable[..., object],
    *arguments: Any,
    config: ConfigLike = None,
    environment: str | None = None,
) -> None:
    """The blocking twin of :func:`run_alembic_async`."""
    on_connection(
        target,
        _command_work(as_config(config), alembic_command, arguments, environment),
        serial=True,
    )


async def upgrade_async(
    target: Target = None, revision: str = "heads", *, config: ConfigLike = None
) -> None:
    """Upgrade ``target`` to ``revision`` (default: every head) inside the running event loop."""
    await run_alembic_async(target, command.upgrade, revision, config=config)


def upgrade(target: Target = None, revision: str = "heads", *, config: ConfigLike = None) -> None:
    """Upgrade ``target`` to ``revision`` (default: every head), blocking until done."""
    run_alembic(target, command.upgrade, revision, config=config)


async def downgrade_async(
    target: Target,
    revision: str,
    *,
    config: ConfigLike = None,
    environment: str | None = None,
) -> None:
    """Downgrade ``target`` to ``revision`` (``"base"``, ``"-1"``, an id), never in production.

    Raises :class:`MigrationRefused` when ``environment`` (default ``DUALTRACK_ENV``) is
    ``production``, before connecting; ``env.py`` checks again on its side.
    """
    _refuse_in_production(revision, environment)
    await run_alembic_async(
        target, command.downgrade, revision, config=config, environment=environment
    )


def downgrade(
    target: Target,
    revision: str,
    *,
    config: ConfigLike = None,
    environment: str | None = None,
) -> None:
    """The blocking twin of :func:`downgrade_async`."""
    _refuse_in_production(revision, environment)
    run_alembic(target, command.downgrade, revision, config=config, environment=environment)


async def current_async(
    target: Target = None, *, version_table: str = "alembic_version"
) -> tuple[str, ...]:
    """The revision ids ``target`` is at (empty when never migrated, or migrated to base, or
    an SQLite file that is not there: asking creates nothing)."""
    named = database_url() if target is None else target
    if not isinstance(named, Engine | AsyncEngine) and absent_sqlite_file(named):
        return ()
    return await on_connection_async(target, _current_work(version_table))


def current(target: Target = None, *, version_table: str = "alembic_version") -> tuple[str, ...]:
    """The blocking twin of :func:`current_async`."""
    return run_blocking(current_async(target, version_table=version_table))


async def on_connection_async(
    target: Target, work: Callable[[Connection], T], *, serial: bool = False
) -> T:
    """Call ``work`` with a blocking connection to ``target`` in a transaction; commit after.

    ``serial`` (for a migration) makes the transaction wait for any other serial one on the
    same database and run with SQLite's foreign keys checked at the end (see
    :mod:`dualtrack.app.serial`)."""
    if target is None:
        target = database_url()
    if isinstance(target, AsyncEngine):
        async with (migrating if serial else begin)(target) as connection:
            return await connection.run_sync(work)
    if isinstance(target, Engine):
        _require_sync(target)
        return await asyncio.to_thread(_on_sync_engine, target, work, serial)
    if not is_async(target):
        return await asyncio.to_thread(_on_sync_url, target, work, serial)
    engine = open_engine(target, poolclass=NullPool)
    try:
        async with (migrating if serial else begin)(engine) as connection:
            return await connection.run_sync(work)
    finally:
        await engine.dispose()


def on_connection(target: Target, work: Callable[[Connection], T], *, serial: bool = False) -> T:
    """The blocking twin of :func:`on_connection_async`; an ``AsyncEngine`` needs the async one."""
    if isinstance(target, AsyncEngine):
        raise MigrationError(
            "a blocking migration call cannot use an AsyncEngine: its connections belong to "
            "the event loop that made them. Await the *_async variant (upgrade_async, ...) "
            "in that loop, or pass the URL instead."
        )
    if isinstance(target, Engine):
        _require_sync(target)
        return _on_sync_engine(target, work, serial)
    return run_blocking(on_connection_async(target, work, serial=serial))


def _command_work(
    config: Config,
    alembic_command: Callable[..., object],
    arguments: tuple[Any, ...],
    environment: str | None,
) -> Callable[[Connection], None]:
    def work(connection: Connection) -> None:
        shared: dict[str, Any] = {CONNECTION_ATTRIBUTE: connection}
        if environment is not None:
            shared[ENVIRONMENT_ATTRIBUTE] = environment
        saved = {key: config.attributes[key] for key in shared if key in config.attributes}
        config.attributes.update(shared)
        try:
            alembic_command(config, *arguments)
        except CommandError as error:
            raise MigrationError(f"alembic refused the command: {error}") from error
        finally:
            for key in shared:
                config.attributes.pop(key, None)
            config.attributes.update(saved)

    return work


def _current_work(version_table: str) -> Callable[[Connection], tuple[str, ...]]:
    def work(connection: Connection) -> tuple[str, ...]:
        context = MigrationContext.configure(connection, opts={"version_table": version_table})
        return tuple(context.get_current_heads())

    return work


def _on_sync_engine(engine: Engine, work: Callable[[Connection], T], serial: bool) -> T:
    with (migrating_sync if serial else begin_sync)(engine) as connection:
        return work(connection)


def _on_sync_url(url: str | URL, work: Callable[[Connection], T], serial: bool) -> T:
    engine = open_sync_engine(async_url(url), poolclass=NullPool)
    try:
        return _on_sync_engine(engine, work, serial)
    finally:
        engine.dispose()


def _require_sync(engine: Engine) -> None:
    if engine.dialect.is_async:
        raise MigrationError(
            "this Engine is the sync face of an AsyncEngine and cannot be driven from here; "
            "pass the AsyncEngine itself to the *_async variant, or pass the URL"
        )


def _refuse_in_production(revision: str, environment: str | None) -> None:
    if is_production(environment):
        raise MigrationRefused(
            f"refusing to downgrade to {revision!r} in production (DUALTRACK_ENV=production). "
            "Production is forward-only: write a new revision that undoes the change, or "
            "downgrade a development copy instead."
        )
