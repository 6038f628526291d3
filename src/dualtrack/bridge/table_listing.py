"""The ``SELECT`` of one page of ``TableAdapter.list``: filters, keyset position and order.

Rows are ordered by ``(time column, key)``, which is ``(created_at, id)`` order (see
:mod:`dualtrack.bridge.instants`; integer keys break ties numerically, not as text). The
position of a cursor is the exact time value and key of the last row seen, so pages neither skip
nor repeat a row, even when rows arrive between pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, literal, select, tuple_
from sqlalchemy.sql.util import ClauseAdapter

from dualtrack.bridge.row_codec import RowCodec
from dualtrack.bridge.table_cursor import Position
from dualtrack.errors import InvalidCursor, InvalidRow
from dualtrack.memory.query import ListQuery


def position_of(codec: RowCodec, row: Any) -> Position:
    """The cursor position of ``row``: its time column's ISO text and its datum id."""
    moment = None
    if codec.time_field is not None:
        moment = codec.time_field.kind.normalise(row[codec.time_field.column]).isoformat()
    return moment, codec.key.text(row[codec.key.column])


def _values(codec: RowCodec, position: Position) -> tuple[Any, Any]:
    moment_text, key_text = position
    refused = InvalidCursor("cursor does not name a row position of this table")
    try:
        key = codec.key.value(key_text)
        moment = None
        if codec.time_field is not None:
            if moment_text is None:
                raise refused
            moment = codec.time_field.kind.check(
                datetime.fromisoformat(moment_text), codec.time_field.where
            )
        elif moment_text is not None:
            raise refused
    except (InvalidRow, ValueError):
        raise refused from None
    return moment, key


def page_statement(
    codec: RowCodec, query: ListQuery, position: Position | None, size: int | None, dialect: str
) -> Select[Any]:
    """One more row than ``size`` (to know whether another page follows) after ``position``."""
    key = codec.key.ordered(dialect)
    time = codec.time.column
    conditions: list[ColumnElement[bool]] = []
    if query.prefix is not None:
        conditions.append(codec.key.starts_with(query.prefix, dialect))
    if query.after is not None:
        conditions.append(codec.time.after(query.after))
    if query.before is not None:
        conditions.append(codec.time.before(query.before))
    descending = query.order == "desc"
    if position is not None:
        moment, key_value = _values(codec, position)
        mark = literal(key_value, codec.key.column.type)
        if time is None:
            conditions.append(key < mark if descending else key > mark)
        else:
            here = tuple_(time, key)
            there = tuple_(literal(moment, time.type), mark)
            conditions.append(here < there if descending else here > there)
    ordering = [key] if time is None else [time, key]
    statement = (
        select(codec.table)
        .where(*conditions)
        .order_by(*(column.desc() if descending else column.asc() for column in ordering))
    )
    return statement if size is None else statement.limit(size + 1)


def children_statement(codec: RowCodec, parent: Any, dialect: str) -> Select[Any]:
    """The rows whose parent column holds ``parent``, in ``(created_at, id)`` order."""
    assert codec.parent_field is not None
    key = codec.key.ordered(dialect)
    ordering = [key] if codec.time.column is None else [codec.time.column, key]
    return select(codec.table).where(codec.parent_field.column == parent).order_by(*ordering)


def causal_page_statement(
    codec: RowCodec, position: Position | None, size: int, dialect: str
) -> Select[Any]:
    """One more row than ``size`` after ``position`` in ``(created_at, id)`` order, each with
    ``parent_first``: whether its parent row sorts before it (compared in the database, in the
    order the page uses)."""
    assert codec.parent_field is not None
    table = codec.table
    parent = table.alias("causal_parent")
    key = codec.key.ordered(dialect)
    ordering = [key] if codec.time.column is None else [codec.time.column, key]
    adapter = ClauseAdapter(parent)
    parent_ordering = [adapter.traverse(column) for column in ordering]
    parent_key = parent.c[codec.key.column.name]
    first = and_(parent_key.isnot(None), tuple_(*parent_ordering) < tuple_(*ordering))
    statement = page_statement(codec, ListQuery.of(), position, size, dialect)
    return statement.add_columns(first.label("parent_first")).outerjoin_from(
        table, parent, parent_key == codec.parent_field.column
    )
