"""The table where ``TableAdapter`` keeps named refs: ``dualtrack_table_refs``.

A typed table has no place for refs, so adapters keep them in one small table of their own,
beside the adapted table (same schema), keyed by the adapted table's name and the ref name. It
is created on the first ref operation, never by reads or writes of rows; if your Alembic
migrations own the schema, add :func:`refs_table` ``(schema).metadata`` to their target, or
leave the table out of autogenerate with an ``include_object`` hook.
"""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table

#: The name of the refs table.
REFS_TABLE = "dualtrack_table_refs"


def refs_table(schema: str | None = None) -> Table:
    """The refs table in ``schema`` (the default schema for ``None``), on a metadata of its own.

    >>> [column.name for column in refs_table().columns]
    ['table_name', 'name', 'datum_id']
    """
    return Table(
        REFS_TABLE,
        MetaData(schema=schema),
        Column("table_name", String(255), primary_key=True),
        Column("name", String(255), primary_key=True),
        Column("datum_id", String(255), nullable=False),
    )
