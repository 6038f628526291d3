"""Kinds of the time column types: datetimes (aware or naive), dates, times and intervals.

An *aware* column (``DateTime(timezone=True)``, or a decorator over it such as
:class:`~dualtrack.app.timestamps.UTCDateTime`) holds instants: a naive datetime is refused,
since it names none, and values are kept in UTC (PostgreSQL returns them so; on SQLite, which
has no time zones, the adapter writes UTC and reads naive values back as UTC). A *naive*
column holds wall-clock times and refuses aware ones rather than dropping their offset.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy.types import TypeEngine

from dualtrack.bridge.kinds.base import Kind, refuse, untag
from dualtrack.errors import InvalidRow

#: The instant 0 of ``created_at``, naive (naive columns are read as UTC wall-clock times).
EPOCH = datetime(1970, 1, 1)

_MICROSECOND = timedelta(microseconds=1)


def _iso(value: Any, tag: str, where: str, wanted: str) -> str:
    text = untag(value, tag, where, wanted)
    if type(text) is not str:
        raise refuse(where, wanted + " as ISO 8601 text", text)
    return text


def to_utc(value: datetime) -> datetime:
    """An aware ``value`` moved to UTC; a naive one (as SQLite returns) read as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class DateTimeKind(Kind):
    """Datetimes spelled ``{"$datetime": ISO 8601}``: aware in UTC, or naive."""

    def __init__(self, aware: bool) -> None:
        self.aware = aware
        self.wanted = "timezone-aware datetimes" if aware else "naive datetimes"

    def check(self, value: Any, where: str) -> datetime:
        """``value`` if its awareness fits the column; aware ones moved to UTC."""
        if not isinstance(value, datetime):
            raise refuse(where, self.wanted, value)
        has_zone = value.utcoffset() is not None
        if self.aware and not has_zone:
            raise InvalidRow(
                f"{where} holds timezone-aware datetimes; got naive {value.isoformat()}, "
                "which names no instant: attach its zone, e.g. value.replace(tzinfo=UTC)"
            )
        if not self.aware and has_zone:
            raise InvalidRow(
                f"{where} holds naive datetimes and would drop the offset of "
                f"{value.isoformat()}: convert it first, e.g. to UTC wall-clock time"
            )
        if not self.aware:
            return value
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise InvalidRow(
                f"{where}: {value.isoformat()} in UTC is outside years 1-9999"
            ) from None

    def decode(self, value: Any, where: str) -> datetime:
        """``{"$datetime": ISO 8601}``."""
        text = _iso(value, "$datetime", where, self.wanted)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise refuse(where, self.wanted + " as ISO 8601 text", text) from None
        return self.check(moment, where)

    def encode(self, value: Any) -> dict[str, str]:
        """``{"$datetime": ISO 8601}``, in UTC for an aware column."""
        return {"$datetime": self.normalise(value).isoformat()}

    def normalise(self, value: Any) -> datetime:
        """An aware column's value in UTC; a naive column's as it is."""
        return to_utc(value) if self.aware else value

    def micros(self, value: datetime) -> int:
        """Microseconds since 1970-01-01 (UTC; naive values read as UTC)."""
        naive = to_utc(value).replace(tzinfo=None) if self.aware else value
        return (naive - EPOCH) // _MICROSECOND

    def at(self, micros: int) -> datetime:
        """The column's value ``micros`` microseconds after 1970-01-01 UTC (``OverflowError``
        outside years 1-9999)."""
        naive = EPOCH + timedelta(microseconds=micros)
        return naive.replace(tzinfo=UTC) if self.aware else naive


class DateKind(Kind):
    """Calendar dates spelled ``{"$date": "YYYY-MM-DD"}`` (a datetime is refused)."""

    wanted = "dates"

    def check(self, value: Any, where: str) -> date:
        """``value`` if it is a date and not a datetime."""
        if not isinstance(value, date) or isinstance(value, datetime):
            raise refuse(where, self.wanted, value)
        return value

    def decode(self, value: Any, where: str) -> date:
        """``{"$date": ISO 8601}``."""
        text = _iso(value, "$date", where, self.wanted)
        try:
            return self.check(date.fromisoformat(text), where)
        except ValueError:
            raise refuse(where, self.wanted + " as ISO 8601 text", text) from None

    def encode(self, value: Any) -> dict[str, str]:
        """``{"$date": ISO 8601}``."""
        return {"$date": value.isoformat()}


class TimeKind(Kind):
    """Naive times of day spelled ``{"$time": "HH:MM:SS[.ffffff]"}``."""

    wanted = "naive times of day"

    def check(self, value: Any, where: str) -> time:
        """``value`` if it is a naive time."""
        if not isinstance(value, time) or value.tzinfo is not None:
            raise refuse(where, self.wanted, value)
        return value

    def decode(self, value: Any, where: str) -> time:
        """``{"$time": ISO 8601}``."""
        text = _iso(value, "$time", where, self.wanted)
        try:
            return self.check(time.fromisoformat(text), where)
        except ValueError:
            raise refuse(where, self.wanted + " as ISO 8601 text", text) from None

    def encode(self, value: Any) -> dict[str, str]:
        """``{"$time": ISO 8601}``."""
        return {"$time": value.isoformat()}


class IntervalKind(Kind):
    """Durations spelled ``{"$timedelta": whole microseconds}``. SQLite stores an interval as
    the datetime 1970-01-01 plus the interval, so there it must keep that within years 1-9999;
    PostgreSQL's ``interval`` holds every ``timedelta``."""

    def __init__(self, bounded: bool = True) -> None:
        self.bounded = bounded
        self.wanted = (
            "a timedelta that keeps 1970-01-01 plus it within years 1-9999"
            if bounded
            else "a timedelta"
        )

    def check(self, value: Any, where: str) -> timedelta:
        """``value`` if it is a timedelta within range."""
        if not isinstance(value, timedelta):
            raise refuse(where, self.wanted, value)
        if self.bounded:
            try:
                EPOCH + value
            except OverflowError:
                raise refuse(where, self.wanted, value) from None
        return value

    def decode(self, value: Any, where: str) -> timedelta:
        """``{"$timedelta": microseconds}``."""
        count = untag(value, "$timedelta", where, self.wanted)
        if type(count) is not int:
            raise refuse(where, "a whole number of microseconds", count)
        try:
            span = timedelta(microseconds=count)
        except OverflowError:
            raise refuse(where, self.wanted, count) from None
        return self.check(span, where)

    def encode(self, value: Any) -> dict[str, int]:
        """``{"$timedelta": microseconds}``."""
        return {"$timedelta": value // _MICROSECOND}

    def on(self, dialect: str | None, stored: TypeEngine[Any]) -> Kind:
        """A native ``interval`` (PostgreSQL's; SQLite emulates one with a datetime) holds
        every timedelta."""
        if dialect == "postgresql" and not isinstance(stored, sqltypes.DateTime):
            return IntervalKind(bounded=False)
        return self
