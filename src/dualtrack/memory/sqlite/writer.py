"""One thread owning the write connection: it drains every queued write and commits them together.

aiosqlite hops to a thread for every call (execute, fetch, commit), paying a thread switch
each time. Here a whole write (a put, a batch, a compare-and-set) is one request, and every
request waiting in the queue when the thread wakes shares one ``BEGIN IMMEDIATE`` transaction
and one fsync (group commit). A request checks before it writes, so a refused write leaves
the others of its group untouched. Futures resolve only after the commit returns, so every
acknowledged write is durable (``synchronous=FULL``).

A small write with no other write waiting beside it (:meth:`Writer.write`) commits on the
caller's thread instead, as a plain ``sqlite3`` commit does: two thread hand-offs cost more
than the commit itself on a fast disk, and with nothing to group there is nothing to gain.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualtrack.errors import BackendUnavailable, DualtrackError, StorageReplaced

#: A unit of work run on the write connection inside the group's transaction. It must raise a
#: refusal (a ``DualtrackError``) before it writes anything; any other exception rolls back
#: the group, whose requests then run again one transaction each, so only the failing one fails
#: (savepoints per request would double the cost of every commit, not just of a failing one).
Work = Callable[[sqlite3.Connection], Any]

_MAX_GROUP = 256

_HERE = "here"  # what ``_committed_here`` returns when the write must go to the thread instead


@dataclass(slots=True)
class _Request:
    work: Work
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


def connect(
    path: str, busy_timeout: float, *, read_only: bool = False, existing: bool = False
) -> sqlite3.Connection:
    """A connection with the pragmas every ``SQLiteDgent`` connection uses; ``existing``
    opens only a file that is there (never creating one where the store's file went)."""
    target, uri = (f"{Path(path).absolute().as_uri()}?mode=rw", True) if existing else (path, False)
    connection = sqlite3.connect(
        target, timeout=busy_timeout, isolation_level=None, check_same_thread=False, uri=uri
    )
    connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    if read_only:
        connection.execute("PRAGMA query_only = 1")
    return connection


def identity(path: str) -> tuple[int, int] | None:
    """The file at ``path`` as (device, inode), or ``None`` when there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _locked(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def patiently(connection: sqlite3.Connection, statement: str, busy_timeout: float) -> None:
    """Run ``statement``, retrying while another connection holds the lock, up to
    ``busy_timeout`` seconds beyond SQLite's own busy handler (which can starve a writer)."""
    deadline = time.monotonic() + busy_timeout
    pause = 0.001
    while True:
        try:
            connection.execute(statement)
            return
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() > deadline:
                raise BackendUnavailable(
                    f"could not take the write lock within {busy_timeout} s: {error}"
                ) from error
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


class Writer:
    """The write thread of one store: ``submit`` work, await its result."""

    def __init__(self, path: str, busy_timeout: float, setup: Work, *, inline: bool = True) -> None:
        self._path = path
        self._busy_timeout = busy_timeout
        self._setup = setup
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=f"dgent-writer:{path}", daemon=True)
        self._stopped = False
        self._lock = threading.Lock()
        self._identity: tuple[int, int] | None = None
        self._where = os.path.abspath(path)  # the same file after a chdir
        self._inline = inline
        self._writing = threading.Lock()  # held by whoever writes: the thread or a caller
        self._here: sqlite3.Connection | None = None  # the callers' write connection
        self._wanting = 0  # calls of ``write`` under way
        self._handed = 0  # requests given to the thread and not yet committed

    async def start(self) -> None:
        """Open the connection and run ``setup`` (schema creation) in the thread."""
        self._thread.start()
        await self.submit(self._setup)

    def submit(self, work: Work) -> asyncio.Future[Any]:
        """Queue ``work``; the future resolves once its transaction has committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        with self._lock:
            if self._stopped:
                raise BackendUnavailable("this SQLiteDgent is closed: open a new store")
            self._handed += 1
            self._queue.put(_Request(work, future, loop))
        return future

    async def write(self, work: Work) -> Any:
        """Run ``work`` in a transaction and return its result once committed.

        When no other write is waiting (none under way here, none queued, the thread idle),
        it commits on the caller's thread and the event loop waits for the fsync; otherwise
        it goes to the thread, grouped with the others. The ``sleep(0)`` lets writes started
        together show themselves, and lets other tasks run between a task's writes.
        """
        if not self._inline:
            return await self.submit(work)
        with self._lock:
            self._wanting += 1
        try:
            await asyncio.sleep(0)
            if self._wanting == 1:
                result = self._committed_here(work)
                if result is not _HERE:
                    return result
            return await self.submit(work)
        finally:
            with self._lock:
                self._wanting -= 1

    def _committed_here(self, work: Work) -> Any:
        """``work`` committed on this thread, or ``_HERE`` when it cannot be without waiting
        or going ahead of another write: the thread holds writes not yet committed (queued,
        or taken off the queue), or another process holds the lock."""
        if self._stopped or self._handed or not self._writing.acquire(blocking=False):
            return _HERE
        try:
            connection = self._here or self._open_here()
            if connection is None:
                return _HERE
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if _locked(error):
                    return _HERE
                raise BackendUnavailable(f"SQLite refused the write: {error}") from error
            try:
                self._check_file("refused")
                result = work(connection)
                connection.execute("COMMIT")
            except BaseException as error:
                if connection.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")
                failure = _wrapped(error)
                if failure is error:
                    raise
                raise failure from error
            self._check_file("lost: it went to the file no longer there")
            return result
        finally:
            self._writing.release()

    def _open_here(self) -> sqlite3.Connection | None:
        """The callers' write connection: it never waits for a lock (the thread does that),
        and it must have opened the very file the thread's connection did. Checked before
        opening too: a connection opened on a file moved over the store's, and closed, could
        take the store's own WAL beside it for its own and delete it."""
        if self._stopped or self._identity is None or identity(self._where) != self._identity:
            return None
        try:
            connection = connect(self._where, 0.0, existing=True)
        except sqlite3.Error:  # the file or its folder went: the thread says so, typed
            return None
        if identity(self._where) != self._identity:
            connection.close()
            return None
        self._here = connection
        return connection

    def halt(self) -> None:
        """Refuse new work; the thread finishes queued work, closes its connection and ends."""
        with self._lock:
            if not self._stopped:
                self._stopped = True
                self._queue.put(None)

    async def stop(self) -> None:
        """Finish the writes under way (those waiting to choose where they commit too, for as
        long as one may wait for the file's lock) and queued work, close the connection and
        end the thread."""
        pause, deadline = 0.0, time.monotonic() + self._busy_timeout
        while self._wanting and time.monotonic() < deadline:
            await asyncio.sleep(pause)
            pause = 0.001
        self.halt()
        if self._thread.is_alive():
            await asyncio.to_thread(self._thread.join)

    def _run(self) -> None:
        try:
            connection = connect(self._path, self._busy_timeout)
            patiently(connection, "PRAGMA journal_mode = WAL", self._busy_timeout)
            self._identity = identity(self._where)
        except (sqlite3.Error, BackendUnavailable) as error:
            failure = BackendUnavailable(f"cannot open SQLite file {self._path!r}: {error}")
            self._fail_all(failure)
            return
        try:
            while True:
                first = self._queue.get()
                if first is None:
                    return
                group = [first]
                stop = False
                while len(group) < _MAX_GROUP:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stop = True
                        break
                    group.append(more)
                with self._writing:
                    outcomes = self._commit(connection, group)
                with self._lock:
                    self._handed -= len(group)
                _settle_all(group, outcomes)  # once the lock is free: a woken writer may take it
                if stop:
                    return
        finally:
            connection.close()
            with self._writing:
                if self._here is not None:
                    self._here.close()
                    self._here = None
            self._fail_all(BackendUnavailable("this SQLiteDgent's writer has stopped"))

    def _fail_all(self, failure: BaseException) -> None:
        with self._lock:
            self._stopped = True
        while True:
            try:
                request = self._queue.get_nowait()
            except queue.Empty:
                return
            if request is not None:
                _settle_all([request], [(None, failure)])

    def _commit(
        self, connection: sqlite3.Connection, group: list[_Request]
    ) -> list[tuple[Any, BaseException | None]]:
        """Run ``group`` in one transaction: each request's result or failure, in order."""
        outcomes: list[tuple[Any, BaseException | None]] = []
        try:
            patiently(connection, "BEGIN IMMEDIATE", self._busy_timeout)
            self._check_file("refused")  # before any page reaches the WAL, which goes by name
            for request in group:
                try:
                    result = request.work(connection)
                except DualtrackError as refusal:  # raised before the work wrote anything
                    outcomes.append((None, refusal))
                else:
                    outcomes.append((result, None))
            connection.execute("COMMIT")
            self._check_file("lost: it went to the file no longer there")
        except Exception as error:  # the thread lives on for the next group
            if connection.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            if len(group) > 1 and not isinstance(error, BackendUnavailable):
                # isolate the failing request: the others still commit
                return [self._commit(connection, [request])[0] for request in group]
            return [(None, _wrapped(error))] * len(group)
        return outcomes

    def _check_file(self, fate: str) -> None:
        """Raise unless the file at the store's path is still the one its connection opened.

        Checked once the write lock is held, before anything is written: the WAL beside the
        file is found by name, so a write through the old file's connection would land in
        the WAL of a file moved over it. Checked again after the commit, so that a swap
        during the write is never acknowledged."""
        if self._identity is None or identity(self._where) != self._identity:
            raise StorageReplaced(
                f"the SQLite file {self._path!r} was deleted or replaced while this store "
                f"ran, so the write was {fate}. Close this store and open a new one"
            )


def _wrapped(error: BaseException) -> BaseException:
    if isinstance(error, sqlite3.Error):
        return BackendUnavailable(f"SQLite refused the write: {error}")
    return error


def _settle_all(group: list[_Request], outcomes: list[tuple[Any, BaseException | None]]) -> None:
    """Resolve the futures of a group: one wake-up per event loop, not one per request."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Request, Any, BaseException | None]]] = {}
    for request, (result, failure) in zip(group, outcomes, strict=True):
        by_loop.setdefault(request.loop, []).append((request, result, failure))
    for loop, settled in by_loop.items():
        with contextlib.suppress(RuntimeError):  # raised when the caller's loop has closed
            loop.call_soon_threadsafe(_apply, settled)


def _apply(settled: list[tuple[_Request, Any, BaseException | None]]) -> None:
    for request, result, failure in settled:
        if request.future.done():
            continue
        if failure is None:
            request.future.set_result(result)
        else:
            request.future.set_exception(failure)
