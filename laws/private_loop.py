"""The private event loop a law check of async things runs its examples on.

Law checks are plain sync functions: call them from ordinary ``def test_...`` functions. Each
check opens one event loop, runs every example's coroutine on it, and closes it at the end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

RunAsync = Callable[[Coroutine[Any, Any, T]], T]


def refuse_running_loop() -> None:
    """Raise ``RuntimeError`` if called from code already running in an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(
        "law checks run their own event loop: call them from a sync test (def test_...), "
        "not from a coroutine or an async test"
    )


@contextmanager
def event_loop() -> Iterator[RunAsync[Any]]:
    """Yield a function that runs a coroutine to completion on a loop private to this check.

    >>> async def two():
    ...     return 2
    >>> with event_loop() as run_async:
    ...     run_async(two())
    2
    """
    refuse_running_loop()
    with asyncio.Runner() as runner:
        yield runner.run
