"""Alembic environment for dualtrack's application state: async, dialect-aware, shareable.

Three ways in. ``dualtrack.app.migrate`` (and the migration laws) open the connection themselves
and pass it in ``config.attributes["connection"]``, which works inside a running event loop.
The shell (``alembic upgrade head``) opens an async engine on ``sqlalchemy.url`` if the ini sets
it, else on ``DUALTRACK_DATABASE_URL``, else on the SQLite file in the user's data directory.
``alembic upgrade head --sql`` renders the SQL without connecting.

Every run checks the dialect (SQLite gets batch mode, so ALTERs it lacks become table copies)
and refuses downgrades in production. From the shell, dualtrack's own errors (a bad URL, a
refused downgrade) are reported by alembic as a ``FAILED: <error>: <what to do>`` line (its
logging repeats it once at ``ERROR`` level).
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from alembic.util import CommandError
from sqlalchemy import NullPool
from sqlalchemy.engine import Connection

from dualtrack.app.blocking import run_blocking
from dualtrack.app.engines import async_url, open_engine
from dualtrack.app.guard import refuse_production_downgrade
from dualtrack.app.models import Base
from dualtrack.app.serial import migrating
from dualtrack.config import database_url
from dualtrack.errors import DualtrackError

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def target_url() -> str:
    """The database the shell migrates: the ini's ``sqlalchemy.url``, else dualtrack's URL."""
    return config.get_main_option("sqlalchemy.url") or database_url()


def run_migrations(connection: Connection) -> None:
    """Migrate on an open connection; the caller owns its transaction."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    refuse_production_downgrade(context.get_context())
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online(url: str) -> None:
    """Open an async engine on ``url`` and migrate in one transaction, after any other
    migration of the same database (see :mod:`dualtrack.app.serial`)."""
    engine = open_engine(url, poolclass=NullPool)
    try:
        async with migrating(engine) as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    """Write the migration SQL for the target URL's dialect instead of running it."""
    url = async_url(target_url())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.get_backend_name() == "sqlite",
    )
    refuse_production_downgrade(context.get_context())
    with context.begin_transaction():
        context.run_migrations()


def run_from_the_shell() -> None:
    """Migrate (or render the SQL) for ``alembic`` run from the shell, where a dualtrack error
    becomes alembic's ``CommandError``: one line naming it, not a traceback."""
    try:
        if context.is_offline_mode():
            run_migrations_offline()
        else:
            run_blocking(run_migrations_online(target_url()))
    except DualtrackError as error:
        raise CommandError(f"{type(error).__name__}: {error}") from error


shared = config.attributes.get("connection")
if shared is not None and not context.is_offline_mode():
    run_migrations(shared)
else:
    run_from_the_shell()
