"""``KeyColumn``: a table's key column seen as datum ids (text), and id filters in SQL.

A datum id is the key's canonical text: the string itself, an integer in decimal, a UUID in
lower-case hyphenated form. Only canonical text names a row (``"007"`` names no integer key),
so every id a table gives back names the same row when given again.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Column, ColumnElement, String, and_, cast, false, func, true

from dualtrack.bridge.kinds.base import Kind
from dualtrack.bridge.kinds.scalars import IntegerKind, StringKind, UuidKind
from dualtrack.errors import InvalidRow, UnsupportedColumn

#: The characters a UUID's canonical text has at each position (``-`` or a hex digit).
_UUID_SHAPE = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
_HEX = frozenset("0123456789abcdef")


def prefix_end(prefix: str) -> str | None:
    """The least string after every string that starts with ``prefix`` (code point order),
    or ``None`` when there is none: ``prefix <= s < end`` means "s starts with prefix".

    >>> prefix_end("ab"), prefix_end("a\\U0010ffff"), prefix_end("\\U0010ffff")
    ('ac', 'b', None)
    """
    chars = list(prefix)
    while chars:
        point = ord(chars.pop()) + 1
        if point <= 0x10FFFF:
            if 0xD800 <= point <= 0xDFFF:
                point = 0xE000
            return "".join(chars) + chr(point)
    return None


def _uuid_bounds(prefix: str) -> tuple[str, str] | None:
    """The least and greatest UUID texts starting with ``prefix``, or ``None`` if none does."""
    if len(prefix) > len(_UUID_SHAPE):
        return None
    for char, shape in zip(prefix, _UUID_SHAPE, strict=False):
        if (shape == "-") != (char == "-") or (shape == "x" and char not in _HEX):
            return None
    rest = _UUID_SHAPE[len(prefix) :]
    return prefix + rest.replace("x", "0"), prefix + rest.replace("x", "f")


class KeyColumn:
    """The key (``id_field``) column: text of values, values of text, and id filters."""

    def __init__(self, column: Column[Any], kind: Kind) -> None:
        if not isinstance(kind, StringKind | IntegerKind | UuidKind):
            raise UnsupportedColumn(
                f"column {column.table.name}.{column.name} cannot be the id of datums: "
                "TableAdapter needs a string, integer or UUID key column (id_field)"
            )
        self.column = column
        self.kind = kind
        self.where = f"column {column.table.name}.{column.name}"

    def text(self, value: Any) -> str:
        """The datum id of key ``value``."""
        if isinstance(self.kind, UuidKind):
            return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        if isinstance(self.kind, StringKind):
            return self.kind.normalise(value)
        return str(int(value))

    def value(self, text: str, role: str = "id") -> Any:
        """The key value whose datum id is ``text``, or :class:`InvalidRow` if none has it."""
        kind = self.kind
        try:
            if isinstance(kind, IntegerKind):
                value: Any = kind.check(int(text), self.where)
            elif isinstance(kind, UuidKind):
                parsed = uuid.UUID(text)
                value = parsed if kind.as_uuid else str(parsed)
            else:
                value = kind.check(text, self.where)
        except ValueError as error:
            raise InvalidRow(f"{role} {text!r} cannot be a key of {self.where}: {error}") from None
        if self.text(value) != text:
            raise InvalidRow(
                f"{role} {text!r} is not how {self.where} spells its keys: use {self.text(value)!r}"
            )
        return value

    def lookup(self, text: str) -> Any | None:
        """The key value of datum id ``text``, or ``None`` when no row can have that id."""
        try:
            return self.value(text)
        except InvalidRow:
            return None

    def ordered(self, dialect: str) -> ColumnElement[Any]:
        """The key as it sorts datum ids: by code point for text (``COLLATE "C"`` on PostgreSQL,
        whose default collation sorts by language), numerically for integers."""
        if dialect == "postgresql" and isinstance(self.kind, StringKind):
            return self.column.collate("C")
        return self.column

    def starts_with(self, prefix: str, dialect: str) -> ColumnElement[bool]:
        """The condition "the datum id starts with ``prefix``" (literal, case-sensitive)."""
        if isinstance(self.kind, StringKind):
            key = self.ordered(dialect)
            end = prefix_end(prefix)
            low: ColumnElement[bool] = key >= prefix
            return low if end is None else and_(low, key < end)
        if isinstance(self.kind, IntegerKind):
            return func.substr(cast(self.column, String), 1, len(prefix)) == prefix
        bounds = _uuid_bounds(prefix)
        if bounds is None:
            return false()
        if not prefix:
            return true()
        low_value, high_value = (self.value(bound) for bound in bounds)
        return and_(self.column >= low_value, self.column <= high_value)
