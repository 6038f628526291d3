"""SQLDgent keeps every retention law, on SQLite and on the real PostgreSQL server, and its
compaction leaves no byte of what it removes in the SQLite file or the PostgreSQL table files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import Phase, settings
from sqlalchemy.ext.asyncio import create_async_engine

from dualtrack.errors import LawViolation
from dualtrack.memory.embedder import HashedNgramEmbedder
from dualtrack.memory.retention import CompactionPolicy, Retention
from dualtrack.memory.sql.store import SQLDgent
from laws.retention import (
    RetentionFactory,
    check_erasure,
    check_retention,
    file_residue,
    postgres_residue,
)
from tests.stores.sql_support import POSTGRES_URL, postgres_schema

__all__ = ["postgres_schema"]

#: Few examples: every store opens an engine of its own (and on PostgreSQL a compaction waits
#: for older snapshots of other sessions to end before it vacuums).
FAST = settings(max_examples=10, deadline=None)
STATEFUL = settings(max_examples=8, stateful_step_count=25, deadline=None)
CONCURRENT = settings(max_examples=3, deadline=None)
PLANTED = settings(
    max_examples=20,
    deadline=None,
    report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


def test_sql_dgent_on_sqlite_keeps_the_retention_laws(tmp_path: Path) -> None:
    path = tmp_path / "memory.db"

    async def fresh(namespace: str, clock: Callable[[], float]) -> Retention:
        engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
        return await SQLDgent.open(engine, namespace=namespace, clock=clock, dispose_engine=True)

    check_retention(
        fresh,
        residue=file_residue(path),
        embedder=HashedNgramEmbedder(),
        settings=FAST,
        stateful=STATEFUL,
        concurrent=CONCURRENT,
    )


def _postgres(schema: str) -> RetentionFactory:
    async def fresh(namespace: str, clock: Callable[[], float]) -> Retention:
        engine = create_async_engine(POSTGRES_URL, pool_size=4)
        return await SQLDgent.open(
            engine, namespace=namespace, schema=schema, clock=clock, dispose_engine=True
        )

    return fresh


@pytest.mark.postgres
def test_sql_dgent_on_postgres_keeps_the_retention_laws(postgres_schema: str) -> None:
    check_retention(
        _postgres(postgres_schema),
        residue=postgres_residue,
        embedder=HashedNgramEmbedder(),
        settings=FAST,
        stateful=STATEFUL,
        concurrent=CONCURRENT,
    )


@pytest.mark.postgres
def test_erasure_catches_bytes_a_plain_vacuum_leaves_in_postgres_pages(
    postgres_schema: str,
) -> None:
    """Plain ``VACUUM`` frees a deleted row's space for reuse but leaves its bytes in the page
    until something overwrites them: only ``vacuum="full"`` erases them from the files."""
    with pytest.raises(LawViolation, match="no byte of a compacted datum"):
        check_erasure(
            _postgres(postgres_schema),
            postgres_residue,
            policy=CompactionPolicy(vacuum="normal"),
            settings=PLANTED,
        )
