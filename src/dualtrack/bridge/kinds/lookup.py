"""``kind_for(column, dialect)``: the :class:`~dualtrack.bridge.kinds.base.Kind` of a column's
type, with the rules of the database it is stored in (portable rules without one).

Supported: ``Boolean``, the integer types, ``Float``/``Double``/``REAL``, ``Numeric``, ``String``
and its kin (``Text``, ``Unicode``, ``CHAR``), ``Enum`` (with or without a Python enum class),
``Uuid``, ``LargeBinary``, ``DateTime`` (naive or aware), ``Date``, naive ``Time``,
``Interval`` and ``JSON`` (``JSONB`` included), also behind a ``TypeDecorator`` whose Python
values are its implementation's. Anything else raises
:class:`~dualtrack.errors.UnsupportedColumn` when the adapter is made, never at a write.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Column
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from dualtrack.bridge.kinds.base import Kind
from dualtrack.bridge.kinds.json_values import JsonKind, json_parameter
from dualtrack.bridge.kinds.scalars import (
    BooleanKind,
    BytesKind,
    ChoiceKind,
    DecimalKind,
    EnumKind,
    FloatKind,
    IntegerKind,
    StringKind,
    UuidKind,
)
from dualtrack.bridge.kinds.storage import dialect_named, storage_type
from dualtrack.bridge.kinds.times import DateKind, DateTimeKind, IntervalKind, TimeKind
from dualtrack.errors import UnsupportedColumn

_INTEGER_BOUNDS: tuple[tuple[type[sqltypes.Integer], int], ...] = (
    (sqltypes.SmallInteger, 2**15 - 1),
    (sqltypes.BigInteger, 2**63 - 1),
)


def _integer(type_: sqltypes.Integer) -> Kind:
    for kind, bound in _INTEGER_BOUNDS:
        if isinstance(type_, kind):
            return IntegerKind(bound)
    return IntegerKind(2**31 - 1)


def _float(type_: sqltypes.Float[Any]) -> Kind:
    if type_.asdecimal:
        return DecimalKind(None, None)
    single = isinstance(type_, sqltypes.REAL) or (
        type_.precision is not None and type_.precision <= 24
    )
    return FloatKind(single)


def _enum(type_: sqltypes.Enum) -> Kind:
    enum_class = type_.enum_class
    if isinstance(enum_class, type) and issubclass(enum_class, enum.Enum):
        return EnumKind(enum_class)
    return ChoiceKind(tuple(type_.enums))


def kind_of_type(type_: TypeEngine[Any], where: str) -> Kind:
    """The kind of ``type_``; ``where`` names the column in the error for unsupported types."""
    if isinstance(type_, sqltypes.Interval):
        return IntervalKind()
    if isinstance(type_, TypeDecorator):
        return kind_of_type(type_.impl_instance, where)
    kind = _plain_kind(type_)
    if kind is None:
        raise UnsupportedColumn(
            f"{where} has type {type_!r}, which TableAdapter cannot carry in datum content; "
            "supported: booleans, numbers, text, enums, UUIDs, bytes, dates and times, "
            "intervals and JSON (see dualtrack.bridge.kinds.lookup)"
        )
    return kind


def _plain_kind(type_: TypeEngine[Any]) -> Kind | None:
    if isinstance(type_, sqltypes.Boolean):
        return BooleanKind()
    if isinstance(type_, sqltypes.Date):
        return DateKind()
    if isinstance(type_, sqltypes.JSON):
        return JsonKind(not type_.none_as_null)
    if isinstance(type_, sqltypes.Enum):
        return _enum(type_)
    if isinstance(type_, sqltypes.Uuid):
        return UuidKind(bool(type_.as_uuid))
    if isinstance(type_, sqltypes.Integer):
        return _integer(type_)
    if isinstance(type_, sqltypes.Float):
        return _float(type_)
    if isinstance(type_, sqltypes.Numeric):
        if type_.asdecimal:
            return DecimalKind(type_.precision, type_.scale)
        return FloatKind(False, type_.precision, type_.scale)
    if isinstance(type_, sqltypes.DateTime):
        return DateTimeKind(bool(type_.timezone))
    if isinstance(type_, sqltypes.Time) and not type_.timezone:
        return TimeKind()
    if isinstance(type_, sqltypes._Binary):
        return BytesKind(type_.length)
    if isinstance(type_, sqltypes.String):
        return StringKind(type_.length, isinstance(type_, sqltypes.CHAR | sqltypes.NCHAR))
    return None


def kind_for(column: Column[Any], dialect: Dialect | None = None, where: str | None = None) -> Kind:
    """The kind of ``column``'s type (see the module docstring for what is supported), with the
    rules of ``dialect`` (``None``: portable rules, which keep what every database keeps);
    ``where`` names the column in errors."""
    kind = kind_of_type(column.type, where or f"column {column.table.name}.{column.name}")
    if dialect is None:
        return kind.on(None, storage_type(column.type, dialect_named("sqlite")))
    kind = kind.on(dialect.name, storage_type(column.type, dialect))
    if isinstance(kind, JsonKind) and json_parameter(column.type, dialect.name) is None:
        kind = kind.floats_as_text()
    return kind
