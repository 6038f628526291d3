"""Keyset pagination: opaque cursors naming the last ``(created_at, id)`` seen, and ``Page``.

A cursor is a position, not a credential: it is not signed, and grants nothing the same
``list()`` call could not return. It is tied to its query and namespace, which refuse it
elsewhere."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from dualtrack.errors import InvalidCursor
from dualtrack.memory.datum import Datum
from dualtrack.memory.limits import shown
from dualtrack.memory.query import ListQuery

Position = tuple[float, str]


def pack(query: ListQuery, fields: dict[str, Any]) -> str:
    """An opaque token holding ``fields`` for ``query``: urlsafe base64 of compact JSON."""
    body = json.dumps(
        {"q": query.fingerprint(), **fields}, ensure_ascii=False, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(body.encode()).decode("ascii")


def unpack(
    query: ListQuery, cursor: str, valid: Callable[[dict[str, Any]], bool], issuer: str
) -> dict[str, Any]:
    """The fields :func:`pack` put in ``cursor`` for ``query``, or :class:`InvalidCursor` when
    it is no token ``issuer`` made (``valid`` checks the fields) or names other filters."""
    if type(cursor) is not str:
        raise InvalidCursor(f"cursor must be a str from a previous page, got {shown(cursor)}")
    refused = InvalidCursor(f"cursor {cursor[:60]!r} is not one {issuer} returned")
    try:
        fields = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise refused from None
    if type(fields) is not dict or "q" not in fields or not valid(fields):
        raise refused
    if fields["q"] != query.fingerprint():
        raise InvalidCursor(
            "cursor belongs to a list() call with other filters or order, or to another "
            "namespace: pass it to the same store with the same prefix, after, before, "
            "metadata and order as the call that returned it"
        )
    return fields


def encode_cursor(query: ListQuery, last: Datum) -> str:
    """An opaque token for the page after ``last`` in ``query``."""
    return pack(query, {"t": last.created_at, "i": last.id})


def _is_position(fields: dict[str, Any]) -> bool:
    return (
        set(fields) == {"q", "t", "i"}
        and type(fields["t"]) is float
        and math.isfinite(fields["t"])
        and type(fields["i"]) is str
    )


def decode_cursor(query: ListQuery, cursor: str | None) -> Position | None:
    """The ``(created_at, id)`` a cursor points after, or :class:`InvalidCursor`.

    >>> decode_cursor(ListQuery.of(), "not a cursor")
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidCursor: cursor 'not a cursor' is not one this store returned
    """
    if cursor is None:
        return None
    fields = unpack(query, cursor, _is_position, "this store")
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
