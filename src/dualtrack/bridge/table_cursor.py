"""Keyset cursors of ``TableAdapter.list``: the exact time column value and key of a page's
last row (not ``created_at``, a float that may round), tied to the query that made them."""

from __future__ import annotations

from typing import Any

from dualtrack.memory.cursor import pack, unpack
from dualtrack.memory.query import ListQuery

#: Where a page ended: the time column's canonical ISO text (``None`` without one), and the id.
Position = tuple[str | None, str]


def encode_position(query: ListQuery, position: Position) -> str:
    """An opaque token for the rows after ``position`` in ``query``.

    >>> token = encode_position(ListQuery.of(), ("2024-01-01T00:00:00", "a"))
    >>> decode_position(ListQuery.of(), token)
    ('2024-01-01T00:00:00', 'a')
    """
    moment, key = position
    return pack(query, {"t": moment, "k": key})


def _is_position(fields: dict[str, Any]) -> bool:
    return (
        set(fields) == {"q", "t", "k"}
        and type(fields["k"]) is str
        and (fields["t"] is None or type(fields["t"]) is str)
    )


def decode_position(query: ListQuery, cursor: str | None) -> Position | None:
    """Where ``cursor`` points after, or :class:`InvalidCursor` for anything it cannot be.

    >>> decode_position(ListQuery.of(), "nope")
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidCursor: cursor 'nope' is not one this table adapter returned
    """
    if cursor is None:
        return None
    fields = unpack(query, cursor, _is_position, "this table adapter")
    return fields["t"], fields["k"]
