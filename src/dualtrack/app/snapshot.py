"""What a database holds, as plain values that compare with ``==``: its schema and every row.

Laws compare snapshots taken before and after a migration; the functions here take a blocking
SQLAlchemy ``Connection`` (use ``await async_connection.run_sync(take_snapshot)`` from async code).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, inspect, select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import CompileError
from sqlalchemy.types import TypeEngine

#: One table's schema: ``columns``, ``primary_key``, ``foreign_keys``, ``indexes``, ``unique``.
TableSchema = dict[str, Any]


@dataclass(frozen=True)
class Snapshot:
    """A database's schema (by table name) and rows (by table name, in a canonical order)."""

    schema: dict[str, TableSchema] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def without(self, *tables: str) -> Snapshot:
        """This snapshot, leaving ``tables`` out (say, Alembic's version table)."""
        return Snapshot(
            {name: value for name, value in self.schema.items() if name not in tables},
            {name: value for name, value in self.rows.items() if name not in tables},
        )

    def differences(self, other: Snapshot) -> tuple[dict[str, Any], dict[str, Any]]:
        """Only the parts where the two differ, as ``(this side, other side)``.

        >>> a = Snapshot(rows={"t": [{"x": 1}], "u": []})
        >>> a.differences(Snapshot(rows={"t": [{"x": 2}], "u": []}))
        ({'rows of t': [{'x': 1}]}, {'rows of t': [{'x': 2}]})
        """
        mine: dict[str, Any] = {}
        theirs: dict[str, Any] = {}
        for label, left, right in (
            ("schema of", self.schema, other.schema),
            ("rows of", self.rows, other.rows),
        ):
            for name in sorted(left.keys() | right.keys()):
                if left.get(name) != right.get(name):
                    mine[f"{label} {name}"] = left.get(name)
                    theirs[f"{label} {name}"] = right.get(name)
        return mine, theirs


def reflect(connection: Connection) -> MetaData:
    """Every table of the connection's default schema, reflected into a fresh ``MetaData``."""
    metadata = MetaData()
    metadata.reflect(connection)
    return metadata


def schema_of(connection: Connection) -> dict[str, TableSchema]:
    """Each table's columns, keys and indexes, in a form independent of reflection order."""
    inspector = inspect(connection)
    dialect = connection.dialect
    schema: dict[str, TableSchema] = {}
    for name in sorted(inspector.get_table_names()):
        schema[name] = {
            "columns": {
                column["name"]: {
                    "type": _type_text(column["type"], dialect),
                    "nullable": column["nullable"],
                    "default": column.get("default"),
                }
                for column in inspector.get_columns(name)
            },
            "primary_key": list(inspector.get_pk_constraint(name)["constrained_columns"]),
            "foreign_keys": sorted(
                (
                    (
                        tuple(key["constrained_columns"]),
                        key["referred_table"],
                        tuple(key["referred_columns"]),
                        tuple(sorted((key.get("options") or {}).items())),
                    )
                    for key in inspector.get_foreign_keys(name)
                ),
                key=repr,
            ),
            "indexes": sorted(
                (
                    (index["name"], tuple(index["column_names"]), bool(index["unique"]))
                    for index in inspector.get_indexes(name)
                ),
                key=repr,
            ),
            "unique": sorted(
                (
                    (constraint["name"], tuple(constraint["column_names"]))
                    for constraint in inspector.get_unique_constraints(name)
                ),
                key=repr,
            ),
        }
    return schema


def rows_of(
    connection: Connection, metadata: MetaData | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (of ``metadata``, else reflected), each table's rows sorted."""
    tables = (metadata or reflect(connection)).tables.values()
    return {
        table.name: sorted(
            (dict(row._mapping) for row in connection.execute(select(table))), key=repr
        )
        for table in sorted(tables, key=lambda table: table.name)
    }


def take_snapshot(connection: Connection) -> Snapshot:
    """The schema and every row the connection sees."""
    return Snapshot(schema_of(connection), rows_of(connection))


def _type_text(type_: TypeEngine[Any], dialect: Dialect) -> str:
    try:
        return str(type_.compile(dialect=dialect))
    except CompileError:
        return repr(type_)
