"""``TimeColumn``: a table's time column seen as ``created_at`` float seconds, and time filters.

``created_at`` is the column's microseconds since 1970-01-01 UTC divided by a million (naive
columns are read as UTC), correctly rounded: exact to the microsecond for instants within about
136 years of 1970 (``|t| < 2**32`` seconds), and monotone everywhere, so ordering by the column
orders by ``created_at``. A table without a time column gives every datum ``created_at`` 0.0.
The column stays in the content, so its values round-trip exactly whatever the float keeps.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, ColumnElement, false, true

from dualtrack.bridge.kinds.times import DateTimeKind
from dualtrack.errors import InvalidRow

#: Microseconds of the first and the last datetime (years 1 and 9999), from 1970-01-01.
_FIRST = -62_135_596_800_000_000
_LAST = 253_402_300_799_999_999


def _seconds(micros: int) -> float:
    return micros / 1_000_000


def _first_above(bound: float) -> int:
    """The least microsecond count whose ``created_at`` is greater than ``bound``."""
    guess = math.floor(bound * 1_000_000)
    while _seconds(guess) > bound:
        guess -= 1
    while _seconds(guess) <= bound:
        guess += 1
    return guess


def _last_below(bound: float) -> int:
    """The greatest microsecond count whose ``created_at`` is less than ``bound``."""
    guess = math.ceil(bound * 1_000_000)
    while _seconds(guess) < bound:
        guess += 1
    while _seconds(guess) >= bound:
        guess -= 1
    return guess


class TimeColumn:
    """The time (``time_field``) column of a table, or none (``column`` is ``None``)."""

    def __init__(self, column: Column[Any] | None, kind: DateTimeKind | None) -> None:
        self.column = column
        self.kind = kind

    def created_at(self, value: Any) -> float:
        """The ``created_at`` of a row whose time column holds ``value``."""
        if self.kind is None:
            return 0.0
        return _seconds(self.kind.micros(value))

    def of_created_at(self, created_at: float, where: str) -> Any:
        """The column value for a datum's ``created_at`` (rounded to the microsecond)."""
        assert self.kind is not None
        micros = round(Decimal(created_at) * 1_000_000)
        try:
            return self.kind.at(micros)
        except OverflowError:
            raise InvalidRow(
                f"created_at {created_at!r} is outside the years 1-9999 that {where} can hold"
            ) from None

    def after(self, bound: float) -> ColumnElement[bool]:
        """The condition ``created_at > bound``."""
        if self.column is None or self.kind is None:
            return true() if bound < 0.0 else false()
        if bound < _seconds(_FIRST):
            return true()
        if bound >= _seconds(_LAST):
            return false()
        return self.column >= self.kind.at(_first_above(bound))

    def before(self, bound: float) -> ColumnElement[bool]:
        """The condition ``created_at < bound``."""
        if self.column is None or self.kind is None:
            return true() if bound > 0.0 else false()
        if bound > _seconds(_LAST):
            return true()
        if bound <= _seconds(_FIRST):
            return false()
        return self.column <= self.kind.at(_last_below(bound))
