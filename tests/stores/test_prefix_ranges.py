"""``list(prefix=)`` reads a range of the id index on every store, so its cost follows the
matches, not the namespace (what the LangGraph saver's pending writes rely on)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from dualtrack import Datum, MemoryDgent, SQLDgent, SQLiteDgent
from dualtrack.memory.query import ListQuery
from dualtrack.memory.sqlite import schema
from tests.stores.sql_support import POSTGRES, Database, postgres_schema

__all__ = ["postgres_schema"]

PREFIX = "w-17-"


def _datums() -> list[Datum]:
    """A thousand ids around the prefix, a few under it, out of time order."""
    return [
        Datum(id=f"w-{n}-{k}", content=b"x", created_at=float((n * 7919 + k) % 1000))
        for n in range(100)
        for k in range(10)
    ]


async def test_memory_examines_only_the_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryDgent()
    await store.put_many(_datums())
    examined: list[str] = []
    admits = ListQuery.admits

    def counting(query: ListQuery, datum: Datum) -> bool:
        examined.append(datum.id)
        return admits(query, datum)

    monkeypatch.setattr(ListQuery, "admits", counting)
    page = await store.list(prefix=PREFIX, limit=None)
    assert [d.id for d in page] == [f"w-17-{k}" for k in range(10)]
    assert sorted(examined) == sorted(d.id for d in page)


async def test_sqlite_seeks_both_ends_of_the_id_range(tmp_path: Path) -> None:
    async with SQLiteDgent(tmp_path / "range.db", namespace="r") as store:
        await store.put_many(_datums())
        assert len(await store.list(prefix=PREFIX, limit=None)) == 10
    statement, params = schema.select_page("r", ListQuery.of(prefix=PREFIX), None, 11, now=1e12)
    with sqlite3.connect(tmp_path / "range.db") as connection:
        plan = " ".join(
            row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + statement, params)
        )
    assert "(namespace=? AND id>? AND id<?)" in plan


async def _plan(store: SQLDgent, explain: str) -> str:
    planned = store._page_query(ListQuery.of(prefix=PREFIX), None, 11, False)
    assert planned is not None
    statement, params = planned
    engine: Any = store.engine
    async with engine.connect() as connection:
        compiled = statement.compile(dialect=engine.dialect)
        values = {**compiled.params, **params}
        rows = await connection.exec_driver_sql(
            explain + compiled.string, tuple(values[name] for name in compiled.positiontup or ())
        )
        return "\n".join(str(row[-1]) for row in rows)


async def test_sql_on_sqlite_seeks_both_ends_of_the_id_range(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'range.db'}", None)
    engine = database.engine()
    async with SQLDgent(engine, namespace="r") as store:
        await store.put_many(_datums())
        assert "(namespace=? AND id>? AND id<?)" in await _plan(store, "EXPLAIN QUERY PLAN ")
    await engine.dispose()


@pytest.mark.postgres
async def test_postgres_reads_the_primary_key_range(postgres_schema: str) -> None:
    engine = Database(POSTGRES, postgres_schema).engine()
    async with SQLDgent(engine, namespace="r") as store:
        await store.put_many(_datums())
        async with engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE dualtrack_datums")
        assert "dualtrack_datums_pkey" in await _plan(store, "EXPLAIN ")
        assert len(await store.list(prefix=PREFIX, limit=None)) == 10
    await engine.dispose()
