"""The kind of JSON columns: documents kept as they are, in one canonical spelling.

A JSON column's value appears in datum content as itself, keys sorted at every level (PostgreSQL's
``jsonb`` reorders keys, so the stored order is not the written one) and ``-0.0`` spelled
``0.0`` (``jsonb`` drops the sign). Tags are only ever the whole value of a column, so a
document that looks like one, an object with a single key starting with ``$``, is wrapped as
``{"$json": document}``.

A document that is a bare number is limited to what SQLite keeps: its JSON columns have NUMERIC
affinity, so a bare number is stored as an SQL number, ``2.0`` as the integer ``2``, integers
beyond 64 bits rounded, and other floats reparsed by SQLite, sometimes off in the last digit. So
on every database an integral float is stored as an integer, and integers beyond 64 bits and
non-integral floats are refused as bare documents (inside a list or an object they are fine).
"""

from __future__ import annotations

from typing import Any

from dualtrack.bridge.kinds.base import Kind, refuse
from dualtrack.errors import InvalidRow
from dualtrack.memory.metadata import plain_json


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


_INT64_LOW, _INT64_HIGH = -(2**63), 2**63 - 1


def _bare_number(document: Any) -> Any:
    """An integral float document within 64 bits as the integer SQLite would make of it.

    >>> _bare_number(2.0), _bare_number(2.5), _bare_number([2.0])
    (2, 2.5, [2.0])
    """
    if type(document) is float and document.is_integer() and -(2.0**63) <= document < 2.0**63:
        return int(document)
    return document


def _has_nul(value: Any) -> bool:
    if type(value) is str:
        return "\x00" in value
    if type(value) is list:
        return any(_has_nul(part) for part in value)
    if type(value) is dict:
        return any("\x00" in name or _has_nul(part) for name, part in value.items())
    return False


def _looks_tagged(value: Any) -> bool:
    return type(value) is dict and len(value) == 1 and next(iter(value)).startswith("$")


class JsonKind(Kind):
    """Any JSON document of str-keyed objects, lists, finite numbers and text without NUL
    characters (PostgreSQL's ``jsonb`` refuses ``\\u0000``)."""

    wanted = "a JSON document"

    def __init__(self, null_is_document: bool = True) -> None:
        #: Whether ``None`` is stored as the JSON document ``null`` (SQLAlchemy's default)
        #: rather than as SQL NULL (``JSON(none_as_null=True)``).
        self.null_is_document = null_is_document

    def check(self, value: Any, where: str) -> Any:
        """A deep copy of ``value`` as plain JSON (lists, str-keyed dicts, finite numbers)."""
        document = plain_json(value, where, InvalidRow)
        document = _bare_number(document)
        if type(document) is float or (
            type(document) is int and not _INT64_LOW <= document <= _INT64_HIGH
        ):
            raise InvalidRow(
                f"{where} cannot keep the bare number {document!r}: SQLite stores a JSON "
                "column's bare number as an SQL number, rounding it; wrap it, e.g. in a list"
            )
        if _has_nul(document):
            raise InvalidRow(f"{where} holds a JSON document with a NUL character in a string")
        return document

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
        document = _bare_number(canonical_document(value))
        return {"$json": document} if _looks_tagged(document) else document
