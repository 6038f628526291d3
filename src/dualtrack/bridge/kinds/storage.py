"""How one database stores a column type: ``storage_type(type_, dialect)`` and ``dialect_named``.

A model declares one type per column, but each database stores it in its own way: SQLite keeps
a ``Numeric`` as a 64-bit float and ``VARCHAR(30)`` without checking the length, PostgreSQL
refuses a NUL character in ``text`` and ``jsonb``. The kinds of
:mod:`dualtrack.bridge.kinds` refuse only what the target database cannot hold, so they ask what
a type becomes there: variants chosen (``JSON().with_variant(JSONB(), "postgresql")``) and
decorators unwrapped to the type they load on that database.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy.engine import URL, Dialect
from sqlalchemy.exc import NoSuchModuleError
from sqlalchemy.types import TypeDecorator, TypeEngine

from dualtrack.errors import InvalidArgument

#: The databases whose storage rules the kinds know; others get the portable rules.
KNOWN_DIALECTS = ("sqlite", "postgresql")


@cache
def dialect_named(name: str) -> Dialect:
    """A dialect object for a database name such as ``"sqlite"`` or ``"postgresql"`` (no driver
    is imported or connected).

    >>> dialect_named("sqlite").name
    'sqlite'
    """
    try:
        return URL.create(name).get_dialect()()
    except NoSuchModuleError:
        raise InvalidArgument(
            f"{name!r} names no SQLAlchemy dialect: use a database name such as 'sqlite' or "
            "'postgresql'"
        ) from None


def storage_type(type_: TypeEngine[Any], dialect: Dialect) -> TypeEngine[Any]:
    """The type that ``dialect`` stores values of ``type_`` as: its variant for that database,
    and, for a decorator, the implementation it loads there.

    >>> from sqlalchemy import JSON
    >>> from sqlalchemy.dialects.postgresql import JSONB
    >>> either = JSON().with_variant(JSONB(), "postgresql")
    >>> isinstance(storage_type(either, dialect_named("postgresql")), JSONB)
    True
    """
    stored = type_.dialect_impl(dialect)
    while isinstance(stored, TypeDecorator):
        stored = stored.load_dialect_impl(dialect).dialect_impl(dialect)
    return stored
