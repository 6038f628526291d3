"""Drift: where a migrated database differs from the models, found by Alembic's own compare
(what ``alembic check`` and autogenerate use, server defaults included) and by reflection for
what that compare leaves out (primary keys, CHECK constraints), told in words."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, MetaData, Table, inspect
from sqlalchemy.engine import Connection, Inspector


def differences(
    connection: Connection,
    metadata: MetaData,
    *,
    version_table: str = "alembic_version",
    ignore: Collection[str] = (),
) -> list[str]:
    """What the database behind ``connection`` lacks or has beyond ``metadata`` (types, server
    defaults, nullability, indexes, unique and foreign keys by Alembic; primary keys and CHECK
    constraints by reflection), one description each; tables named in ``ignore`` are someone
    else's and left out."""

    def include(item: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
        table = name if kind == "table" else getattr(getattr(item, "table", None), "name", None)
        return table not in ignore

    context = MigrationContext.configure(
        connection,
        opts={
            "version_table": version_table,
            "compare_type": True,
            "compare_server_default": True,
            "include_object": include,
        },
    )
    found = [describe(item) for item in compare_metadata(context, metadata)]
    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    for table in sorted(metadata.tables.values(), key=lambda table: table.name):
        if table.name in present and table.name not in ignore:
            found.extend(_unseen_by_alembic(inspector, table))
    return found


def _unseen_by_alembic(inspector: Inspector, table: Table) -> list[str]:
    """Primary key columns and CHECK constraints: Alembic's compare does not look at them."""
    found = []
    migrated_key = list(inspector.get_pk_constraint(table.name)["constrained_columns"])
    model_key = [column.name for column in table.primary_key.columns]
    if migrated_key != model_key:
        found.append(
            f"modify_primary_key {table.name}: migrated {migrated_key!r}, models {model_key!r}"
        )
    migrated = _check_names(
        check.get("name") for check in inspector.get_check_constraints(table.name)
    )
    models = _check_names(
        constraint.name
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    )
    if migrated != models:
        found.append(
            f"modify_check_constraints {table.name}: migrated {migrated!r}, models {models!r}"
        )
    return found


def _check_names(names: Any) -> list[str]:
    """CHECK constraints by name (``<unnamed>`` for each without one), in order."""
    return sorted(str(name) if name else "<unnamed>" for name in names)


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
