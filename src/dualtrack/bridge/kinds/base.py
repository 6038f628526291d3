"""``Kind``: how the values of one column type travel between Python, the database and JSON.

Every kind answers three questions for its column type:

* ``check(value, where)``: is this Python value storable as is? It returns the value the
  adapter binds (normalised the way the database would normalise it, e.g. an aware datetime
  moved to UTC) or raises :class:`~dualtrack.errors.InvalidRow` naming ``where``;
* ``decode(json, where)``: the Python value a JSON value in datum content spells, checked;
* ``encode(value)``: the one canonical JSON spelling of a value read back from the database.

``decode(encode(v))`` gives ``v`` back and ``encode(check(v))`` is what the table returns for
``v``, so content that went through a table once is a fixed point: it round-trips byte for byte.

A kind is made for the declared type with the *portable* rules (a value every database
dualtrack knows keeps exactly), and ``kind.on(dialect, stored)`` gives the rules of one
database, which refuse only what that database cannot hold: a value read from a table can
always be written back to it.
Values JSON has no spelling for carry a one-key tag, ``{"$datetime": "2024-05-01T09:30:00"}``,
so content stays readable, and unambiguous, without the model.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from sqlalchemy.types import TypeEngine

from dualtrack.errors import InvalidRow


def describe(value: Any) -> str:
    """``value`` shortened for an error message, with its type.

    >>> describe("x" * 100)[:20], describe(3)
    ("'xxxxxxxxxxxxxxxxxxx", '3 (int)')
    """
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def refuse(where: str, wanted: str, value: Any) -> InvalidRow:
    """The error for ``value`` that does not fit ``where``, saying what fits instead."""
    return InvalidRow(f"{where} holds {wanted}; got {describe(value)}")


def untag(value: Any, tag: str, where: str, wanted: str) -> Any:
    """The payload of ``{tag: payload}``, or :class:`InvalidRow` showing the expected spelling.

    >>> untag({"$date": "2024-01-02"}, "$date", "column day", "a date")
    '2024-01-02'
    """
    if type(value) is dict and len(value) == 1 and tag in value:
        return value[tag]
    raise InvalidRow(
        f'{where} holds {wanted}, spelled {{"{tag}": ...}} in datum content; got {describe(value)}'
    )


class Kind(ABC):
    """The value rules of one column type (see the module docstring)."""

    #: What the column holds, in words, for error messages.
    wanted = "a value"

    @abstractmethod
    def check(self, value: Any, where: str) -> Any:
        """``value`` as the adapter binds it, or :class:`InvalidRow`."""

    @abstractmethod
    def decode(self, value: Any, where: str) -> Any:
        """The checked Python value that the JSON ``value`` spells."""

    @abstractmethod
    def encode(self, value: Any) -> Any:
        """The canonical JSON spelling of ``value`` (as read back from the database)."""

    def normalise(self, value: Any) -> Any:
        """``value`` read from the database as a Python value in the kind's one normal form."""
        return value

    def on(self, dialect: str | None, stored: TypeEngine[Any]) -> Kind:
        """This kind with the rules of ``dialect``, where the column is stored as ``stored`` (see
        :mod:`dualtrack.bridge.kinds.storage`); ``None`` asks for the portable rules, and
        ``stored`` is then SQLite's storage, the one that changes most. By default the rules
        are the same everywhere."""
        return self
