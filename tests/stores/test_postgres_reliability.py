"""SQLDgent on PostgreSQL under several processes, killed connections and restarts: no lost
update, no half-written batch, nothing forgotten."""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import uuid
from typing import Any

import asyncpg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack import (
    BackendUnavailable,
    ConflictError,
    Datum,
    DgentStateBackend,
    SQLDgent,
    StateFunctor,
    open_dgent,
)
from laws.dgent.strategies import forests
from tests.stores.sql_support import POSTGRES, POSTGRES_URL, Database, database, postgres_schema

__all__ = ["database", "postgres_schema"]

SPAWN = multiprocessing.get_context("spawn")
RAW_DSN = POSTGRES_URL.set(drivername="postgresql").render_as_string(hide_password=False)

pytestmark = pytest.mark.postgres


async def _store(schema: str, namespace: str) -> SQLDgent:
    store = await open_dgent(POSTGRES, namespace=namespace, schema=schema, pool_size=2)
    assert isinstance(store, SQLDgent)
    return store


async def _increment(schema: str, times: int) -> None:
    store = await _store(schema, "counter")
    try:
        for _ in range(times):
            while True:
                head = await store.get_ref("counter")
                assert head is not None
                current = await store.get(head)
                assert current is not None
                new = await store.put(current.derive(str(int(current.content) + 1).encode()))
                try:
                    await store.set_ref("counter", new.id, expected=head)
                    break
                except ConflictError:
                    continue
    finally:
        await store.close()


def increment_worker(schema: str, times: int) -> None:
    """Child process: ``times`` compare-and-set increments of the ref ``counter``."""
    asyncio.run(_increment(schema, times))


async def _count_with_state_functor(schema: str, times: int) -> None:
    store = await _store(schema, "state")
    try:
        backend: DgentStateBackend[dict[str, int]] = DgentStateBackend(
            store, "tally", initial={"n": 0}
        )

        def tally(step: int, state: dict[str, int]) -> tuple[int, dict[str, int]]:
            return state["n"] + step, {"n": state["n"] + step}

        counter = StateFunctor(backend, retries=10_000).lift_logic(tally)
        for _ in range(times):
            await counter.invoke(1)
    finally:
        await store.close()


def state_worker(schema: str, times: int) -> None:
    """Child process: ``times`` invokes of a StateFunctor counting in a DgentStateBackend."""
    asyncio.run(_count_with_state_functor(schema, times))


def _run_workers(target: Any, args: tuple[Any, ...], count: int) -> None:
    workers = [SPAWN.Process(target=target, args=args, daemon=True) for _ in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
        assert worker.exitcode == 0, f"a worker failed (exit code {worker.exitcode})"


@pytest.mark.slow
def test_four_processes_of_compare_and_set_increments_lose_none(postgres_schema: str) -> None:
    async def prepare() -> None:
        store = await _store(postgres_schema, "counter")
        root = await store.put(Datum(id="zero", content=b"0", created_at=0.0))
        await store.set_ref("counter", root.id, expected=None)
        await store.close()

    async def values() -> list[int]:
        store = await _store(postgres_schema, "counter")
        head = await store.get_ref("counter")
        assert head is not None
        chain = [int(d.content) for d in await store.causal_chain(head)]
        await store.close()
        return chain

    asyncio.run(prepare())
    _run_workers(increment_worker, (postgres_schema, 250), 4)
    assert asyncio.run(values()) == list(range(1001))


@pytest.mark.slow
def test_a_state_functor_in_eight_processes_loses_no_update(postgres_schema: str) -> None:
    async def prepare() -> None:
        await (await _store(postgres_schema, "state")).close()  # tables exist before the race

    asyncio.run(prepare())
    _run_workers(state_worker, (postgres_schema, 20), 8)

    async def final() -> tuple[dict[str, int], list[dict[str, int]]]:
        store = await _store(postgres_schema, "state")
        backend: DgentStateBackend[dict[str, int]] = DgentStateBackend(
            store, "tally", initial={"n": 0}
        )
        state, _ = await backend.load()
        history = await backend.history()
        await store.close()
        return state, history

    state, history = asyncio.run(final())
    assert state == {"n": 160}
    assert history == [{"n": n} for n in range(160, 0, -1)]


async def test_a_connection_killed_mid_put_many_leaves_nothing_half_written(
    postgres_schema: str,
) -> None:
    name = f"dgent-victim-{uuid.uuid4().hex[:12]}"
    settings_ = {"application_name": name, "search_path": postgres_schema}
    engine = Database(POSTGRES, postgres_schema).engine(
        pool_size=2, connect_args={"server_settings": settings_}
    )
    admin = await asyncpg.connect(RAW_DSN)
    store = await SQLDgent.open(engine, namespace="killed", connections=1, dispose_engine=True)
    try:
        kept = await store.put(Datum(id="kept", content=b"before", created_at=0.0))
        for attempt in range(3):
            batch = [
                Datum(
                    id=f"a{attempt}-{n}",
                    content=b"row %d" % n,
                    created_at=float(n),
                    metadata={"n": n},
                )
                for n in range(20_000)
            ]
            writing = asyncio.create_task(store.put_many(batch))
            killed = False
            while not writing.done() and not killed:
                pid = await admin.fetchval(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE application_name = $1 AND backend_xid IS NOT NULL",
                    name,
                )
                if pid is not None:
                    killed = await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
                await asyncio.sleep(0.002)
            assert killed, "the transaction ended before it could be killed"
            with pytest.raises(BackendUnavailable, match="lost mid-write"):
                await writing
            assert await store.count() == 1 + attempt, "a killed batch left rows behind"
            assert await store.get(kept.id) == kept
            assert await store.put_many(batch[:1]) == batch[:1]
    finally:
        await store.close()
        await admin.close()


def test_a_restarted_store_keeps_every_datum_and_ref(database: Database) -> None:
    @given(batch=forests(max_size=12).filter(bool), data=st.data())
    @settings(max_examples=6, deadline=None)
    def property_(batch: list[Datum], data: st.DataObject) -> None:
        names = data.draw(
            st.lists(
                st.text(min_size=1, max_size=6).filter(lambda n: "\x00" not in n),
                max_size=3,
                unique=True,
            ),
            label="refs",
        )
        refs = {name: data.draw(st.sampled_from(batch), label=name).id for name in names}
        namespace = f"restart-{uuid.uuid4().hex}"

        async def first_life() -> list[Datum]:
            engine = database.engine()
            async with SQLDgent(engine, namespace=namespace, dispose_engine=True) as store:
                await store.put_many(batch)
                for name, target in refs.items():
                    await store.set_ref(name, target, expected=None)
                return [d async for d in store.scan()]

        async def second_life() -> tuple[list[Datum], dict[str, str | None], list[Any]]:
            engine = database.engine()
            async with SQLDgent(engine, namespace=namespace, dispose_engine=True) as store:
                stored = [d async for d in store.scan()]
                pointed = {name: await store.get_ref(name) for name in refs}
                chains = [await store.causal_chain(d.id) for d in batch]
                return stored, pointed, chains

        before = asyncio.run(first_life())
        after, pointed, chains = asyncio.run(second_life())
        assert after == before
        assert sorted(after, key=lambda d: d.id) == sorted(batch, key=lambda d: d.id)
        assert pointed == refs
        by_id = {d.id: d for d in batch}
        for datum, chain in zip(batch, chains, strict=True):
            assert chain[-1] == datum
            assert all(
                child.causal_parent == parent.id for parent, child in itertools.pairwise(chain)
            )
            assert chain[0].causal_parent is None
            assert all(d == by_id[d.id] for d in chain)

    property_()
