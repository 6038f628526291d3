"""A PostgreSQL SQLDgent used from another event loop than its own: a typed refusal naming
the cause, never a driver's "attached to a different loop"; closing works from anywhere."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
import warnings

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from dualtrack import BackendUnavailable, Datum, SQLDgent
from dualtrack.errors import LoopUnavailable
from dualtrack.memory.urls import open_dgent
from tests.stores.sql_support import POSTGRES, postgres_schema

__all__ = ["postgres_schema"]

pytestmark = pytest.mark.postgres


async def _opened(schema: str) -> SQLDgent:
    store = await open_dgent(POSTGRES, namespace="loops", schema=schema)
    assert isinstance(store, SQLDgent)
    await store.put(Datum(id="a", content=b"one", created_at=1.0))
    return store


def _refused_everything(store: SQLDgent) -> None:
    for operation in (
        lambda: store.get("a"),
        lambda: store.put(Datum(id="b", content=b"two", created_at=2.0)),
        lambda: store.put_many([Datum(id="c", content=b"three", created_at=3.0)]),
        lambda: store.list(limit=5),
        store.count,
    ):
        with pytest.raises(LoopUnavailable, match="opened on another event loop"):
            asyncio.run(asyncio.wait_for(operation(), 30))  # a regression hangs: bound it


def test_a_store_from_an_earlier_asyncio_run_refuses_with_a_typed_error(
    postgres_schema: str,
) -> None:
    store = asyncio.run(_opened(postgres_schema))
    _refused_everything(store)
    asyncio.run(asyncio.wait_for(store.close(), 30))
    with warnings.catch_warnings():  # the dead loop's connections, dropped unclosed, go now
        warnings.simplefilter("ignore")
        del store
        gc.collect()

    async def unchanged() -> list[str]:
        again = await open_dgent(POSTGRES, namespace="loops", schema=postgres_schema)
        try:
            return [datum.id for datum in await again.list(limit=5)]
        finally:
            await again.close()

    assert asyncio.run(unchanged()) == ["a"]


def test_closing_from_another_loop_closes_on_the_store_s_own_loop(postgres_schema: str) -> None:
    home = asyncio.new_event_loop()
    thread = threading.Thread(target=home.run_forever, daemon=True)
    thread.start()
    try:
        store = asyncio.run_coroutine_threadsafe(_opened(postgres_schema), home).result(30)
        asyncio.run(asyncio.wait_for(store.close(), 30))  # returns at once: closing is there
        pool = store.engine.pool
        deadline = time.monotonic() + 30
        while pool.checkedout() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool.checkedout() == 0
        with pytest.raises(BackendUnavailable, match="closed"):
            asyncio.run_coroutine_threadsafe(store.get("a"), home).result(30)
    finally:
        home.call_soon_threadsafe(home.stop)
        thread.join(30)
        home.close()


def test_closing_after_its_loop_ended_frees_the_engine_s_pool(postgres_schema: str) -> None:
    engine: list[AsyncEngine] = []

    async def opened() -> SQLDgent:
        engine.append(create_async_engine(POSTGRES, pool_size=2, max_overflow=0))
        store = await SQLDgent.open(engine[0], namespace="loops", schema=postgres_schema)
        await store.get("a")
        return store

    store = asyncio.run(opened())
    asyncio.run(asyncio.wait_for(store.close(), 30))
    assert engine[0].pool.checkedout() == 0  # the engine is the caller's: its slots are free
    with warnings.catch_warnings():  # the dead loop's connections, dropped unclosed, go now
        warnings.simplefilter("ignore")
        del store
        gc.collect()
