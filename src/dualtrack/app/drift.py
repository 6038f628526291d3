"""Drift: where a migrated database differs from the models, found by Alembic's own compare
(what ``alembic check`` and autogenerate use) and told in words."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection


def differences(
    connection: Connection,
    metadata: MetaData,
    *,
    version_table: str = "alembic_version",
    ignore: Collection[str] = (),
) -> list[str]:
    """What the database behind ``connection`` lacks or has beyond ``metadata`` (types too),
    one description each; tables named in ``ignore`` are someone else's and left out."""

    def include(item: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
        table = name if kind == "table" else getattr(getattr(item, "table", None), "name", None)
        return table not in ignore

    context = MigrationContext.configure(
        connection,
        opts={"version_table": version_table, "compare_type": True, "include_object": include},
    )
    return [describe(item) for item in compare_metadata(context, metadata)]


def describe(difference: Any) -> str:
    """One difference Alembic's compare reports, in words.

    >>> from sqlalchemy import Column, Integer, Table
    >>> describe(("add_table", Table("notes", MetaData(), Column("id", Integer))))
    'add_table notes'
    """
    if isinstance(difference, list):
        return "; ".join(describe(item) for item in difference)
    operation, *details = difference
    if operation.startswith("modify_"):
        _schema, table, column, _existing, database, models = details
        return f"{operation} {table}.{column}: migrated {database!r}, models {models!r}"
    return f"{operation} {_named(details[-1])}"


def _named(item: Any) -> str:
    table = getattr(item, "table", None)
    name = getattr(item, "name", None)
    if table is not None and name is not None:
        return f"{table.name}.{name}"
    if name is not None:
        return str(name)
    return repr(item)
