"""Running coroutines to completion from synchronous code, even inside a running event loop.

Alembic's commands and the migration laws are synchronous; dualtrack's engines are async. A
:class:`BlockingRunner` drives coroutines on a loop of its own: in the calling thread when no
loop runs there, or in a private worker thread when one does (a notebook, an async test), since
a loop cannot be re-entered. One runner keeps one loop, so an engine can serve several calls.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")


class BlockingRunner:
    """A private event loop that :meth:`run` blocks on; use it as a context manager.

    >>> async def answer() -> int:
    ...     return 42
    >>> with BlockingRunner() as runner:
    ...     runner.run(answer())
    42
    """

    def __init__(self) -> None:
        self._runner: asyncio.Runner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> BlockingRunner:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            self._runner = asyncio.Runner()
            return self
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(
            target=_serve, args=(loop,), name="dualtrack-blocking-runner", daemon=True
        )
        self._thread.start()
        return self

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the private loop and return its result (or raise its error)."""
        if self._runner is not None:
            return self._runner.run(coroutine)
        if self._loop is None:
            coroutine.close()
            raise RuntimeError("BlockingRunner.run called outside its with block")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop = None
            self._thread = None


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to completion from synchronous code, wherever that code runs."""
    with BlockingRunner() as runner:
        return runner.run(coroutine)


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()
