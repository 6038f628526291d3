"""DgentStateBackend passes the state backend and StateFunctor laws over every interpreter:
MemoryDgent, SQLiteDgent, and SQLDgent on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from dualtrack import (
    ConflictError,
    DgentProtocol,
    DgentStateBackend,
    InvalidArgument,
    MemoryDgent,
    SQLDgent,
    SQLiteDgent,
    StateFunctor,
)
from laws.agent_strategies import int_state_logics
from laws.state import check_state_backend, check_state_functor
from tests.stores.sql_support import POSTGRES_URL, postgres_schema

__all__ = ["postgres_schema"]

FAST = settings(max_examples=30, deadline=None)

json_states = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


StoreOpener = Callable[[], Awaitable[DgentProtocol]]


@pytest.fixture(
    params=["memory", "sqlite", "sql-sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreOpener]:
    """Opens one store per law check, on the check's own event loop (SQL connections belong
    to one loop, so SQLDgent runs without a pool and, on PostgreSQL, through SQLAlchemy's
    execution layer: no connection outlives a statement); every backend gets its own state
    name in it."""
    opened: list[DgentProtocol] = []
    if request.param == "postgres":
        schema = request.getfixturevalue("postgres_schema")

    async def open_store() -> DgentProtocol:
        if request.param == "memory":
            return MemoryDgent()
        if request.param == "sqlite":
            return SQLiteDgent(tmp_path / "state.db")
        url = (
            f"sqlite+aiosqlite:///{tmp_path / 'sql.db'}"
            if request.param == "sql-sqlite"
            else POSTGRES_URL
        )
        engine = create_async_engine(url, poolclass=NullPool)
        options = (
            {} if request.param == "sql-sqlite" else {"schema": schema, "driver_statements": False}
        )
        return await SQLDgent.open(engine, namespace="state", dispose_engine=True, **options)

    async def one_per_check() -> DgentProtocol:
        if not opened:
            opened.append(await open_store())
        return opened[-1]

    yield one_per_check
    for made in opened:
        asyncio.run(made.close())


def backends(store: StoreOpener, initial: Any) -> Callable[[], Awaitable[DgentStateBackend[Any]]]:
    async def fresh() -> DgentStateBackend[Any]:
        return DgentStateBackend(await store(), uuid.uuid4().hex, initial=initial)

    return fresh


def test_dgent_state_backend_obeys_the_backend_laws(store: StoreOpener) -> None:
    check_state_backend(backends(store, {"n": 0}), json_states, settings=FAST)


def test_state_functor_laws_hold_over_dgent_state(store: StoreOpener) -> None:
    check_state_functor(backends(store, 0), int_state_logics(), st.integers(-5, 5), settings=FAST)


@given(states=st.lists(json_states, min_size=1, max_size=6))
@FAST
def test_history_is_every_saved_state_newest_first(states: list[Any]) -> None:
    async def scenario() -> tuple[list[Any], list[Any]]:
        backend = DgentStateBackend(MemoryDgent(), "h", initial=None)
        saved: list[Any] = []
        stored = json.dumps(None)
        for state in states:
            _, version = await backend.load()
            await backend.save(state, version)
            if json.dumps(state, separators=(",", ":"), ensure_ascii=False) != stored:
                saved.append(state)
                stored = json.dumps(state, separators=(",", ":"), ensure_ascii=False)
        return await backend.history(), saved

    history, saved = asyncio.run(scenario())
    assert history == saved[::-1]


async def test_each_save_appends_a_datum_whose_parent_is_the_previous_state() -> None:
    store = MemoryDgent()
    backend = DgentStateBackend(store, "doc", initial={"v": 0})
    _, version = await backend.load()
    first = await backend.save({"v": 1}, version)
    second = await backend.save({"v": 2}, first)
    assert isinstance(second, str)
    datum = await store.get(second)
    assert datum is not None
    assert datum.causal_parent == first
    assert datum.metadata["state"] == "doc"
    assert await store.get_ref("state/doc") == second


@pytest.mark.parametrize("state", [(1, 2), {1: "a"}, {"x": float("nan")}, {"s": {1, 2}}])
async def test_states_that_json_would_change_are_refused_and_nothing_is_stored(
    state: Any,
) -> None:
    store = MemoryDgent()
    backend = DgentStateBackend(store, "s", initial=[])
    _, version = await backend.load()
    with pytest.raises(InvalidArgument):
        await backend.save(state, version)
    assert await store.count() == 0


async def test_concurrent_invokes_over_sqlite_lose_no_update(tmp_path: Path) -> None:
    async with SQLiteDgent(tmp_path / "counter.db") as store:
        backend = DgentStateBackend(store, "count", initial=0)
        bump = StateFunctor.lift_logic(lambda x, n: (n + x, n + x), backend=backend)
        await asyncio.gather(*(bump.invoke(1) for _ in range(40)))
        assert (await backend.load())[0] == 40
        assert await backend.history() == list(range(40, 0, -1))


async def test_a_stale_save_raises_conflict(tmp_path: Path) -> None:
    async with SQLiteDgent(tmp_path / "stale.db") as store:
        backend = DgentStateBackend(store, "s", initial=0)
        _, version = await backend.load()
        await backend.save(1, version)
        with pytest.raises(ConflictError, match="load it again"):
            await backend.save(2, version)
        assert await backend.load() == (1, await store.get_ref("state/s"))
