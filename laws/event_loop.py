"""``with_event_loop``: run a law check's body with an ``asyncio.Runner`` private to it.

Law checks are plain sync functions called from ordinary ``def test_...`` functions; the
runner gives every example's coroutine one loop for the whole check.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from laws.private_loop import refuse_running_loop

T = TypeVar("T")


def with_event_loop(body: Callable[[asyncio.Runner], T]) -> T:
    """Call ``body`` with a fresh runner, closed afterwards; refused inside a running loop.

    >>> async def two():
    ...     return 2
    >>> with_event_loop(lambda runner: runner.run(two()))
    2
    """
    refuse_running_loop()
    with asyncio.Runner() as runner:
        return body(runner)
