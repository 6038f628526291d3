"""How much disk a store takes: the SQLite file with its WAL, or the PostgreSQL tables."""

from __future__ import annotations

from sqlalchemy import bindparam, text

from dualtrack.memory import DgentProtocol
from dualtrack.memory.sql.store import SQLDgent
from dualtrack.urls import sqlite_file

_POSTGRES_SIZE = text(
    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class AS c "
    "WHERE c.relname IN :tables AND c.relkind = 'r' AND pg_table_is_visible(c.oid)"
).bindparams(bindparam("tables", expanding=True))


async def disk_usage(url: str, store: DgentProtocol) -> int | None:
    """Bytes on disk of the store at ``url`` (every namespace), or ``None`` when it has no
    disk (``memory://``) or the size cannot be read."""
    path = sqlite_file(url)
    if path is not None:
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        return sum(part.stat().st_size for part in files if part.exists())
    if isinstance(store, SQLDgent) and store.engine.dialect.name == "postgresql":
        async with store.engine.connect() as connection:
            found = await connection.scalar(
                _POSTGRES_SIZE, {"tables": sorted(SQLDgent.metadata.tables)}
            )
        return int(found or 0)
    return None
