"""Hypothesis strategies for the rows of any SQLAlchemy table, derived from its column types.

:func:`rows_for` works on declared models (``Model.__table__``) and on reflected tables alike,
so a law can fill a database whose schema it only knows by reflection. Rows respect what the
database enforces and the types say: nullability, string and binary lengths, numeric precision
and scale, integer widths, enum members, unique keys (primary key, unique constraints and
indexes) and foreign keys (pointing at rows given in ``present``, or earlier rows of the same
batch for a self reference; ``references`` adds such links that no foreign key declares).
Check constraints and triggers are not known; give a strategy for such a column in
``overrides``.

Which values, for which database:

* ``dialect=None`` (the default): values every database dualtrack knows (SQLite, PostgreSQL)
  stores and reads back exactly, as their column types declare;
* ``dialect="sqlite"`` or ``"postgresql"``: values that database keeps exactly, including
  those only it keeps (a NUL character in SQLite text and JSON, or in PostgreSQL ``json``;
  trailing spaces in an SQLite ``CHAR``; 20-digit decimals in a PostgreSQL ``NUMERIC``, which
  SQLite keeps as a float; intervals of any length on PostgreSQL);
* ``exact=False``: everything plain ORM code may write there, which the database may change as
  it stores it (SQLite rounds a ``NUMERIC`` beyond about 15 digits and lets text outgrow its
  length, PostgreSQL rounds a ``REAL`` to 32 bits and pads a ``CHAR``): the rows a table holds
  in the wild, for laws about reading what is there.

Values that are equal in Python but not in JSON (``1``, ``1.0`` and ``True``; ``0``, ``0.0``,
``-0.0`` and ``False``) are drawn on purpose, in JSON documents and float columns, so a law
comparing with ``==`` cannot hide a changed type.

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
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Literal

from hypothesis import reject
from hypothesis import strategies as st
from sqlalchemy import Column, ForeignKeyConstraint, Table, UniqueConstraint
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

from dualtrack.bridge.kinds.storage import KNOWN_DIALECTS, dialect_named, storage_type
from dualtrack.errors import UnsupportedColumn

#: Rows already stored, by table name: keeps keys unique and gives foreign keys targets.
Present = Mapping[str, Sequence[Mapping[str, Any]]]

#: Characters every database stores in text: no NUL (PostgreSQL refuses it), no surrogates.
TEXT_CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")

#: Characters SQLite also stores: NUL too.
_NUL_CHARACTERS = st.characters(exclude_categories=["Cs"]) | st.just("\x00")


#: Letters with a case, and a space, for text that a trim or a change of case would rewrite.
_CASED = st.sampled_from("aZé Ñq")


def _worked(max_size: int) -> st.SearchStrategy[str]:
    """Text padded with spaces around mixed-case letters: whatever trims or folds case on the
    way (a migration environment rewriting rows, a codec) changes it, so laws see it."""
    return st.text(_CASED, min_size=1, max_size=max_size - 3).map(lambda core: f" {core}Z ")


def _texts(nul: bool, max_size: int) -> st.SearchStrategy[str]:
    """Text of at most ``max_size`` characters, often padded mixed-case text (drawn on
    purpose); with ``nul``, often holding a NUL character (an arbitrary character is rarely
    one). The padded text comes first, so it is also the simplest text drawn: the example
    hypothesis tries first holds text that any trimming or case folding rewrites."""
    anything = st.text(TEXT_CHARACTERS, max_size=max_size)
    if nul:
        anything = st.text(_NUL_CHARACTERS, max_size=max_size) | anything
        if max_size >= 1:
            halves = st.text(_NUL_CHARACTERS, max_size=(max_size - 1) // 2)
            anything = anything | st.builds(
                lambda left, right: f"{left}\x00{right}", halves, halves
            )
    if max_size < 4:
        return anything
    return _worked(max_size) | anything


#: Longest string or byte string generated for a column that declares no length.
UNBOUNDED_LENGTH = 64

#: Values equal under ``==`` but of different JSON types, drawn often on purpose.
COLLIDING = st.sampled_from([0, 1, -1, 0.0, 1.0, -0.0, -1.0, True, False])

_INTEGER_BOUNDS = {
    sqltypes.SmallInteger: 2**15 - 1,
    sqltypes.BigInteger: 2**63 - 1,
}
# PostgreSQL keeps zone offsets within 15:59 of UTC (real ones lie within -12:00 and +14:00).
_FIXED_OFFSETS = st.integers(-(16 * 60 - 1), 16 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
# The least normal 32-bit float, rounded up.
_SINGLE_TINY = 1.2e-38
# SQLite keeps a NUMERIC as a 64-bit float: decimals of at most 15 significant digits survive.
_FLOAT_DIGITS = 15


@dataclass(frozen=True)
class _Target:
    """The databases values must fit, and whether they must come back unchanged."""

    databases: tuple[str, ...]
    exact: bool

    @classmethod
    def of(cls, dialect: str | None, exact: bool) -> _Target:
        if dialect is None:
            return cls(KNOWN_DIALECTS, exact)
        if dialect not in KNOWN_DIALECTS:
            raise UnsupportedColumn(
                f"rows_for knows the databases {', '.join(KNOWN_DIALECTS)}; got {dialect!r} "
                "(pass dialect=None for values every one of them keeps)"
            )
        return cls((dialect,), exact)

    @property
    def sqlite_only(self) -> bool:
        return self.databases == ("sqlite",)

    def stored(self, type_: TypeEngine[Any]) -> dict[str, TypeEngine[Any]]:
        """What each database stores ``type_`` as."""
        return {name: storage_type(type_, dialect_named(name)) for name in self.databases}


def values_for_type(
    type_: TypeEngine[Any],
    where: str = "a column",
    *,
    dialect: str | None = None,
    exact: bool = True,
) -> st.SearchStrategy[Any]:
    """Non-null values of ``type_`` for ``dialect`` (see the module docstring); ``where`` names
    the column in the error for unknown types.

    >>> from hypothesis import given
    >>> from sqlalchemy import Numeric
    >>> @given(values_for_type(Numeric(5, 2)))
    ... def within_precision(value):
    ...     assert abs(value) < 1000 and value.as_tuple().exponent == -2
    >>> within_precision()
    """
    return _values(type_, type_, where, _Target.of(dialect, exact))


def _values(
    declared: TypeEngine[Any], column_type: TypeEngine[Any], where: str, target: _Target
) -> st.SearchStrategy[Any]:
    """Values of ``declared`` (the Python side of ``column_type``, which says how each
    database stores them)."""
    if isinstance(declared, sqltypes.Interval):
        return _intervals(column_type, target)
    if isinstance(declared, TypeDecorator):
        return _values(declared.impl_instance, column_type, where, target)
    if isinstance(declared, sqltypes.Boolean):
        return st.booleans()
    if isinstance(declared, sqltypes.Enum):
        return _enum_members(declared, where)
    if isinstance(declared, sqltypes.Uuid):
        return st.uuids() if declared.as_uuid else st.uuids().map(str)
    if isinstance(declared, sqltypes.Integer):
        return _integers(declared, target)
    if isinstance(declared, sqltypes.Float):
        return _floats(declared, target)
    if isinstance(declared, sqltypes.Numeric):
        return _decimals(declared, column_type, target)
    if isinstance(declared, sqltypes.DateTime):
        return st.datetimes(
            min_value=datetime(1, 1, 2),
            max_value=datetime(9999, 12, 30),
            timezones=_FIXED_OFFSETS if declared.timezone else st.none(),
        )
    if isinstance(declared, sqltypes.Date):
        return st.dates()
    if isinstance(declared, sqltypes.Time):
        return st.times(timezones=_FIXED_OFFSETS if declared.timezone else st.none())
    if isinstance(declared, sqltypes._Binary):
        return _binary(declared, target)
    if isinstance(declared, sqltypes.JSON):
        return _json_documents(column_type, target)
    if isinstance(declared, sqltypes.ARRAY) and (declared.dimensions or 1) == 1:
        item = declared.item_type
        return st.lists(_values(item, item, where, target), max_size=4)
    if isinstance(declared, sqltypes.String):
        return _strings(declared, target)
    raise UnsupportedColumn(
        f"no row strategy for {where} of type {declared!r}; pass one in overrides, "
        "e.g. rows_for(table, overrides={'column': strategy})"
    )


def values_for(
    column: Column[Any], *, dialect: str | None = None, exact: bool = True
) -> st.SearchStrategy[Any]:
    """Values for one column: its type's values, and ``None`` too when it is nullable."""
    values = values_for_type(column.type, _name(column), dialect=dialect, exact=exact)
    return st.none() | values if column.nullable and not column.primary_key else values


