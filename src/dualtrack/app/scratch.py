"""Fresh, empty databases on demand, for laws and tests that migrate one per example.

:func:`sqlite_files` names new SQLite files in a directory; :class:`PostgresScratch` creates new
PostgreSQL databases on a server and drops every one it made when closed. Both are the
``database`` factory the migration laws take.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from sqlalchemy import text

from dualtrack.app.blocking import run_blocking
from dualtrack.app.engines import async_url, begin, open_engine

#: The server's maintenance database, from which scratch databases are created and dropped.
DEFAULT_POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def sqlite_files(directory: str | Path) -> Callable[[], str]:
    """A factory of URLs of new SQLite files in ``directory`` (created by their first use)."""
    folder = Path(directory)

    def new_database() -> str:
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{(folder / f'scratch-{uuid.uuid4().hex}.db').as_posix()}"

    return new_database


class PostgresScratch:
    """Creates empty databases on a PostgreSQL server; :meth:`close` drops all it created.

    Call it for the URL of a new database. Names are ``dualtrack_scratch_<random hex>``, made
    here and quoted by the dialect, never taken from input.
    """

    def __init__(self, server: str = DEFAULT_POSTGRES_SERVER) -> None:
        self._server = async_url(server)
        self._created: list[str] = []

    def __call__(self) -> str:
        """The URL of a new, empty database."""
        name = f"dualtrack_scratch_{uuid.uuid4().hex}"
        run_blocking(self._execute("CREATE DATABASE {}", name))
        self._created.append(name)
        return self._server.set(database=name).render_as_string(hide_password=False)

    async def create_async(self) -> str:
        """:meth:`__call__` for async code."""
        name = f"dualtrack_scratch_{uuid.uuid4().hex}"
        await self._execute("CREATE DATABASE {}", name)
        self._created.append(name)
        return self._server.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        """Drop every database this scratch created, disconnecting whoever still uses one."""
        run_blocking(self.close_async())

    async def close_async(self) -> None:
        """:meth:`close` for async code."""
        while self._created:
            await self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)", self._created.pop())

    def __enter__(self) -> PostgresScratch:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    async def _execute(self, statement: str, name: str) -> None:
        engine = open_engine(self._server, isolation_level="AUTOCOMMIT")
        try:
            quoted = engine.dialect.identifier_preparer.quote(name)
            async with begin(engine) as connection:
                await connection.execute(text(statement.format(quoted)))
        finally:
            await engine.dispose()
