"""The kind of JSON columns: documents kept as they are, in one canonical spelling.

A JSON column's value appears in datum content as itself, keys sorted at every level (PostgreSQL's
``jsonb`` reorders keys, so the stored order is not the written one) and ``-0.0`` spelled
``0.0`` (``jsonb`` drops the sign). Tags are only ever the whole value of a column, so a
document that looks like one, an object with a single key starting with ``$``, is wrapped as
``{"$json": document}``.

What each database cannot hold, and is therefore refused there:

* PostgreSQL's ``jsonb`` refuses a NUL character (``\\u0000``) in a string or a key, and reads a
  float of 1e16 or more back as an integer (it prints numbers without an exponent); its
  ``json`` keeps the text as written, so neither applies there.
* SQLite gives its JSON columns NUMERIC affinity, so a document that is a bare number is stored
  as an SQL number: an integral float within 64 bits becomes an integer, and an integer beyond
  64 bits a float. The adapter binds a bare float as an SQL float, so every other float is kept
  exactly (text would be reparsed by SQLite, sometimes off in the last digit).

The portable rules (an adapter whose database is unknown) refuse all of these, and every bare
float.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy import types as sqltypes
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from dualtrack.bridge.kinds.base import Kind, refuse
from dualtrack.errors import InvalidRow
from dualtrack.memory.metadata import plain_json

#: Which bare numbers a JSON column keeps: every one (``"any"``), SQLite's (bound as SQL
#: numbers: no integral float within 64 bits, no integer beyond them), or only integers within
#: 64 bits (``"integers"``).
BareNumbers = Literal["any", "sqlite", "integers"]

_INT64_LOW, _INT64_HIGH = -(2**63), 2**63 - 1


def canonical_document(value: Any) -> Any:
    """``value`` with every object's keys sorted and ``-0.0`` as ``0.0``.

    >>> canonical_document({"b": [-0.0], "a": {"d": 1, "c": 2}})
    {'a': {'c': 2, 'd': 1}, 'b': [0.0]}
    """
    if type(value) is dict:
        return {name: canonical_document(value[name]) for name in sorted(value)}
    if type(value) is list:
        return [canonical_document(part) for part in value]
    if type(value) is float:
        return value + 0.0
    return value


def _first(value: Any, found: Callable[[Any], bool], path: str = "$") -> str | None:
    """The JSON path of the first string, key or number in ``value`` that ``found`` picks.

    >>> _first({"a": [1, "x\\x00"]}, lambda part: type(part) is str and "\\x00" in part)
    "$['a'][1]"
    """
    if found(value):
        return path
    if type(value) is list:
        for place, part in enumerate(value):
            hit = _first(part, found, f"{path}[{place}]")
            if hit is not None:
                return hit
    if type(value) is dict:
        for name, part in value.items():
            hit = f"{path} (a key)" if found(name) else _first(part, found, f"{path}[{name!r}]")
            if hit is not None:
                return hit
    return None


def _has_nul(part: Any) -> bool:
    return type(part) is str and "\x00" in part


def _printed_as_integer(part: Any) -> bool:
    """A float ``jsonb`` reads back as an integer: one Python spells with a positive
    exponent (``1e+16``), which PostgreSQL prints as digits without a point."""
    return type(part) is float and "e+" in repr(part)


def _looks_tagged(value: Any) -> bool:
    return type(value) is dict and len(value) == 1 and next(iter(value)).startswith("$")


class JsonKind(Kind):
    """Any JSON document of str-keyed objects, lists, finite numbers and text, within what the
    database keeps (see the module docstring)."""

    wanted = "a JSON document"

    def __init__(
        self,
        null_is_document: bool = True,
        *,
        nul: bool = False,
        big_floats: bool = False,
        bare: BareNumbers = "integers",
        dialect: str | None = None,
    ) -> None:
        #: Whether ``None`` is stored as the JSON document ``null`` (SQLAlchemy's default)
        #: rather than as SQL NULL (``JSON(none_as_null=True)``).
        self.null_is_document = null_is_document
        self.nul = nul
        self.big_floats = big_floats
        self.bare = bare
        #: The database whose rules these are (``None``: the portable rules).
        self.dialect = dialect

    def _because(self, database: str) -> str:
        """``database``, the one whose rule refuses a value, noting portable rules."""
        if self.dialect is None:
            return f"{database} (portable rules: the adapter does not know its database)"
        return database

    def check(self, value: Any, where: str) -> Any:
        """A deep copy of ``value`` as plain JSON (lists, str-keyed dicts, finite numbers)."""
        document = plain_json(value, where, InvalidRow)
        self._check_bare(document, where)
        if not self.nul:
            path = _first(document, _has_nul)
            if path is not None:
                raise InvalidRow(
                    f"{where} cannot hold a NUL character (\\u0000) at {path}: "
                    f"{self._because('PostgreSQL jsonb')} refuses it; remove it, or use a json "
                    "or text column"
                )
        if not self.big_floats:
            path = _first(document, _printed_as_integer)
            if path is not None:
                raise InvalidRow(
                    f"{where} cannot keep the float at {path} as a float: "
                    f"{self._because('PostgreSQL jsonb')} reads a float of 1e16 or more back as "
                    "an integer; store it as an integer or as text"
                )
        return document

    def _check_bare(self, document: Any, where: str) -> None:
        if self.bare == "any" or type(document) not in (int, float):
            return
        if type(document) is int:
            if _INT64_LOW <= document <= _INT64_HIGH:
                return
            problem = "an integer beyond 64 bits would come back as a float"
        elif self.bare == "sqlite" and not (
            document.is_integer() and -(2.0**63) <= document < 2.0**63
        ):
            return
        elif self.bare == "sqlite":
            problem = f"the float {document!r} would come back as the integer {int(document)}"
        else:
            problem = f"the float {document!r} could come back changed"
        raise InvalidRow(
            f"{where} cannot keep the bare number {document!r}: {self._because('SQLite')} "
            f"stores a JSON document that is a bare number as an SQL number, and {problem}; "
            "wrap it, e.g. in a list"
        )

    def decode(self, value: Any, where: str) -> Any:
        """The document, unwrapping ``{"$json": document}``."""
        if _looks_tagged(value):
            if "$json" not in value:
                raise refuse(
                    where,
                    'a JSON document; wrap one that looks like a tag as {"$json": document}',
                    value,
                )
            value = value["$json"]
        return self.check(value, where)

    def encode(self, value: Any) -> Any:
        """The canonical document, wrapped if it looks like a tag."""
        document = canonical_document(value)
        return {"$json": document} if _looks_tagged(document) else document

    def on(self, dialect: str | None, stored: TypeEngine[Any]) -> Kind:
        """PostgreSQL's ``json`` keeps everything, its ``jsonb`` refuses NUL and reads big
        floats as integers; SQLite keeps NUL and big floats, and bare numbers as SQL numbers."""
        if dialect == "postgresql":
            if isinstance(stored, JSONB):
                return JsonKind(self.null_is_document, bare="any", dialect=dialect)
            return JsonKind(
                self.null_is_document, nul=True, big_floats=True, bare="any", dialect=dialect
            )
        if dialect == "sqlite":
            return JsonKind(
                self.null_is_document, nul=True, big_floats=True, bare="sqlite", dialect=dialect
            )
        return self

    def floats_as_text(self) -> JsonKind:
        """These rules for a column whose bare floats are bound as text (a decorated JSON type
        on SQLite, which reparses them): only integers within 64 bits are kept bare."""
        if self.bare != "sqlite":
            return self
        return JsonKind(
            self.null_is_document,
            nul=self.nul,
            big_floats=self.big_floats,
            bare="integers",
            dialect=self.dialect,
        )


class SqliteBareNumbers(TypeDecorator[Any]):
    """A JSON column's parameter on SQLite that binds a bare float as an SQL float, which SQLite
    keeps exactly, and everything else as the column's own JSON type does.

    Plain JSON binds a bare float as text, which SQLite's NUMERIC affinity reparses, sometimes
    into a neighbouring float: a float read from the table would not be written back as itself.
    """

    impl = sqltypes.JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any]:
        """The column type's own processor, but for bare floats, which go unchanged."""
        serialise = self.impl_instance.dialect_impl(dialect).bind_processor(dialect)

        def process(value: Any) -> Any:
            if type(value) is float or serialise is None:
                return value
            return serialise(value)

        return process


def json_parameter(type_: TypeEngine[Any], dialect: str) -> TypeEngine[Any] | None:
    """The type to bind a plain JSON column's values with on ``dialect``, when it is not the
    column's own (:class:`SqliteBareNumbers` on SQLite); ``None`` otherwise."""
    if dialect != "sqlite" or isinstance(type_, TypeDecorator):
        return None
    if not isinstance(type_, sqltypes.JSON):
        return None
    return SqliteBareNumbers(none_as_null=type_.none_as_null)
