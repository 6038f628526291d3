"""Keyset pagination: opaque cursors naming the last ``(created_at, id)`` seen, and ``Page``."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from dualtrack.errors import InvalidCursor
from dualtrack.memory.datum import Datum
from dualtrack.memory.query import ListQuery

Position = tuple[float, str]


def encode_cursor(query: ListQuery, last: Datum) -> str:
    """An opaque token for the page after ``last`` in ``query`` (urlsafe base64 of JSON)."""
    body = json.dumps(
        {"q": query.fingerprint(), "t": last.created_at, "i": last.id},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(body.encode()).decode("ascii")


def decode_cursor(query: ListQuery, cursor: str | None) -> Position | None:
    """The ``(created_at, id)`` a cursor points after, or :class:`InvalidCursor`.

    >>> decode_cursor(ListQuery.of(), "not a cursor")
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidCursor: cursor 'not a cursor' is not one this store returned
    """
    if cursor is None:
        return None
    if type(cursor) is not str:
        raise InvalidCursor(f"cursor must be a str from a previous page, got {cursor!r}")
    try:
        fields = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise InvalidCursor(f"cursor {cursor[:60]!r} is not one this store returned") from None
    if (
        type(fields) is not dict
        or set(fields) != {"q", "t", "i"}
        or type(fields["t"]) is not float
        or not math.isfinite(fields["t"])
        or type(fields["i"]) is not str
    ):
        raise InvalidCursor(f"cursor {cursor[:60]!r} is not one this store returned")
    if fields["q"] != query.fingerprint():
        raise InvalidCursor(
            "cursor belongs to a list() call with other filters or order: pass the same "
            "prefix, after, before, metadata and order as the call that returned it"
        )
    return (fields["t"], fields["i"])


@dataclass(frozen=True, slots=True)
class Page(Sequence[Datum]):
    """One page of ``list()``: the datums, and ``cursor`` for the next page (``None`` at the end).

    >>> page = Page((), None)
    >>> len(page), page.cursor
    (0, None)
    """

    items: tuple[Datum, ...]
    cursor: str | None

    @overload
    def __getitem__(self, index: int) -> Datum: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Datum]: ...

    def __getitem__(self, index: int | slice) -> Datum | Sequence[Datum]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Datum]:
        return iter(self.items)

    @classmethod
    def cut(cls, query: ListQuery, rows: Sequence[Datum], limit: int | None) -> Page:
        """The page from ``rows`` fetched with one extra row: a cursor only if more follow."""
        if limit is None or len(rows) <= limit:
            return cls(tuple(rows), None)
        kept = tuple(rows[:limit])
        return cls(kept, encode_cursor(query, kept[-1]))
