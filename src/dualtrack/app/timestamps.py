"""A timestamp column type that keeps the instant, and its time zone awareness, on every database.

PostgreSQL has ``timestamp with time zone``; SQLite has no time zones, and SQLAlchemy's SQLite
``DATETIME`` silently drops the offset of an aware datetime, shifting the stored instant.
:class:`UTCDateTime` stores UTC on both and reads back an aware datetime in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from dualtrack.errors import InvalidRow

#: Databases whose ``DateTime(timezone=True)`` keeps the instant of an aware datetime.
_ZONE_AWARE_DIALECTS = frozenset({"postgresql"})


def utc_now() -> datetime:
    """The current instant, aware, in UTC (a column default)."""
    return datetime.now(UTC)


def require_aware(value: datetime, column: str) -> datetime:
    """``value`` if it names an instant (has a UTC offset); otherwise :class:`InvalidRow`.

    >>> require_aware(datetime(2024, 1, 1), "created_at")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidRow: created_at needs a timezone-aware datetime, got naive 2024-01-01...
    """
    if not isinstance(value, datetime) or value.utcoffset() is None:
        kind = "naive" if isinstance(value, datetime) else type(value).__name__
        raise InvalidRow(
            f"{column} needs a timezone-aware datetime, got {kind} {value}; "
            "attach a zone, e.g. value.replace(tzinfo=UTC) if it is UTC"
        )
    return value


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime column: stored as UTC, read back aware in UTC, the same instant.

    A naive datetime is refused with :class:`InvalidRow`, since it names no instant.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        """UTC for the database: aware where it keeps zones, naive UTC where it does not."""
        if value is None:
            return None
        instant = require_aware(value, "a UTCDateTime column").astimezone(UTC)
        if dialect.name in _ZONE_AWARE_DIALECTS:
            return instant
        return instant.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """The stored instant, aware, in UTC."""
        if value is None:
            return None
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


class utc_timestamp(FunctionElement[datetime]):
    """The database's current time as a server default, to the finest precision it offers.

    PostgreSQL's ``now()`` has microseconds; SQLite's ``CURRENT_TIMESTAMP`` only seconds, so on
    SQLite this is ``strftime('%Y-%m-%d %H:%M:%f', 'now')`` (milliseconds, UTC).
    """

    type = UTCDateTime()
    inherit_cache = True


@compiles(utc_timestamp)
def _current_timestamp(element: utc_timestamp, compiler: SQLCompiler, **kw: Any) -> str:
    return "CURRENT_TIMESTAMP"


@compiles(utc_timestamp, "postgresql")
def _postgresql_now(element: utc_timestamp, compiler: SQLCompiler, **kw: Any) -> str:
    return "now()"


@compiles(utc_timestamp, "sqlite")
def _sqlite_milliseconds(element: utc_timestamp, compiler: SQLCompiler, **kw: Any) -> str:
    return "(strftime('%Y-%m-%d %H:%M:%f', 'now'))"
