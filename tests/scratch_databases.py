"""Fresh databases for the application-state tests: SQLite files and PostgreSQL databases.

PostgreSQL tests must run in CI (``CI`` set): there an unreachable server fails them; locally
they skip with the reason. ``DUALTRACK_TEST_POSTGRES`` overrides the server URL.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dualtrack.app.migrate import current
from dualtrack.app.scratch import DEFAULT_POSTGRES_SERVER, PostgresScratch, sqlite_files
from dualtrack.errors import BackendUnavailable

POSTGRES_SERVER = os.environ.get("DUALTRACK_TEST_POSTGRES", DEFAULT_POSTGRES_SERVER)

DatabaseFactory = Callable[[], str]


def require_postgres() -> None:
    """Return if the PostgreSQL server answers; otherwise fail in CI, skip elsewhere."""
    try:
        current(POSTGRES_SERVER)
    except BackendUnavailable as error:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"PostgreSQL is required in CI: {error}")
        pytest.skip(f"PostgreSQL not reachable: {error}")


@pytest.fixture
def sqlite_databases(tmp_path: Path) -> DatabaseFactory:
    """URLs of new SQLite files under the test's temporary directory."""
    return sqlite_files(tmp_path / "databases")


@pytest.fixture
def postgres_databases() -> Iterator[PostgresScratch]:
    """New PostgreSQL databases, all dropped after the test."""
    require_postgres()
    with PostgresScratch(POSTGRES_SERVER) as scratch:
        yield scratch


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def databases(request: pytest.FixtureRequest) -> DatabaseFactory:
    """Both kinds of fresh database, one per parametrised run."""
    factory: DatabaseFactory = request.getfixturevalue(f"{request.param}_databases")
    return factory
