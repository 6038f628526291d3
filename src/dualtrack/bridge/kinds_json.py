"""The kind of JSON columns: documents kept as they are, in one canonical spelling.

A JSON column's value appears in datum content as itself, keys sorted at every level (PostgreSQL's
``jsonb`` reorders keys, so the stored order is not the written one) and ``-0.0`` spelled
``0.0`` (``jsonb`` drops the sign). Tags are only ever the whole value of a column, so a
document that looks like one, an object with a single key starting with ``$``, is wrapped as
``{"$json": document}``.
"""

from __future__ import annotations

from typing import Any

from dualtrack.bridge.kind_base import Kind, refuse
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
        document = canonical_document(value)
        return {"$json": document} if _looks_tagged(document) else document
