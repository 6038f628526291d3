"""Bounded waits for ``SQLDgent``: an operation that outlives its timeout fails, typed.

A server that accepts connections and then answers nothing (a silent network, a hung host)
or a lock held by another session would otherwise keep a call waiting for ever. The operation
is cancelled at its deadline, its connection is closed rather than reused, and the caller gets
:class:`~dualtrack.errors.OperationTimedOut` (a ``BackendUnavailable``).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator

from dualtrack.errors import InvalidArgument, OperationTimedOut


def check_timeout(timeout: object) -> float | None:
    """``timeout`` as seconds (a positive, finite number), or ``None`` for no bound.

    >>> check_timeout(2), check_timeout(None)
    (2.0, None)
    """
    if timeout is None:
        return None
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise InvalidArgument(
            f"timeout must be a positive number of seconds or None, got {timeout!r}"
        )
    return float(timeout)


@contextlib.asynccontextmanager
async def timed(seconds: float | None, where: str, *, writes: bool) -> AsyncIterator[None]:
    """Run the block for at most ``seconds``; past that, raise ``OperationTimedOut``."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError as error:
        if isinstance(error, OperationTimedOut):
            raise
        outcome = (
            " The write either committed whole or not at all: datums are idempotent, so "
            "putting them again is safe; re-read a ref before moving it again."
            if writes
            else ""
        )
        raise OperationTimedOut(
            f"{where} took longer than its timeout of {seconds} s: the database did not "
            f"answer (a silent network, or a lock held elsewhere); its connection was "
            f"closed.{outcome} Raise timeout= if the work is legitimately slow"
        ) from error
