"""How ``SQLDgent`` reads database errors: which to retry, and what to tell the user.

A *transient* error means the database rolled the whole transaction back to keep it
serializable (SQLSTATE ``40001``, a deadlock ``40P01``, SQLite's busy or locked file): the
operation had no effect, so running it again is safe. Any other database error, and a lost
connection, becomes :class:`~dualtrack.errors.BackendUnavailable` naming the cause.
"""

from __future__ import annotations

import asyncio
import random

from dualtrack.errors import BackendUnavailable
from dualtrack.urls import masked

#: SQLSTATEs after which the transaction was rolled back and may simply run again.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})

#: How many times an operation runs again after a transient error before giving up.
MAX_RETRIES = 30

_FIRST_PAUSE = 0.001
_LONGEST_PAUSE = 0.1


def _chain(error: BaseException) -> list[BaseException]:
    """``error``, what SQLAlchemy wrapped (``orig``) and its causes, without loops."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not known for known in seen):
        seen.append(current)
        wrapped = getattr(current, "orig", None)
        current = wrapped if isinstance(wrapped, BaseException) else current.__cause__
    return seen


def describe(error: BaseException) -> str:
    """The driver's own error (beneath SQLAlchemy's wrappers) as ``Class: message``.

    >>> describe(ConnectionRefusedError(111, "Connect call failed"))
    'ConnectionRefusedError: [Errno 111] Connect call failed'
    """
    cause = _chain(error)[-1]
    return f"{type(cause).__name__}: {str(cause).strip().rstrip('.')}"


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE a PostgreSQL driver attached to ``error`` (or what it wraps), if any."""
    for part in _chain(error):
        code = getattr(part, "sqlstate", None) or getattr(part, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` rolled its transaction back for concurrency alone (safe to retry).

    >>> import sqlite3
    >>> is_transient(sqlite3.OperationalError("database is locked"))
    True
    >>> is_transient(sqlite3.OperationalError("no such table: x"))
    False
    """
    if sqlstate(error) in TRANSIENT_SQLSTATES:
        return True
    for part in _chain(error):
        if type(part).__name__ == "OperationalError" and type(part).__module__ == "sqlite3":
            message = str(part).lower()
            return "locked" in message or "busy" in message
    return False


def confused(error: BaseException) -> bool:
    """Whether ``error`` says the driver's connection is in a state it cannot go on from
    (asyncpg's ``InternalClientError`` or ``InterfaceError``): close it, never reuse it.

    >>> confused(OSError("reset"))
    False
    """
    return any(
        type(part).__module__.startswith("asyncpg")
        and type(part).__name__ in ("InternalClientError", "InterfaceError")
        for part in _chain(error)
    )


async def pause(attempt: int) -> None:
    """Wait a random, growing time before retry ``attempt`` (so racing writers spread out)."""
    longest = min(_LONGEST_PAUSE, _FIRST_PAUSE * 2 ** min(attempt, 10))
    await asyncio.sleep(random.uniform(0, longest))


def failed(where: str, error: BaseException, *, lost: bool, wrote: bool) -> BackendUnavailable:
    """The error for a database failure during ``where``.

    ``lost`` says the connection died; ``wrote`` that the operation writes, so its outcome
    may be unknown (a commit the server finished before the connection dropped).
    """
    if lost and wrote:
        advice = (
            "the connection was lost mid-write: the write either committed whole or not at "
            "all. Datums are idempotent, so putting them again is safe; re-read a ref before "
            "moving it again"
        )
    elif lost:
        advice = "the connection was lost; new connections will be opened on the next call"
    else:
        advice = "check that the database runs and its tables are SQLDgent's"
    return BackendUnavailable(f"{where} failed: {describe(error)}. {advice}")


def unreachable(url: object, error: BaseException) -> BackendUnavailable:
    """The error for a database that cannot be connected to, naming it without its password."""
    return BackendUnavailable(
        f"cannot connect to {masked(url)}: {describe(error)}. Check that the "
        "server runs, the database exists and the URL (or DUALTRACK_MEMORY_URL) is right"
    )