def rows_for(
    table: Table,
    *,
    min_size: int = 0,
    max_size: int = 5,
    present: Present | None = None,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    references: Mapping[str, str] | None = None,
    dialect: str | None = None,
    exact: bool = True,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of rows (dicts by column name) that can be inserted into ``table`` together.

    ``present`` holds rows already stored, by table name: new rows never repeat their unique
    keys, and foreign keys point at them. ``references`` maps a column to a column of the same
    table it points at without a foreign key (a parent column by naming convention): it takes
    ``None`` or an earlier row's value. Columns the database fills itself (computed, or
    ``GENERATED ALWAYS`` identities) are left out. Unknown column types raise
    :class:`UnsupportedColumn` at once; ``overrides`` gives a strategy per column name.
    ``dialect`` and ``exact`` choose the values (see the module docstring).
    """
    stored: Present = present or {}
    chosen = dict(overrides or {})
    linked = dict(references or {})
    unknown = sorted((set(chosen) | set(linked) | set(linked.values())) - set(table.columns.keys()))
    if unknown:
        raise UnsupportedColumn(
            f"overrides or references name columns {unknown} that {table.name} lacks"
        )
    # Table.constraints is a set: order the references by column so draws replay identically.
    declared = sorted(
        (
            constraint
            for constraint in table.constraints
            if isinstance(constraint, ForeignKeyConstraint)
        ),
        key=lambda constraint: [list(table.columns).index(c) for c in constraint.columns],
    )
    links = [
        _Link(
            tuple(element.parent.name for element in constraint.elements),
            tuple(element.column.name for element in constraint.elements),
            constraint.referred_table.name,
        )
        for constraint in declared
    ]
    links += [_Link((local,), (remote,), table.name) for local, remote in sorted(linked.items())]
    referencing = {name for link in links for name in link.local}
    filled = [column for column in table.columns if _filled_by_rows(column)]
    strategies = {
        column.name: chosen[column.name]
        if column.name in chosen
        else values_for(column, dialect=dialect, exact=exact)
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
            for link in links:
                row.update(draw(_reference(table, link, stored, earlier + batch, chosen)))
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


@dataclass(frozen=True)
class _Link:
    """Columns that take the values of columns of a row of ``target`` (a foreign key)."""

    local: tuple[str, ...]
    remote: tuple[str, ...]
    target: str


def _reference(
    table: Table,
    link: _Link,
    stored: Present,
    same_table: Sequence[Mapping[str, Any]],
    chosen: Mapping[str, st.SearchStrategy[Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    local = list(link.local)
    if any(name in chosen for name in local):
        return st.fixed_dictionaries({name: chosen[name] for name in local if name in chosen})
    candidates = same_table if link.target == table.name else stored.get(link.target, ())
    choices = sorted(
        {
            tuple(row[name] for name in link.remote)
            for row in candidates
            if all(row.get(name) is not None for name in link.remote)
        },
        key=repr,
    )
    nullable = all(table.columns[name].nullable for name in local)
    if not choices and not nullable:
        raise UnsupportedColumn(
            f"cannot make rows for {table.name}: {', '.join(local)} must reference a row of "
            f"{link.target}, and none is given; pass present={{{link.target!r}: [...]}} with "
            "its rows"
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


def _integers(type_: sqltypes.Integer, target: _Target) -> st.SearchStrategy[int]:
    bound = next(
        (limit for kind, limit in _INTEGER_BOUNDS.items() if isinstance(type_, kind)),
        2**31 - 1,
    )
    if target.sqlite_only and not target.exact:
        # SQLite keeps 64 bits in every INTEGER column, whatever it declares.
        return st.integers(-bound, bound) | st.integers(-(2**63) + 1, 2**63 - 1)
    return st.integers(-bound, bound)


def _single(type_: TypeEngine[Any]) -> bool:
    """Whether a float type keeps 32 bits (``REAL``, or a precision of at most 24 bits)."""
    return isinstance(type_, sqltypes.Float) and (
        isinstance(type_, sqltypes.REAL) or (type_.precision is not None and type_.precision <= 24)
    )


def _read_places(stored: TypeEngine[Any]) -> int:
    """The places SQLAlchemy reads a float back as a decimal with (its return scale)."""
    for name in ("decimal_return_scale", "scale"):
        places = getattr(stored, name, None)
        if places is not None:
            return int(places)
    return 10


def _floats(type_: sqltypes.Float[Any], target: _Target) -> st.SearchStrategy[Any]:
    # SQLite's REAL holds 64 bits, PostgreSQL's 32 (and refuses a float beyond their range,
    # or too close to zero for one).
    single = _single(type_) and not target.sqlite_only
    if single and not target.exact:
        floats = st.floats(-3.4e38, 3.4e38).map(
            lambda value: value if abs(value) >= _SINGLE_TINY else 0.0
        )
    else:
        width: Literal[32, 64] = 32 if single else 64
        floats = st.floats(
            allow_nan=False, allow_infinity=False, allow_subnormal=False, width=width
        )
    floats = COLLIDING.filter(lambda value: type(value) is float) | floats
    if not type_.asdecimal:
        return floats
    # Read back as the float's decimal to a fixed number of places: draw those decimals.
    places = _read_places(type_)
    kept = floats.map(lambda value: Decimal(f"{value:.{places}f}"))
    return kept if target.exact else kept | floats.map(Decimal)


def _float_stored(column_type: TypeEngine[Any], target: _Target) -> bool:
    """Whether a database of the target keeps this NUMERIC as a float (SQLite does)."""
    stored = target.stored(column_type)
    return "sqlite" in stored and isinstance(stored["sqlite"], sqltypes.Numeric)


def _decimals(
    type_: sqltypes.Numeric[Any], column_type: TypeEngine[Any], target: _Target
) -> st.SearchStrategy[Any]:
    precision, scale = type_.precision, type_.scale
    if precision is None:
        places = 4 if scale is None else scale
        bound = Decimal(10) ** 9
    else:
        places = scale or 0
        bound = Decimal(10) ** (precision - places) - Decimal(10) ** -places
    as_float = _float_stored(column_type, target)
    if as_float and target.exact:
        bound = min(bound, Decimal(10) ** (_FLOAT_DIGITS - places) - Decimal(10) ** -places)
    decimals = st.decimals(
        min_value=-bound, max_value=bound, places=places, allow_nan=False, allow_infinity=False
    )
    if not target.exact:
        # More places than the scale (the database rounds them), and, where a float holds
        # the column, numbers of every size it holds.
        decimals |= st.decimals(
            min_value=-bound, max_value=bound, places=places + 2, allow_nan=False
        )
        if as_float and target.sqlite_only:
            # Numbers of every size the float holds, and, on purpose, more significant
            # digits than it keeps (it comes back changed: rounded, with noise digits).
            wide = Decimal(10) ** (precision or 20)
            decimals |= st.decimals(min_value=-wide, max_value=wide, places=places)
            most = 10 ** max(precision or 20, _FLOAT_DIGITS + 1) - 1
            digits = st.integers(10**_FLOAT_DIGITS, most) | st.integers(-most, -(10**_FLOAT_DIGITS))
            decimals |= digits.map(lambda number: Decimal(number).scaleb(-places))
    return decimals if type_.asdecimal else decimals.map(float)


def _intervals(column_type: TypeEngine[Any], target: _Target) -> st.SearchStrategy[timedelta]:
    stored = target.stored(column_type).values()
    if all(not isinstance(kind, sqltypes.DateTime) for kind in stored):
        # A native interval (PostgreSQL's) holds every timedelta.
        return st.timedeltas()
    # SQLite keeps 1970-01-01 plus the interval, within years 1-9999.
    return st.timedeltas(timedelta(days=-(10**5)), timedelta(days=10**5))


def _binary(type_: sqltypes._Binary, target: _Target) -> st.SearchStrategy[bytes]:
    longest = type_.length or UNBOUNDED_LENGTH
    if target.sqlite_only and not target.exact:
        longest += 8  # SQLite checks no length
    return st.binary(max_size=longest)


def _strings(type_: sqltypes.String, target: _Target) -> st.SearchStrategy[str]:
    longest = type_.length or UNBOUNDED_LENGTH
    if target.sqlite_only and not target.exact:
        longest += 8  # SQLite checks no length
    text = _texts(target.sqlite_only, longest)
    if not isinstance(type_, sqltypes.CHAR):
        return text
    if target.exact and not target.sqlite_only:
        # Fixed-width text pads with spaces and ignores trailing ones when comparing.
        return text.map(lambda value: value.rstrip(" "))
    # SQLite keeps trailing spaces; PostgreSQL pads, and cuts spaces beyond the length.
    shorter = _texts(target.sqlite_only, max(longest - 1, 0))
    return text | shorter.map(lambda value: value + " ")


def _json_documents(column_type: TypeEngine[Any], target: _Target) -> st.SearchStrategy[Any]:
    """JSON documents the target's JSON columns keep (see the module docstring)."""
    stored = target.stored(column_type)
    jsonb = any(isinstance(kind, JSONB) for kind in stored.values())
    one_database = len(target.databases) == 1
    # A NUL character and floats of 1e16 or more: jsonb refuses the one and makes the others
    # integers; json and SQLite keep both (the portable rules keep neither).
    nul = one_database and not jsonb
    big_floats = one_database and (not jsonb or not target.exact)
    text = _texts(nul, 16)
    bound = 1e300 if big_floats else 1e15
    # Integers within 2**53 and floats within 1e15 survive every JSON store exactly (jsonb
    # keeps numbers as decimals and prints a float of 1e16 or more as an integer).
    scalars = (
        COLLIDING
        | st.booleans()
        | st.integers(-(2**53), 2**53)
        | st.floats(-bound, bound, allow_nan=False, allow_infinity=False, allow_subnormal=False)
        | text
    )
    values = st.recursive(
        st.none() | scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
        max_leaves=8,
    )
    documents = scalars | st.lists(values, max_size=4) | st.dictionaries(text, values, max_size=4)
    if not target.exact or "sqlite" not in stored:
        return documents
    # SQLite stores a bare number as an SQL number: an integral float comes back an integer,
    # and a float written as text is reparsed, not always into itself.
    return documents.filter(lambda document: type(document) is not float)
