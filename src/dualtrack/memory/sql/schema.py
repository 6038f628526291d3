"""The tables of ``SQLDgent``, as SQLAlchemy ``MetaData`` an application's Alembic can see.

Two tables, the same on every database:

* ``dualtrack_datums``: one row per datum, keyed by ``(namespace, id)``. ``metadata`` is the
  datum's metadata JSON text exactly as written (so ``1.0``, ``1`` and ``true`` stay apart and
  strings may hold ``\\u0000``, which PostgreSQL's JSONB cannot); ``facets`` is the JSONB (on
  SQLite, JSON) form equality filters search: ``{json(key): canonical json(value)}``, so a filter
  is one containment test ``facets @> {...}`` served by a GIN index on PostgreSQL (on SQLite
  the same index is a plain one, kept so that one MetaData describes both databases exactly).
* ``dualtrack_refs``: the named refs, keyed by ``(namespace, name)``.
* retention: ``dualtrack_tombstones`` (when each datum stops being shown: ``-Infinity`` once
  forgotten, else its expiry time), ``dualtrack_erased`` (the SHA-256 of each id compaction
  removed) and ``dualtrack_lifetimes`` (one namespace lifetime in seconds, if any).

Ids compare in code point order everywhere (``COLLATE "C"`` on PostgreSQL; SQLite's binary
collation already does), as Python's ``str`` does, so listings agree with ``MemoryDgent``.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from sqlalchemy import (
    JSON,
    Column,
    Double,
    Index,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

#: The MetaData holding SQLDgent's tables: give it to Alembic beside your own models'.
dgent_metadata = MetaData()


def _ordered_text() -> Text:
    """Text compared in code point order: ``COLLATE "C"`` on PostgreSQL, binary on SQLite."""
    return Text().with_variant(Text(collation="C"), "postgresql")


datums = Table(
    "dualtrack_datums",
    dgent_metadata,
    Column("namespace", _ordered_text(), nullable=False),
    Column("id", _ordered_text(), nullable=False),
    Column("content", LargeBinary(), nullable=False),
    Column("created_at", Double(), nullable=False),
    Column("causal_parent", _ordered_text(), nullable=True),
    Column("metadata", Text(), nullable=False),
    Column("facets", JSON().with_variant(JSONB(), "postgresql"), nullable=True),
    Column("vector", LargeBinary(), nullable=True),
    PrimaryKeyConstraint("namespace", "id", name="dualtrack_datums_pkey"),
)

Index("dualtrack_datums_by_time", datums.c.namespace, datums.c.created_at, datums.c.id)
Index(
    "dualtrack_datums_by_parent",
    datums.c.namespace,
    datums.c.causal_parent,
    postgresql_where=datums.c.causal_parent.isnot(None),
    sqlite_where=datums.c.causal_parent.isnot(None),
)
Index(
    "dualtrack_datums_by_facets",
    datums.c.facets,
    postgresql_using="gin",
    postgresql_ops={"facets": "jsonb_path_ops"},
)

refs = Table(
    "dualtrack_refs",
    dgent_metadata,
    Column("namespace", _ordered_text(), nullable=False),
    Column("name", _ordered_text(), nullable=False),
    Column("datum_id", _ordered_text(), nullable=False),
    PrimaryKeyConstraint("namespace", "name", name="dualtrack_refs_pkey"),
)


tombstones = Table(
    "dualtrack_tombstones",
    dgent_metadata,
    Column("namespace", _ordered_text(), nullable=False),
    Column("datum_id", _ordered_text(), nullable=False),
    Column("hides_at", Double(), nullable=False),
    Column("forgotten_at", Double(), nullable=True),
    PrimaryKeyConstraint("namespace", "datum_id", name="dualtrack_tombstones_pkey"),
)

erased = Table(
    "dualtrack_erased",
    dgent_metadata,
    Column("namespace", _ordered_text(), nullable=False),
    Column("digest", Text(), nullable=False),
    PrimaryKeyConstraint("namespace", "digest", name="dualtrack_erased_pkey"),
)

lifetimes = Table(
    "dualtrack_lifetimes",
    dgent_metadata,
    Column("namespace", _ordered_text(), nullable=False),
    Column("lifetime", Double(), nullable=False),
    PrimaryKeyConstraint("namespace", name="dualtrack_lifetimes_pkey"),
)


class SQLTables(NamedTuple):
    """SQLDgent's tables, in one database schema (``None``: the connection's default)."""

    metadata: MetaData
    datums: Table
    refs: Table
    tombstones: Table
    erased: Table
    lifetimes: Table


@functools.lru_cache(maxsize=64)
def tables_in(schema: str | None) -> SQLTables:
    """The tables placed in ``schema`` (a PostgreSQL schema name), or the defaults for ``None``,
    made once per schema: every store on one schema shares them, as stores without one share
    the module's tables.

    >>> tables_in("memory").datums.fullname
    'memory.dualtrack_datums'
    """
    if schema is None:
        return SQLTables(dgent_metadata, datums, refs, tombstones, erased, lifetimes)
    placed = MetaData(schema=schema)
    return SQLTables(
        placed,
        *(
            table.to_metadata(placed, schema=schema)
            for table in (datums, refs, tombstones, erased, lifetimes)
        ),
    )
