"""Hypothesis strategies for the rows of any SQLAlchemy table, derived from its column types.

:func:`rows_for` works on declared models (``Model.__table__``) and on reflected tables alike,
so a law can fill a database whose schema it only knows by reflection. Rows respect what the
database enforces and the types say: nullability, string and binary lengths, numeric precision
and scale, integer widths, enum members, unique keys (primary key, unique constraints and
indexes) and foreign keys (pointing at rows given in ``present``, or earlier rows of the same
batch for a self reference). Check constraints and triggers are not known; give a strategy for
such a column in ``overrides``.

>>> from hypothesis import given
>>> from sqlalchemy import Column, Integer, MetaData, String, Table
>>> notes = Table("notes", MetaData(), Column("id", Integer, primary_key=True),
...               Column("title", String(20), nullable=False))
>>> @given(rows_for(notes, min_size=2))
... def fits(rows):
...     assert len({row["id"] for row in rows}) == len(rows) >= 2
...     assert all(isinstance(row["title"], str) and len(row["title"]) <= 20 for row in rows)
>>> fits()
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st
from sqlalchemy import Column, ForeignKeyConstraint, Table, UniqueConstraint
from sqlalchemy import types as sqltypes
from sqlalchemy.types import TypeDecorator, TypeEngine

from dualtrack.errors import UnsupportedColumn

#: Rows already stored, by table name: keeps keys unique and gives foreign keys targets.
Present = Mapping[str, Sequence[Mapping[str, Any]]]

#: Characters every database stores in text: no NUL (PostgreSQL refuses it), no surrogates.
TEXT_CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")

#: Longest string or byte string generated for a column that declares no length.
UNBOUNDED_LENGTH = 64

_INTEGER_BOUNDS = {
    sqltypes.SmallInteger: 2**15 - 1,
    sqltypes.BigInteger: 2**63 - 1,
}
# PostgreSQL keeps zone offsets within 15:59 of UTC (real ones lie within -12:00 and +14:00).
_FIXED_OFFSETS = st.integers(-(16 * 60 - 1), 16 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_JSON_TEXT = st.text(TEXT_CHARACTERS, max_size=16)
# Integers within 2**53 and floats within 1e15 survive every JSON store exactly (PostgreSQL's
# jsonb keeps numbers as decimals and prints huge ones without an exponent).
_JSON_SCALARS = (
    st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    | _JSON_TEXT
)
_JSON_VALUES = st.recursive(
    st.none() | _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_JSON_TEXT, inner, max_size=4),
    max_leaves=8,
)
_JSON_DOCUMENTS = (
    _JSON_SCALARS
    | st.lists(_JSON_VALUES, max_size=4)
    | st.dictionaries(_JSON_TEXT, _JSON_VALUES, max_size=4)
)


def values_for_type(type_: TypeEngine[Any], where: str = "a column") -> st.SearchStrategy[Any]:
    """Non-null values of ``type_``; ``where`` names the column in the error for unknown types.

    >>> from hypothesis import given
    >>> from sqlalchemy import Numeric
    >>> @given(values_for_type(Numeric(5, 2)))
    ... def within_precision(value):
    ...     assert abs(value) < 1000 and value.as_tuple().exponent == -2
    >>> within_precision()
    """
    if isinstance(type_, sqltypes.Interval):
        return st.timedeltas(timedelta(days=-(10**5)), timedelta(days=10**5))
    if isinstance(type_, TypeDecorator):
        return values_for_type(type_.impl_instance, where)
    if isinstance(type_, sqltypes.Boolean):
        return st.booleans()
    if isinstance(type_, sqltypes.Enum):
        return _enum_members(type_, where)
    if isinstance(type_, sqltypes.Uuid):
        return st.uuids() if type_.as_uuid else st.uuids().map(str)
    if isinstance(type_, sqltypes.Integer):
        bound = next(
            (limit for kind, limit in _INTEGER_BOUNDS.items() if isinstance(type_, kind)),
            2**31 - 1,
        )
        return st.integers(-bound, bound)
    if isinstance(type_, sqltypes.Float):
        return _floats(type_)
    if isinstance(type_, sqltypes.Numeric):
        return _decimals(type_)
    if isinstance(type_, sqltypes.DateTime):
        return st.datetimes(
            min_value=datetime(1, 1, 2),
            max_value=datetime(9999, 12, 30),
            timezones=_FIXED_OFFSETS if type_.timezone else st.none(),
        )
    if isinstance(type_, sqltypes.Date):
        return st.dates()
    if isinstance(type_, sqltypes.Time):
        return st.times(timezones=_FIXED_OFFSETS if type_.timezone else st.none())
    if isinstance(type_, sqltypes._Binary):
        return st.binary(max_size=type_.length or UNBOUNDED_LENGTH)
    if isinstance(type_, sqltypes.JSON):
        return _JSON_DOCUMENTS
    if isinstance(type_, sqltypes.ARRAY) and (type_.dimensions or 1) == 1:
        return st.lists(values_for_type(type_.item_type, where), max_size=4)
    if isinstance(type_, sqltypes.String):
        return _strings(type_)
    raise UnsupportedColumn(
        f"no row strategy for {where} of type {type_!r}; pass one in overrides, "
        "e.g. rows_for(table, overrides={'column': strategy})"
    )


def values_for(column: Column[Any]) -> st.SearchStrategy[Any]:
    """Values for one column: its type's values, and ``None`` too when it is nullable."""
    values = values_for_type(column.type, _name(column))
    return st.none() | values if column.nullable and not column.primary_key else values


