"""Every interpreter answers the same random operations identically: MemoryDgent, SQLiteDgent,
SQLDgent on SQLite, and SQLDgent on PostgreSQL (through the driver and through SQLAlchemy)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from dualtrack.memory.memory_store import MemoryDgent
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.sqlite.store import SQLiteDgent
from laws.dgent import check_agreement
from tests.stores.sql_support import postgres_schema, postgres_stores, sqlite_stores

__all__ = ["postgres_schema"]

AGREEMENT = settings(max_examples=25, stateful_step_count=30, deadline=None)


@pytest.mark.postgres
def test_all_interpreters_agree_on_random_operations(tmp_path: Path, postgres_schema: str) -> None:
    async def memory(namespace: str) -> DgentProtocol:
        return MemoryDgent(namespace)

    async def sqlite(namespace: str) -> DgentProtocol:
        return await SQLiteDgent.open(tmp_path / "sqlite.db", namespace=namespace)

    check_agreement(
        memory,
        sqlite,
        sqlite_stores(tmp_path / "sql.db"),
        postgres_stores(postgres_schema),
        postgres_stores(postgres_schema, tag="core:", driver_statements=False),
        settings=AGREEMENT,
    )
