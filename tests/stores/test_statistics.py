"""A bulk copy leaves PostgreSQL's planner statistics current, so reads right after it plan
by index even where autovacuum is off (as on this project's CI server)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from dualtrack import Datum, MemoryDgent
from dualtrack.memory.sql.store import SQLDgent
from dualtrack.memory.transfer.copying import copy_namespace
from dualtrack.memory.transfer.jsonl import import_lines
from tests.stores.sql_support import POSTGRES_URL, postgres_schema

__all__ = ["postgres_schema"]


class Counting(MemoryDgent):
    """Counts the statistics refreshes asked of it."""

    refreshed = 0

    async def refresh_statistics(self) -> None:
        self.refreshed += 1


def test_a_copy_refreshes_the_destination_statistics() -> None:
    async def scenario() -> int:
        source, destination = MemoryDgent(), Counting()
        await source.put_many([Datum.create(b"%d" % n) for n in range(3)])
        await copy_namespace(source, destination)
        return destination.refreshed

    assert asyncio.run(scenario()) == 1


def test_an_import_refreshes_the_statistics_of_each_namespace_it_loaded() -> None:
    opened: dict[str, Counting] = {}

    async def open_store(namespace: str) -> Counting:
        opened[namespace] = Counting(namespace)
        return opened[namespace]

    lines = [
        '{"namespace":"loaded"}',
        Datum(id="a", content=b"", created_at=1.0).to_json(),
        '{"namespace":"empty"}',
    ]
    asyncio.run(import_lines(lines, open_store))
    assert {name: store.refreshed for name, store in opened.items()} == {"loaded": 1, "empty": 0}


@pytest.mark.postgres
def test_refreshed_statistics_count_the_loaded_rows(postgres_schema: str) -> None:
    async def scenario() -> float:
        engine = create_async_engine(POSTGRES_URL)
        store = await SQLDgent.open(engine, schema=postgres_schema, dispose_engine=True)
        try:
            await store.put_many([Datum.create(b"%d" % n) for n in range(500)])
            await store.refresh_statistics()
            async with engine.connect() as connection:
                rows = await connection.exec_driver_sql(
                    "SELECT reltuples FROM pg_class JOIN pg_namespace ON relnamespace = "
                    "pg_namespace.oid WHERE nspname = $1 AND relname = 'dualtrack_datums'",
                    (postgres_schema,),
                )
                return float(rows.scalar_one())
        finally:
            await store.close()

    assert asyncio.run(scenario()) == 500
