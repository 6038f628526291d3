"""What the SQLDgent tests share: the PostgreSQL server, fresh schemas, and store factories.

PostgreSQL tests must run in CI (``CI`` set): there an unreachable server fails them; locally
they skip with the reason. ``DUALTRACK_TEST_POSTGRES`` overrides the server URL (a database
that exists; each test makes its own schema in it and drops it afterwards).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from dualtrack.app.blocking import run_blocking
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.sql.store import SQLDgent
from dualtrack.memory.urls import open_dgent
from laws.dgent.support import StoreFactory

POSTGRES_URL = make_url(
    os.environ.get("DUALTRACK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
).set(drivername="postgresql+asyncpg")

POSTGRES = POSTGRES_URL.render_as_string(hide_password=False)


def in_ci() -> bool:
    """Whether the tests run in CI, where PostgreSQL tests may not skip."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


async def _probe() -> None:
    engine = create_async_engine(POSTGRES_URL, connect_args={"timeout": 5})
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")
    finally:
        await engine.dispose()


def require_postgres() -> None:
    """Return if PostgreSQL answers; otherwise fail in CI and skip elsewhere, with the cause."""
    try:
        run_blocking(_probe())
    except Exception as error:  # any failure to connect is the reason to skip or fail
        reason = f"PostgreSQL at {POSTGRES_URL!r} does not answer: {error!r}"
        if in_ci():
            pytest.fail(f"PostgreSQL is required in CI: {reason}")
        pytest.skip(reason)


async def _schema(statement: str, name: str) -> None:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            quoted = engine.dialect.identifier_preparer.quote(name)
            await connection.exec_driver_sql(statement.format(quoted))
    finally:
        await engine.dispose()


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema (named here, never from input), dropped afterwards."""
    require_postgres()
    name = f"dgent_test_{uuid.uuid4().hex[:16]}"
    run_blocking(_schema("CREATE SCHEMA {}", name))
    try:
        yield name
    finally:
        run_blocking(_schema("DROP SCHEMA IF EXISTS {} CASCADE", name))


def postgres_stores(
    schema: str, *, tag: str = "", pool_size: int = 4, **options: Any
) -> StoreFactory:
    """A factory of SQLDgent stores on PostgreSQL in ``schema``, each on an engine of its own
    (law checks run each check on a new event loop, and connections belong to one loop).
    ``tag`` prefixes namespaces, so two factories on one schema never share one."""

    async def fresh(namespace: str) -> DgentProtocol:
        engine = create_async_engine(POSTGRES_URL, pool_size=pool_size)
        return await SQLDgent.open(
            engine, namespace=tag + namespace, schema=schema, dispose_engine=True, **options
        )

    return fresh


def sqlite_stores(path: Path, **options: Any) -> StoreFactory:
    """A factory of SQLDgent stores on one SQLite file, opened by URL."""

    async def fresh(namespace: str) -> DgentProtocol:
        return await open_dgent(f"sqlite+aiosqlite:///{path}", namespace=namespace, **options)

    return fresh


@dataclass(frozen=True)
class Database:
    """A fresh database for one test: an SQLite file, or a PostgreSQL schema that every
    engine made here uses as its default (``search_path``), so tables land in it."""

    url: str
    schema: str | None

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return make_url(self.url).get_backend_name()

    def engine(self, **options: Any) -> AsyncEngine:
        """A new engine on this database (call it inside the event loop that will use it)."""
        if self.schema is not None:
            settings = {"search_path": self.schema}
            options.setdefault("connect_args", {}).setdefault("server_settings", settings)
        return create_async_engine(self.url, **options)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """Each kind of fresh database, one per parametrised run."""
    if request.param == "sqlite":
        return Database(f"sqlite+aiosqlite:///{tmp_path / 'memory.db'}", None)
    schema: str = request.getfixturevalue("postgres_schema")
    return Database(POSTGRES, schema)
