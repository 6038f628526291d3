"""The connections one ``SQLDgent`` holds: checked out of the engine's pool once, then reused.

Checking a connection out of SQLAlchemy's async pool and back costs more than a point read on
a local PostgreSQL server, so a store keeps up to ``limit`` sessions open and lends one to each
operation. A broken session (lost connection, abandoned transaction) is closed, not lent
again; the next operation opens a fresh one.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from dualtrack.memory.sql.sessions import Session


class Sessions:
    """Lends sessions made by ``open_session``, at most ``limit`` at a time, first come first
    served: a caller waits in line only while every slot is lent, and a slot given back goes
    straight to the first in line."""

    def __init__(self, open_session: Callable[[], Awaitable[Session]], limit: int) -> None:
        self._open = open_session
        self._limit = limit
        self._lent = 0
        self._line: collections.deque[asyncio.Future[None]] = collections.deque()
        self._idle: list[Session] = []
        self._closing: set[asyncio.Task[None]] = set()
        self._closed = False

    def idle(self) -> Session | None:
        """An idle session lent at once, when a slot is free (then no one waits in line) and
        a session idles: a point read takes this path, with no await; else ``None``, and
        :meth:`borrow` it is."""
        if self._lent >= self._limit:
            return None
        session = self._take_idle()
        if session is not None:
            self._lent += 1
        return session

    async def borrow(self) -> Session:
        """A session for one operation: an idle one, or a new one; hand it back with
        :meth:`give_back` whatever happens."""
        await self._slot()
        try:
            return self._take_idle() or await self._open()
        except BaseException:
            self._free()
            raise

    def _take_idle(self) -> Session | None:
        """The most recently used idle session that still works (broken ones are closed)."""
        idle = self._idle
        while idle:
            session = idle.pop()
            if not session.broken:
                return session
            self._discard(session)
        return None

    async def _slot(self) -> None:
        """Take a slot, waiting in line while all are lent."""
        if self._lent < self._limit:
            self._lent += 1
            return
        turn = asyncio.get_running_loop().create_future()
        self._line.append(turn)
        try:
            await turn  # the slot of whoever wakes us passes to us
        except BaseException:
            if turn.done() and not turn.cancelled():
                self._free()  # handed a slot, then cancelled: pass it on
            elif turn in self._line:  # a slot freed meanwhile may have dropped it already
                self._line.remove(turn)
            raise

    def _free(self) -> None:
        """Pass a slot to the first in line, or leave it free."""
        line = self._line
        while line:
            turn = line.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self._lent -= 1

    def give_back(self, session: Session, *, interrupted: bool = False) -> None:
        """Return ``session`` after use; ``interrupted`` when its operation was cut off (a
        cancelled statement may leave the driver busy), which closes it."""
        if interrupted:
            session.abandon()
        if session.broken or self._closed:
            self._discard(session)
        else:
            self._idle.append(session)
        self._free()

    @contextlib.asynccontextmanager
    async def lend(self) -> AsyncIterator[Session]:
        """:meth:`borrow` and :meth:`give_back` around a block."""
        session = await self.borrow()
        try:
            yield session
        except BaseException as error:
            self.give_back(session, interrupted=not isinstance(error, Exception))
            raise
        self.give_back(session)

    def _discard(self, session: Session) -> None:
        task = asyncio.get_running_loop().create_task(session.close())
        self._closing.add(task)
        task.add_done_callback(_forget)
        task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        """Close every idle session and wait for closes under way; sessions still lent are
        closed when they come back."""
        self._closed = True
        idle, self._idle = self._idle, []
        for session in idle:
            self._discard(session)
        while self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)

    def drop(self) -> None:
        """Take every idle session out of the engine's pool untouched: their event loop has
        gone (see :meth:`Session.drop`)."""
        self._closed = True
        idle, self._idle = self._idle, []
        for session in idle:
            session.drop()


def _forget(task: asyncio.Task[None]) -> None:
    """Closing a broken connection may fail; that failure is of no further interest."""
    if not task.cancelled():
        task.exception()
