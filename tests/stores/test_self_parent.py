"""A datum that names itself as its causal parent is refused by every store with a message that
says so (not "put the parent first"), and nothing is stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from dualtrack import (
    Crystal,
    Datum,
    DgentProtocol,
    ImmutableDatumError,
    MemoryDgent,
    MissingParentError,
    SQLDgent,
    SQLiteDgent,
    TableAdapter,
)
from tests.bridge.bridge_support import tables
from tests.stores.sql_support import Database, database, postgres_schema

__all__ = ["database", "postgres_schema", "tables"]

Opener = Callable[[Database, Path], Awaitable[DgentProtocol]]


async def memory(_: Database, __: Path) -> DgentProtocol:
    return MemoryDgent()


async def sqlite(_: Database, folder: Path) -> DgentProtocol:
    return await SQLiteDgent.open(folder / "self.db")


async def sql(database: Database, _: Path) -> DgentProtocol:
    return await SQLDgent.open(database.engine(), dispose_engine=True)


async def adapter(database: Database, _: Path) -> DgentProtocol:
    return TableAdapter(Crystal, async_sessionmaker(database.engine()), dispose_engine=True)


def crystal(id_: str, parent: str | None = None) -> Datum:
    row = {"content_hash": "h" * 64, "summary": id_, "tags": [], "datum_id": "d"}
    return Datum(id=id_, content=json.dumps(row).encode(), causal_parent=parent)


@asynccontextmanager
async def opened(open_: Opener, db: Database, folder: Path) -> AsyncIterator[DgentProtocol]:
    store = await open_(db, folder)
    try:
        yield store
    finally:
        await store.close()


@pytest.mark.parametrize("open_", [memory, sqlite, sql, adapter])
async def test_a_datum_naming_itself_as_parent_is_refused_with_that_reason(
    open_: Opener, tables: Database, tmp_path: Path
) -> None:
    async with opened(open_, tables, tmp_path) as store:
        for put in (store.put, lambda d: store.put_many([d])):
            with pytest.raises(MissingParentError) as raised:
                await put(crystal("loop", parent="loop"))
            message = str(raised.value)
            assert "'loop' names itself as its causal parent" in message
            assert "put the parent first" not in message
            assert "causal_parent=None" in message
        assert await store.count() == 0


@pytest.mark.parametrize("open_", [memory, sqlite, sql])
async def test_a_content_addressed_child_with_its_parents_content_is_explained(
    open_: Opener, tables: Database, tmp_path: Path
) -> None:
    async with opened(open_, tables, tmp_path) as store:
        parent = await store.put(Datum.create(b"same", content_addressed=True))
        child = parent.derive(b"same", content_addressed=True)
        with pytest.raises(ImmutableDatumError, match="names itself as its causal parent") as e:
            await store.put(child)
        assert "content_addressed=False" in str(e.value)
        assert await store.causal_chain(parent.id) == [parent]
