"""Residues: the bytes a store keeps at rest, which the erasure law searches for what was
compacted away.

* :func:`memory_residue`: every byte string a ``MemoryDgent``'s space holds for its namespace;
* :func:`file_residue`: an SQLite file with its ``-wal``, ``-shm`` and ``-journal`` files;
* :func:`postgres_residue`: the data files of an ``SQLDgent``'s tables, their indexes and
  TOAST tables on the PostgreSQL server, read after a ``CHECKPOINT`` with
  ``pg_read_binary_file``, so it needs a superuser (or the ``pg_read_server_files`` and
  ``pg_checkpoint`` roles). The server's write-ahead log and backups are not searched: old
  bytes stay there until the server recycles them.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from sqlalchemy import text

from dualtrack.memory.retention import Retention
from laws.retention.support import Residue

_SIDECARS = ("", "-wal", "-shm", "-journal")


async def memory_residue(store: Retention) -> bytes:
    """Everything a ``MemoryDgent`` holds for its namespace, joined."""
    holdings = getattr(store, "holdings", None)
    if holdings is None:
        raise TypeError(f"memory_residue reads a MemoryDgent, got {store!r}")
    return b"\x00".join(holdings())


def file_residue(path: str | os.PathLike[str]) -> Residue:
    """A residue reading the SQLite file at ``path`` and its sidecar files."""
    base = os.fspath(path)

    def files() -> bytes:
        parts = []
        for suffix in _SIDECARS:
            candidate = Path(base + suffix)
            if candidate.exists():
                parts.append(candidate.read_bytes())
        return b"\x00".join(parts)

    async def read(store: Retention) -> bytes:
        return await asyncio.to_thread(files)

    return read


_RELATIONS = text(
    """WITH tables AS (
        SELECT c.oid, c.reltoastrelid FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND c.relname = ANY(:names)
    ), relations AS (
        SELECT oid FROM tables
        UNION SELECT reltoastrelid FROM tables WHERE reltoastrelid <> 0
        UNION SELECT i.indexrelid FROM pg_index i
            WHERE i.indrelid IN (SELECT oid FROM tables)
               OR i.indrelid IN (SELECT reltoastrelid FROM tables)
    )
    SELECT pg_relation_filepath(oid) FROM relations"""
)

_READ = text("SELECT pg_read_binary_file(:path, 0, (pg_stat_file(:path, true)).size, true)")


async def postgres_residue(store: Retention) -> bytes:
    """The table, index and TOAST data files of an ``SQLDgent`` on PostgreSQL, joined."""
    engine: Any = getattr(store, "engine", None)
    tables: Any = getattr(store, "tables", None)
    if engine is None or tables is None or engine.dialect.name != "postgresql":
        raise TypeError(f"postgres_residue reads an SQLDgent on PostgreSQL, got {store!r}")
    schema = tables.datums.schema
    parts: list[bytes] = []
    async with engine.connect() as connection:
        if schema is None:
            schema = (await connection.execute(text("SELECT current_schema()"))).scalar_one()
        await connection.execute(text("CHECKPOINT"))
        names = [table.name for table in tables.metadata.sorted_tables]
        paths = await connection.execute(_RELATIONS, {"schema": schema, "names": names})
        for (path,) in paths.all():
            for segment in (path, *(f"{path}.{n}" for n in range(1, 4))):
                data = (await connection.execute(_READ, {"path": segment})).scalar_one()
                if data is not None:
                    parts.append(bytes(data))
        await connection.rollback()
    return b"\x00".join(parts)
