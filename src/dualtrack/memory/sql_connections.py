"""The connections one ``SQLDgent`` holds: checked out of the engine's pool once, then reused.

Checking a connection out of SQLAlchemy's async pool and back costs more than a point read on
a local PostgreSQL server, so a store keeps up to ``limit`` sessions open and lends one to each
operation. A broken session (lost connection, abandoned transaction) is closed, not lent
again; the next operation opens a fresh one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from dualtrack.memory.sql_sessions import Session


class Sessions:
    """Lends sessions made by ``open_session``, at most ``limit`` at a time."""

    def __init__(self, open_session: Callable[[], Awaitable[Session]], limit: int) -> None:
        self._open = open_session
        self._limit = limit
        self._slots: asyncio.Semaphore | None = None
        self._idle: list[Session] = []
        self._closed = False

    @property
    def limit(self) -> int:
        """How many sessions may be open at once."""
        return self._limit

    @contextlib.asynccontextmanager
    async def lend(self) -> AsyncIterator[Session]:
        """A session for one operation; it goes back to the idle set, or is closed if broken."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._limit)
        async with self._slots:
            session = await self._ready()
            try:
                yield session
            except BaseException as error:
                if not isinstance(error, Exception):
                    session.abandon()  # cancelled mid-statement: the driver may still be busy
                raise
            finally:
                if session.broken or self._closed:
                    await session.close()
                else:
                    self._idle.append(session)

    async def _ready(self) -> Session:
        while self._idle:
            session = self._idle.pop()
            if not session.broken:
                return session
            with contextlib.suppress(Exception):
                await session.close()
        return await self._open()

    async def close(self) -> None:
        """Close every idle session; sessions still lent are closed when they come back."""
        self._closed = True
        idle, self._idle = self._idle, []
        for session in idle:
            with contextlib.suppress(Exception):
                await session.close()
