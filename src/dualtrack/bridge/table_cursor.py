"""Keyset cursors of ``TableAdapter.list``: the exact time column value and key of a page's
last row (not ``created_at``, a float that may round), tied to the query that made them."""

from __future__ import annotations

import base64
import binascii
import json

from dualtrack.errors import InvalidCursor
from dualtrack.memory.query import ListQuery

#: Where a page ended: the time column's canonical ISO text (``None`` without one), and the id.
Position = tuple[str | None, str]


def encode_position(query: ListQuery, position: Position) -> str:
    """An opaque token for the rows after ``position`` in ``query`` (urlsafe base64 of JSON).

    >>> token = encode_position(ListQuery.of(), ("2024-01-01T00:00:00", "a"))
    >>> decode_position(ListQuery.of(), token)
    ('2024-01-01T00:00:00', 'a')
    """
    moment, key = position
    body = json.dumps(
        {"q": query.fingerprint(), "t": moment, "k": key},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(body.encode("utf-8")).decode("ascii")


def decode_position(query: ListQuery, cursor: str | None) -> Position | None:
    """Where ``cursor`` points after, or :class:`InvalidCursor` for anything it cannot be.

    >>> decode_position(ListQuery.of(), "nope")
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidCursor: cursor 'nope' is not one this table adapter returned
    """
    if cursor is None:
        return None
    if type(cursor) is not str:
        raise InvalidCursor(f"cursor must be a str from a previous page, got {cursor!r}")
    refused = InvalidCursor(f"cursor {cursor[:60]!r} is not one this table adapter returned")
    try:
        fields = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise refused from None
    if (
        type(fields) is not dict
        or set(fields) != {"q", "t", "k"}
        or type(fields["k"]) is not str
        or not (fields["t"] is None or type(fields["t"]) is str)
    ):
        raise refused
    if fields["q"] != query.fingerprint():
        raise InvalidCursor(
            "cursor belongs to a list() call with other filters or order: pass the same "
            "prefix, after, before, metadata and order as the call that returned it"
        )
    return fields["t"], fields["k"]
