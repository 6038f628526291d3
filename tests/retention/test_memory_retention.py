"""MemoryDgent, the reference interpreter, keeps every retention law; TableAdapter says why it
cannot forget; bad arguments are refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from dualtrack import Base, Crystal, Datum, TableAdapter
from dualtrack.errors import InvalidArgument, InvalidDatum, RetentionUnsupported
from dualtrack.memory.embedder import HashedNgramEmbedder
from dualtrack.memory.memory_store import MemoryDgent, MemorySpace
from dualtrack.memory.retention import EXPIRES_AT, CompactionPolicy, Retention, retention_of
from laws.retention import check_retention, memory_residue

FAST = settings(max_examples=30, deadline=None)
STATEFUL = settings(max_examples=25, stateful_step_count=30, deadline=None)
CONCURRENT = settings(max_examples=10, deadline=None)


def test_memory_dgent_keeps_the_retention_laws() -> None:
    space = MemorySpace()

    async def fresh(namespace: str, clock: Callable[[], float]) -> Retention:
        return MemoryDgent(namespace, space=space, clock=clock)

    check_retention(
        fresh,
        residue=memory_residue,
        embedder=HashedNgramEmbedder(),
        settings=FAST,
        stateful=STATEFUL,
        concurrent=CONCURRENT,
    )


async def test_table_adapter_says_why_it_cannot_forget(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    adapter = TableAdapter(model=Crystal, session_factory=async_sessionmaker(engine))
    assert not isinstance(adapter, Retention)
    with pytest.raises(RetentionUnsupported, match="application state"):
        await adapter.forget(ids=["x"])
    with pytest.raises(RetentionUnsupported, match="Delete rows with your ORM"):
        await adapter.compact(CompactionPolicy(), dry_run=True)
    with pytest.raises(RetentionUnsupported, match="TableAdapter cannot forget or compact"):
        retention_of(adapter)
    await engine.dispose()


async def test_forget_and_compact_refuse_bad_arguments() -> None:
    store = MemoryDgent()
    await store.put(Datum(id="a", content=b"x", created_at=1.0))
    for bad in (
        {},
        {"ids": "a"},
        {"ids": ["a"], "prefix": "a"},
        {"prefix": ""},
        {"metadata": {}},
        {"ref": ""},
    ):
        with pytest.raises(InvalidArgument):
            await store.forget(**bad)
    with pytest.raises(InvalidArgument, match="CompactionPolicy"):
        await store.compact("everything")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="dry_run"):
        await store.compact(dry_run="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="lifetime"):
        await store.set_lifetime(0)
    with pytest.raises(InvalidDatum, match="expires_at"):
        await store.put(Datum(id="b", content=b"", created_at=1.0, metadata={EXPIRES_AT: "soon"}))
    assert await store.count(include_hidden=True) == 1
