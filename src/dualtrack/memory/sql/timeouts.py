"""Bounded waits for ``SQLDgent``: an operation that outlives its timeout fails, typed.

A server that accepts connections and then answers nothing (a silent network, a hung host)
or a lock held by another session would otherwise keep a call waiting for ever. The operation
is cancelled at its deadline, its connection is closed rather than reused, and the caller gets
:class:`~dualtrack.errors.OperationTimedOut` (a ``BackendUnavailable``).

Every bounded operation on an event loop is watched by one timer (:class:`Deadlines`), armed
for the earliest deadline and re-armed when it fires, instead of a timer per operation as
``asyncio.timeout`` sets: scheduling and cancelling that timer cost about a tenth of a point
read's round trip. An operation is cancelled as ``asyncio.timeout`` cancels it, so a
cancellation from elsewhere still propagates unchanged.
"""

from __future__ import annotations

import asyncio
import math
import threading
import weakref
from types import TracebackType
from typing import Any

from dualtrack.errors import InvalidArgument, OperationTimedOut
from dualtrack.memory.limits import check_seconds, shown


def check_timeout(timeout: object) -> float | None:
    """``timeout`` as seconds (a positive, finite number), or ``None`` for no bound.

    >>> check_timeout(2), check_timeout(None)
    (2.0, None)
    """
    if timeout is None:
        return None
    seconds = check_seconds(timeout, "timeout", InvalidArgument)
    if seconds <= 0:
        raise InvalidArgument(f"timeout must be positive seconds or None, got {shown(timeout)}")
    return seconds


def timed(seconds: float | None, where: str, *, writes: bool, on: object = None) -> Timed:
    """Run the block (``with``, inside a task) for at most ``seconds``; past that, raise
    ``OperationTimedOut`` naming ``where`` (and ``on``, rendered only then)."""
    return Timed(seconds, where, writes, on)


class Timed:
    """The context of :func:`timed`: a deadline watched by the loop's :class:`Deadlines`; its
    expiry (or a ``TimeoutError`` from the block) becomes ``OperationTimedOut``. A plain
    ``with`` inside a task: arming a deadline awaits nothing."""

    __slots__ = (
        "_cancelling",
        "_deadlines",
        "_expired",
        "_on",
        "_seconds",
        "_task",
        "_where",
        "_writes",
        "deadline",
    )

    _cancelling: int
    _deadlines: Deadlines
    _expired: bool
    deadline: float

    def __init__(self, seconds: float | None, where: str, writes: bool, on: object) -> None:
        self._seconds = seconds
        self._where = where
        self._writes = writes
        self._on = on
        self._task: asyncio.Task[Any] | None = None  # the rest is set when a deadline is armed

    def __enter__(self) -> None:
        seconds = self._seconds
        if seconds is None:
            return
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("timed() must be used inside a task")
        loop = task.get_loop()
        self._task = task
        self._cancelling = task.cancelling()
        self._expired = False
        self.deadline = loop.time() + seconds
        watcher = self._deadlines = deadlines(loop)
        watcher.watch(self)

    def expire(self) -> None:
        """Cancel the block: its deadline passed (called by :class:`Deadlines`)."""
        assert self._task is not None
        self._expired = True
        self._task.cancel()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        task = self._task
        if task is not None:
            self._deadlines.release(self)
            if (
                self._expired
                and task.uncancel() <= self._cancelling
                and kind is asyncio.CancelledError
            ):
                raise self._timed_out() from error
        if isinstance(error, TimeoutError) and not isinstance(error, OperationTimedOut):
            raise self._timed_out() from error

    def _timed_out(self) -> OperationTimedOut:
        outcome = (
            " The write either committed whole or not at all: datums are idempotent, so "
            "putting them again is safe; re-read a ref before moving it again."
            if self._writes
            else ""
        )
        where = self._where if self._on is None else f"{self._where} on {self._on!r}"
        return OperationTimedOut(
            f"{where} took longer than its timeout of {self._seconds} s: the database "
            f"did not answer (a silent network, or a lock held elsewhere); its connection was "
            f"closed.{outcome} Raise timeout= if the work is legitimately slow"
        )


class Deadlines:
    """The bounded operations running on one event loop, and one timer for the earliest of
    their deadlines: an operation starting or ending costs a dict entry, not a timer."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = weakref.ref(loop)  # not a strong one: the loop owns this, not the reverse
        self._running: dict[Timed, None] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._alarm = math.inf  # when the timer fires

    def watch(self, bounded: Timed) -> None:
        """Cancel ``bounded`` if it is still running at its deadline."""
        self._running[bounded] = None
        if bounded.deadline < self._alarm:
            self._arm(bounded.deadline)

    def release(self, bounded: Timed) -> None:
        """``bounded`` ended: leave it be (the timer may fire for nothing, then re-arms)."""
        self._running.pop(bounded, None)

    def _arm(self, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        loop = self.loop()
        if loop is None:
            return
        self._timer = loop.call_at(when, self._fire)
        self._alarm = when

    def _fire(self) -> None:
        self._timer = None
        self._alarm = math.inf
        loop = self.loop()
        if loop is None:
            return
        now = loop.time()
        earliest = math.inf
        for bounded in list(self._running):
            if bounded.deadline <= now:
                del self._running[bounded]
                bounded.expire()
            else:
                earliest = min(earliest, bounded.deadline)
        if earliest < math.inf:
            self._arm(earliest)


_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Deadlines] = (
    weakref.WeakKeyDictionary()
)
_last = threading.local()  # per thread, the one used last: nearly always the one asked for


def deadlines(loop: asyncio.AbstractEventLoop) -> Deadlines:
    """The :class:`Deadlines` of ``loop`` (made on first use, gone with the loop)."""
    last: Deadlines | None = getattr(_last, "deadlines", None)
    if last is not None and last.loop() is loop:
        return last
    found = _by_loop.get(loop)
    if found is None:
        found = _by_loop[loop] = Deadlines(loop)
    _last.deadlines = found
    return found
