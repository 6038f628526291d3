"""The event loop a store lives on, and how sync and async callers reach it without deadlock.

SQL stores hold connections bound to the loop that opened them. Async callers on that loop run
directly; callers on another loop hand the coroutine over; sync callers block on it, which is
refused (typed) when the caller's own thread runs that loop, since it could never finish.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from dualtrack.errors import LoopUnavailable

T = TypeVar("T")


class HomeLoop:
    """The store's loop: the one running at construction, a private thread's, or, with
    neither, a private one started at the first blocking call."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None, thread: threading.Thread | None):
        self._loop = loop
        self._thread = thread

    @classmethod
    def current(cls) -> HomeLoop:
        """The loop running in this thread, if any."""
        try:
            return cls(asyncio.get_running_loop(), None)
        except RuntimeError:
            return cls(None, None)

    @classmethod
    def private(cls) -> HomeLoop:
        """A new loop serving in a daemon thread of its own."""
        home = cls(None, None)
        home._start()
        return home

    def _start(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=serve, name="dualtrack-langgraph", daemon=True)
        self._thread.start()
        ready.wait()
        self._loop = loop
        return loop

    async def visit(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Await ``coroutine`` on the home loop from any running loop."""
        loop = self._loop
        if loop is None or loop is asyncio.get_running_loop():
            return await coroutine
        if loop.is_closed() or not loop.is_running():
            coroutine.close()
            raise LoopUnavailable(
                "the store's event loop has stopped (it was opened in an earlier asyncio.run, "
                "or its loop no longer runs), so nothing can reach it: open the saver on the "
                "loop that uses it, or with DualtrackSaver.connect(url), which keeps its own loop"
            )
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, loop))

    def block(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the home loop and wait for its result in this thread."""
        loop = self._loop or self._start()
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop or loop.is_closed() or not loop.is_running():
            coroutine.close()
            raise LoopUnavailable(
                "the store's event loop runs in this thread (or has stopped), so a sync "
                "checkpoint call cannot wait on it: use the async methods (graph.ainvoke), or "
                "open the saver with DualtrackSaver.connect(url), which keeps its own loop"
            )
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result()

    def stop(self) -> None:
        """Stop the private loop, if this home started one."""
        if self._thread is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._thread = None
            self._loop = None