def rows_for(
    table: Table,
    *,
    min_size: int = 0,
    max_size: int = 5,
    present: Present | None = None,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of rows (dicts by column name) that can be inserted into ``table`` together.

    ``present`` holds rows already stored, by table name: new rows never repeat their unique
    keys, and foreign keys point at them. Columns the database fills itself (computed, or
    ``GENERATED ALWAYS`` identities) are left out. Unknown column types raise
    :class:`UnsupportedColumn` at once; ``overrides`` gives a strategy per column name.
    """
    stored: Present = present or {}
    chosen = dict(overrides or {})
    unknown = sorted(set(chosen) - set(table.columns.keys()))
    if unknown:
        raise UnsupportedColumn(f"overrides names columns {unknown} that {table.name} lacks")
    # Table.constraints is a set: order the references by column so draws replay identically.
    references = sorted(
        (
            constraint
            for constraint in table.constraints
            if isinstance(constraint, ForeignKeyConstraint)
        ),
        key=lambda constraint: [list(table.columns).index(c) for c in constraint.columns],
    )
    referencing = {column.name for constraint in references for column in constraint.columns}
    filled = [column for column in table.columns if _filled_by_rows(column)]
    strategies = {
        column.name: chosen[column.name] if column.name in chosen else values_for(column)
        for column in filled
        if column.name not in referencing
    }
    keys = _unique_keys(table, {column.name for column in filled})

    @st.composite
    def rows(draw: st.DrawFn) -> list[dict[str, Any]]:
        earlier = [dict(row) for row in stored.get(table.name, ())]
        taken = {key: {_key_of(row, key) for row in earlier} - {None} for key in keys}
        wanted = draw(st.integers(min_size, max_size))
        batch: list[dict[str, Any]] = []
        for _attempt in range(3 * wanted):
            if len(batch) == wanted:
                break
            row = {name: draw(strategy) for name, strategy in strategies.items()}
            for constraint in references:
                row.update(draw(_reference(table, constraint, stored, earlier + batch, chosen)))
            row_keys = {key: _key_of(row, key) for key in keys}
            if any(value in taken[key] for key, value in row_keys.items()):
                continue
            for key, value in row_keys.items():
                if value is not None:
                    taken[key].add(value)
            batch.append(row)
        if len(batch) < min_size:
            reject()
        return batch

    return rows()


def _reference(
    table: Table,
    constraint: ForeignKeyConstraint,
    stored: Present,
    same_table: Sequence[Mapping[str, Any]],
    chosen: Mapping[str, st.SearchStrategy[Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    local = [element.parent.name for element in constraint.elements]
    if any(name in chosen for name in local):
        return st.fixed_dictionaries({name: chosen[name] for name in local if name in chosen})
    remote = [element.column.name for element in constraint.elements]
    target = constraint.referred_table.name
    candidates = same_table if target == table.name else stored.get(target, ())
    choices = sorted(
        {
            tuple(row[name] for name in remote)
            for row in candidates
            if all(row.get(name) is not None for name in remote)
        },
        key=repr,
    )
    nullable = all(table.columns[name].nullable for name in local)
    if not choices and not nullable:
        raise UnsupportedColumn(
            f"cannot make rows for {table.name}: {', '.join(local)} must reference a row of "
            f"{target}, and none is given; pass present={{{target!r}: [...]}} with its rows"
        )
    options: st.SearchStrategy[tuple[Any, ...]] = (
        st.sampled_from(choices) if choices else st.nothing()
    )
    if nullable:
        options = st.just((None,) * len(local)) | options
    return options.map(lambda values: dict(zip(local, values, strict=True)))


def _filled_by_rows(column: Column[Any]) -> bool:
    identity = column.identity
    return column.computed is None and not (identity is not None and identity.always)


def _unique_keys(table: Table, filled: set[str]) -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = [tuple(column.name for column in table.primary_key.columns)]
    keys += [
        tuple(column.name for column in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    keys += [
        tuple(column.name for column in index.columns)
        for index in table.indexes
        if index.unique and len(index.columns) == len(index.expressions)
    ]
    keys += [(column.name,) for column in table.columns if column.unique]
    unique = dict.fromkeys(key for key in keys if key and set(key) <= filled)
    return list(unique)


def _key_of(row: Mapping[str, Any], key: tuple[str, ...]) -> tuple[Any, ...] | None:
    values = tuple(row.get(name) for name in key)
    if any(value is None for value in values):
        return None
    return tuple(_hashable(value) for value in values)


def _hashable(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True)
    return value


def _name(column: Column[Any]) -> str:
    table = getattr(column, "table", None)
    return f"column {table.name}.{column.name}" if table is not None else f"column {column.name}"


def _enum_members(type_: sqltypes.Enum, where: str) -> st.SearchStrategy[Any]:
    members: Sequence[Any] = (
        list(type_.enum_class)
        if isinstance(type_.enum_class, type) and issubclass(type_.enum_class, enum.Enum)
        else list(type_.enums)
    )
    if not members:
        raise UnsupportedColumn(f"{where} is an enum without members; nothing to generate")
    return st.sampled_from(members)


def _floats(type_: sqltypes.Float[Any]) -> st.SearchStrategy[Any]:
    single = isinstance(type_, sqltypes.REAL) or (
        type_.precision is not None and type_.precision <= 24
    )
    floats = st.floats(
        allow_nan=False, allow_infinity=False, allow_subnormal=False, width=32 if single else 64
    )
    return floats.map(Decimal) if type_.asdecimal else floats


def _decimals(type_: sqltypes.Numeric[Any]) -> st.SearchStrategy[Any]:
    precision, scale = type_.precision, type_.scale
    if precision is None:
        places = 4 if scale is None else scale
        bound = Decimal(10) ** 9
    else:
        places = scale or 0
        bound = Decimal(10) ** (precision - places) - Decimal(10) ** -places
    decimals = st.decimals(
        min_value=-bound, max_value=bound, places=places, allow_nan=False, allow_infinity=False
    )
    return decimals if type_.asdecimal else decimals.map(float)


def _strings(type_: sqltypes.String) -> st.SearchStrategy[str]:
    text = st.text(TEXT_CHARACTERS, max_size=type_.length or UNBOUNDED_LENGTH)
    if isinstance(type_, sqltypes.CHAR):
        # Fixed-width text pads with spaces and ignores trailing ones when comparing.
        return text.map(lambda value: value.rstrip(" "))
    return text
