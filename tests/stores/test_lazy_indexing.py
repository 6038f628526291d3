"""The indexing law on every store: puts never embed, each datum is embedded once by the first
search that reads it (also after reopening), binary content never, and search ranks as if
every vector had been computed at put."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy.ext.asyncio import create_async_engine

from dualtrack.memory import DgentProtocol, Embedder
from dualtrack.memory.memory_store import MemoryDgent, MemorySpace
from dualtrack.memory.sql.store import SQLDgent
from dualtrack.memory.sqlite.store import SQLiteDgent
from dualtrack.memory.urls import open_dgent
from laws.dgent.indexing import EmbeddingStoreFactory, check_lazy_indexing
from tests.stores.sql_support import POSTGRES_URL, postgres_schema

__all__ = ["postgres_schema"]

INDEXING = settings(max_examples=40, deadline=None)


def test_memory_store_indexes_lazily() -> None:
    space = MemorySpace()

    async def fresh(namespace: str, embedder: Embedder) -> DgentProtocol:
        return MemoryDgent(namespace, space=space, embedder=embedder)

    check_lazy_indexing(fresh, settings=INDEXING)


def test_sqlite_store_indexes_lazily(tmp_path: Path) -> None:
    async def fresh(namespace: str, embedder: Embedder) -> DgentProtocol:
        return await SQLiteDgent.open(tmp_path / "a.db", namespace=namespace, embedder=embedder)

    check_lazy_indexing(fresh, settings=INDEXING)


def test_sql_store_on_sqlite_indexes_lazily(tmp_path: Path) -> None:
    async def fresh(namespace: str, embedder: Embedder) -> DgentProtocol:
        url = f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
        return await open_dgent(url, namespace=namespace, embedder=embedder)

    check_lazy_indexing(fresh, settings=INDEXING)


@pytest.mark.postgres
def test_sql_store_on_postgres_indexes_lazily(postgres_schema: str) -> None:
    factory: EmbeddingStoreFactory

    async def factory(namespace: str, embedder: Embedder) -> DgentProtocol:
        engine = create_async_engine(POSTGRES_URL, pool_size=2)
        return await SQLDgent.open(
            engine,
            namespace=namespace,
            schema=postgres_schema,
            embedder=embedder,
            dispose_engine=True,
        )

    check_lazy_indexing(factory, settings=settings(INDEXING, max_examples=25))
