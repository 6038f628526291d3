"""``RowCodec``: rows of a mapped model as datums, and datums as rows, refusing what does not fit.

A codec holds the rules of one database (``dialect=``), so it refuses only what that database
cannot hold, and every row read from the table can be written back to it; without one it
keeps the portable rules, which every database dualtrack knows can hold.

The parent column is, by default, the one column with a foreign key to the key column, or,
with none, the one nullable column named ``causal_parent`` or ``parent_id`` holding keys of
the key's type; more than one candidate is refused, naming them (pass ``parent_field=``).

A row becomes a datum: ``id`` is the key column's text, ``causal_parent`` the parent column's,
``created_at`` the time column's (see :mod:`dualtrack.bridge.instants`), ``metadata`` the
source tags, and ``content`` the UTF-8 JSON object of every other column, by mapped attribute
name in table order, each value in its kind's canonical spelling (see
:mod:`dualtrack.bridge.kinds.base`). Content that went through the table is a fixed point.

A datum becomes a row only if it fits: content must be a JSON object (no duplicate keys, no
NaN) naming only the model's columns, each value of its column's kind, every column the
database cannot fill given, and the model's ``@validates`` hooks must accept the values. The key
and parent columns may be given in content, but must then agree with ``id`` and
``causal_parent``; a time column left out is filled from ``created_at``. Anything else is an
:class:`~dualtrack.errors.InvalidRow` naming the datum and the column.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Column, Table, bindparam, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeEngine

from dualtrack.bridge.instants import TimeColumn
from dualtrack.bridge.keys import KeyColumn
from dualtrack.bridge.kinds.base import Kind
from dualtrack.bridge.kinds.json_values import JsonKind, json_parameter
from dualtrack.bridge.kinds.lookup import kind_for
from dualtrack.bridge.kinds.scalars import UuidKind
from dualtrack.bridge.kinds.storage import dialect_named
from dualtrack.bridge.kinds.times import DateTimeKind
from dualtrack.errors import DualtrackError, InvalidArgument, InvalidRow, UnsupportedColumn
from dualtrack.memory.datum import Datum, check_id
from dualtrack.memory.metadata import Metadata

#: ``metadata["source"]`` of every datum a table gives.
SOURCE = "alembic"

#: A field option: the attribute's name, ``None`` for none, or ``"auto"`` to detect it.
FieldChoice = str | None | Literal["auto"]

#: Column names that make a parent column by convention, when no foreign key points at the key.
PARENT_NAMES = ("causal_parent", "parent_id")


@dataclass(frozen=True)
class Field:
    """One mapped column: its attribute name (the content key), column and kind."""

    attr: str
    column: Column[Any]
    kind: Kind
    where: str
    fills_itself: bool
    #: The type to bind values with, when not the column's own (see ``json_parameter``).
    parameter: TypeEngine[Any] | None = None

    def encode(self, value: Any) -> Any:
        """The canonical JSON of a stored ``value`` (``None`` as ``null``)."""
        return None if value is None else self.kind.encode(value)

    def check(self, value: Any, prefix: str) -> Any:
        """``value`` as bound for this column, refusing ``None`` unless it is allowed."""
        if value is None:
            if self.column.nullable or (
                isinstance(self.kind, JsonKind) and self.kind.null_is_document
            ):
                return None
            raise InvalidRow(f"{prefix}{self.where} is NOT NULL; got null")
        try:
            return self.kind.check(value, self.where)
        except InvalidRow as error:
            raise InvalidRow(f"{prefix}{error}") from None

    def decode(self, value: Any, prefix: str) -> Any:
        """The bound value that JSON ``value`` spells."""
        if value is None:
            return self.check(None, prefix)
        try:
            return self.kind.decode(value, self.where)
        except InvalidRow as error:
            raise InvalidRow(f"{prefix}{error}") from None


def _fills_itself(column: Column[Any]) -> bool:
    return bool(column.nullable or column.default is not None or column.server_default is not None)


def _unique_pairs(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    made: dict[str, Any] = {}
    for name, value in pairs:
        if name in made:
            raise InvalidRow(f"content repeats the key {name!r}: JSON keys must be unique")
        made[name] = value
    return made


def _no_constants(name: str) -> Any:
    raise InvalidRow(f"content holds {name}, which is not JSON: SQL and JSON keep finite numbers")


def parse_object(content: bytes, prefix: str) -> dict[str, Any]:
    """The JSON object ``content`` spells, or :class:`InvalidRow` saying why it is none."""
    try:
        parsed = json.loads(
            content.decode("utf-8"), object_pairs_hook=_unique_pairs, parse_constant=_no_constants
        )
    except InvalidRow as error:
        raise InvalidRow(f"{prefix}{error}") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidRow(
            f"{prefix}content is not UTF-8 JSON ({error}): a row is a JSON object"
        ) from None
    if type(parsed) is not dict:
        raise InvalidRow(f"{prefix}content must be a JSON object of columns, got {parsed!r:.60}")
    return parsed


class RowCodec:
    """The datum view of one mapped model's table (see the module docstring)."""

    def __init__(
        self,
        model: type[Any],
        *,
        id_field: str | None = None,
        parent_field: FieldChoice = "auto",
        time_field: FieldChoice = "auto",
        dialect: Dialect | str | None = None,
    ) -> None:
        mapper = _mapper(model)
        table = mapper.local_table
        if not isinstance(table, Table):
            raise InvalidArgument(f"{model.__name__} is not mapped to a table")
        self.model = model
        self.table = table
        self.mapper = mapper
        #: The database whose rules the codec keeps (``None``: the portable rules).
        self.dialect = dialect_named(dialect) if isinstance(dialect, str) else dialect
        self.fields = _fields(mapper, table, self.dialect)
        by_attr = {field.attr: field for field in self.fields}
        self.by_attr = by_attr
        key = self._pick(_key_name(table, by_attr, id_field), "id_field")
        self.key_field = key
        self.key = KeyColumn(key.column, key.kind)
        self.parent_field = self._parent(parent_field, key)
        self.time_field = self._time(time_field)
        time_kind = self.time_field.kind if self.time_field else None
        assert time_kind is None or isinstance(time_kind, DateTimeKind)
        self.time = TimeColumn(self.time_field.column if self.time_field else None, time_kind)
        self.content_fields = [
            field for field in self.fields if field not in (key, self.parent_field)
        ]
        self.validators = dict(mapper.validators)
        self.metadata_json = Metadata({"source": SOURCE, "table": str(table.name)}).to_json()

    def _pick(self, name: str, option: str) -> Field:
        field = self.by_attr.get(name)
        if field is None:
            raise InvalidArgument(
                f"{option}={name!r} names no mapped column of {self.model.__name__}; "
                f"its columns: {', '.join(self.by_attr)}"
            )
        return field

    def _parent(self, choice: FieldChoice, key: Field) -> Field | None:
        if choice is None:
            return None
        if choice == "auto":
            return self._conventional_parent(key)
        field = self._pick(choice, "parent_field")
        if not _holds_keys_of(field, key):
            raise UnsupportedColumn(
                f"parent_field {choice!r} must hold keys of the same type as {key.where}"
            )
        return field

    def _conventional_parent(self, key: Field) -> Field | None:
        """The one column with a foreign key to the key; else the one nullable column named
        by :data:`PARENT_NAMES` that holds keys and references nothing; else none."""
        pointing = [
            field
            for field in self.fields
            if field is not key and any(fk.column is key.column for fk in field.column.foreign_keys)
        ]
        kind = "with a foreign key to"
        if not pointing:
            kind = "named " + " or ".join(PARENT_NAMES) + ", holding keys of"
            pointing = [
                field
                for field in self.fields
                if field.column.name in PARENT_NAMES
                and field.column.nullable
                and not field.column.foreign_keys
                and _holds_keys_of(field, key)
            ]
        if len(pointing) > 1:
            names = ", ".join(field.column.name for field in pointing)
            raise InvalidArgument(
                f"{self.table.name} has {len(pointing)} columns {kind} {key.where}, so which "
                f"one holds a row's parent is ambiguous (candidates: {names}): pass "
                "parent_field= naming it, or parent_field=None for none"
            )
        return pointing[0] if pointing else None

    def _time(self, choice: FieldChoice) -> Field | None:
        if choice is None:
            return None
        if choice == "auto":
            field = self.by_attr.get("created_at")
            usable = (
                field is not None
                and isinstance(field.kind, DateTimeKind)
                and not field.column.nullable
            )
            return field if usable else None
        field = self._pick(choice, "time_field")
        if not isinstance(field.kind, DateTimeKind) or field.column.nullable:
            raise UnsupportedColumn(
                f"time_field {choice!r} must be a NOT NULL DateTime column; pass "
                "time_field=None for a table without one (every created_at is then 0.0)"
            )
        return field

    # -- rows to datums -----------------------------------------------------------------

    def content(self, row: Mapping[Any, Any]) -> bytes:
        """The canonical JSON content of ``row`` (a mapping by ``Column``)."""
        document = {field.attr: field.encode(row[field.column]) for field in self.content_fields}
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return text.encode("utf-8")

    def datum(self, row: Mapping[Any, Any]) -> Datum:
        """The datum of ``row`` (a mapping by ``Column``, as ``select(table)`` returns)."""
        datum_id = check_id(self.key.text(row[self.key.column]), "a row's id", InvalidRow)
        parent = None
        if self.parent_field is not None:
            value = row[self.parent_field.column]
            parent = None if value is None else self.key.text(value)
        created_at = (
            0.0 if self.time_field is None else self.time.created_at(row[self.time_field.column])
        )
        return Datum.trusted(datum_id, self.content(row), created_at, parent, self.metadata_json)

    def datum_of(self, row: Mapping[str, Any]) -> Datum:
        """The datum a row of Python values (by attribute name) becomes once stored: checked
        as a write checks it, spelled as a read spells it; no database is touched."""
        values = self.checked(row, "row: ")
        return self.datum({field.column: values.get(field.attr) for field in self.fields})

    def values(self, row: Mapping[Any, Any]) -> dict[str, Any]:
        """``row`` as Python values by attribute name, each in its kind's normal form."""
        return {
            field.attr: None
            if row[field.column] is None
            else field.kind.normalise(row[field.column])
            for field in self.fields
        }

    # -- datums to rows -----------------------------------------------------------------

    def given(self, datum: Datum) -> dict[str, Any]:
        """The checked values ``datum`` gives, by attribute name: its content's columns, its
        key, its parent, and its time when content leaves the time column out."""
        prefix = f"datum {datum.id!r}: "
        document = parse_object(datum.content, prefix)
        unknown = [name for name in document if name not in self.by_attr]
        if unknown:
            raise InvalidRow(
                f"{prefix}content names {unknown[0]!r}, which is no column of "
                f"{self.table.name} (columns: {', '.join(self.by_attr)})"
            )
        values = {
            name: self.by_attr[name].decode(value, prefix) for name, value in document.items()
        }
        key = self.key.value(datum.id)
        self._agree(values, self.key_field, key, prefix, "id")
        parent = self._parent_value(datum, prefix)
        if self.parent_field is not None:
            self._agree(values, self.parent_field, parent, prefix, "causal_parent")
        if self.time_field is not None and self.time_field.attr not in values:
            values[self.time_field.attr] = self.time.of_created_at(
                datum.created_at, self.time_field.where
            )
        return values

    def _parent_value(self, datum: Datum, prefix: str) -> Any:
        if datum.causal_parent is None:
            return None
        if self.parent_field is None:
            raise InvalidRow(
                f"{prefix}{self.table.name} has no parent column, so causal_parent "
                f"{datum.causal_parent!r} cannot be kept: pass parent_field= or leave it None"
            )
        return self.key.value(datum.causal_parent, "causal_parent")

    @staticmethod
    def _agree(values: dict[str, Any], field: Field, wanted: Any, prefix: str, role: str) -> None:
        if field.attr in values and values[field.attr] != wanted:
            raise InvalidRow(
                f"{prefix}content gives {field.where} as {values[field.attr]!r}, but the "
                f"datum's {role} names {wanted!r}: leave the column out or make them agree"
            )
        values[field.attr] = wanted

    def complete(self, values: dict[str, Any], prefix: str) -> dict[str, Any]:
        """``values`` after the model's ``@validates`` hooks, refusing missing columns."""
        for field in self.fields:
            if field.attr not in values and not field.fills_itself:
                raise InvalidRow(
                    f"{prefix}content lacks {field.where}, which is NOT NULL without a "
                    "default: give it a value"
                )
        if not self.validators:
            return values
        instance = self.mapper.class_manager.new_instance()
        # Unvalidated values go straight in (a hook may read them); validated ones are set,
        # so that their hooks run and may refuse or transform them.
        instance.__dict__.update(
            (name, value) for name, value in values.items() if name not in self.validators
        )
        for name, value in values.items():
            if name not in self.validators:
                continue
            try:
                setattr(instance, name, value)
            except DualtrackError as error:
                raise InvalidRow(f"{prefix}{error}") from None
            except (ValueError, TypeError, AssertionError) as error:
                raise InvalidRow(
                    f"{prefix}{self.by_attr[name].where}: {self.model.__name__} refused "
                    f"{value!r:.60}: {error}"
                ) from None
        return {name: instance.__dict__[name] for name in values}

    def checked(self, values: Mapping[str, Any], prefix: str) -> dict[str, Any]:
        """Python ``values`` by attribute name, each checked against its column."""
        unknown = [name for name in values if name not in self.by_attr]
        if unknown:
            raise InvalidRow(f"{prefix}{unknown[0]!r} is no column of {self.table.name}")
        return {name: self.by_attr[name].check(value, prefix) for name, value in values.items()}

    def bound(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` by attribute name as INSERT/UPDATE parameters, by column key."""
        return {self.by_attr[name].column.key: value for name, value in values.items()}

    def statement_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """:meth:`bound` for ``insert().values()`` and ``update().values()``: each value bound
        with its column's parameter type where it has one."""
        types = self.parameter_types
        return {
            key: bindparam(None, value, type_=types[key]) if key in types else value
            for key, value in self.bound(values).items()
        }

    @property
    def parameter_types(self) -> dict[str, TypeEngine[Any]]:
        """The types to bind some columns' parameters with, by column key, where the column's
        own type would lose values the column holds (see
        :class:`~dualtrack.bridge.kinds.json_values.SqliteBareNumbers`)."""
        return {
            field.column.key: field.parameter
            for field in self.fields
            if field.parameter is not None
        }

    def spelled(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The canonical JSON of each value, by attribute name (to compare with a stored row)."""
        return {name: self.by_attr[name].encode(value) for name, value in values.items()}

    def spelled_row(self, row: Mapping[Any, Any]) -> dict[str, Any]:
        """The canonical JSON of each column of a stored ``row``, by attribute name."""
        return {field.attr: field.encode(row[field.column]) for field in self.fields}


def _mapper(model: type[Any]) -> Mapper[Any]:
    try:
        mapper = inspect(model)
    except Exception:  # SQLAlchemy raises its NoInspectionAvailable for unmapped classes
        mapper = None
    if not isinstance(mapper, Mapper):
        raise InvalidArgument(f"TableAdapter needs a mapped SQLAlchemy model class, got {model!r}")
    return mapper


def _holds_keys_of(field: Field, key: Field) -> bool:
    """Whether ``field`` holds values of the key's type (and is not the key)."""
    if field is key or type(field.kind) is not type(key.kind):
        return False
    if isinstance(key.kind, UuidKind):
        return isinstance(field.kind, UuidKind) and field.kind.as_uuid == key.kind.as_uuid
    return True


def _fields(mapper: Mapper[Any], table: Table, dialect: Dialect | None) -> list[Field]:
    fields: list[Field] = []
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if len(prop.columns) != 1 or not isinstance(column, Column) or column.table is not table:
            continue
        if column.computed is not None or (column.identity is not None and column.identity.always):
            continue
        where = f"column {table.name}.{column.name}"
        if dialect is not None:
            where += f" on {dialect.name}"
        fields.append(
            Field(
                attr=prop.key,
                column=column,
                kind=kind_for(column, dialect, where),
                where=where,
                fills_itself=_fills_itself(column),
                parameter=None if dialect is None else json_parameter(column.type, dialect.name),
            )
        )
    order = {column: place for place, column in enumerate(table.columns)}
    return sorted(fields, key=lambda field: order[field.column])


def _key_name(table: Table, by_attr: Mapping[str, Field], id_field: str | None) -> str:
    if id_field is not None:
        return id_field
    keys = list(table.primary_key.columns)
    if len(keys) != 1:
        raise InvalidArgument(
            f"{table.name} has {len(keys)} primary key columns: pass id_field= naming a "
            "unique column that holds datum ids"
        )
    return next(name for name, field in by_attr.items() if field.column is keys[0])
