"""Hostile input on every store: a typed error or success, never a builtin error, the store
unchanged on refusal; one caller's bad write never fails another's; cursors stay in their
namespace."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from dualtrack import (
    Datum,
    DualtrackError,
    InvalidArgument,
    InvalidCursor,
    InvalidDatum,
    UnknownDatum,
)
from dualtrack.memory.memory_store import MemoryDgent
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.sqlite import writer as sqlite_writer
from dualtrack.memory.sqlite.store import SQLiteDgent
from laws.dgent.hostile import check_hostile_catalogue, check_hostile_inputs
from laws.dgent.support import StoreFactory
from laws.private_loop import event_loop
from tests.stores.sql_support import postgres_schema, postgres_stores, sqlite_stores

__all__ = ["postgres_schema"]

HOSTILE = settings(max_examples=60, deadline=None)


def memory_stores() -> StoreFactory:
    async def fresh(namespace: str) -> DgentProtocol:
        return MemoryDgent(namespace)

    return fresh


def sqlite_files(path: Path) -> StoreFactory:
    async def fresh(namespace: str) -> DgentProtocol:
        return await SQLiteDgent.open(path, namespace=namespace)

    return fresh


def test_memory_store_survives_hostile_input() -> None:
    check_hostile_inputs(memory_stores(), settings=HOSTILE)


def test_sqlite_store_survives_hostile_input(tmp_path: Path) -> None:
    check_hostile_inputs(sqlite_files(tmp_path / "hostile.db"), settings=HOSTILE)


def test_sql_store_on_sqlite_survives_hostile_input(tmp_path: Path) -> None:
    check_hostile_inputs(sqlite_stores(tmp_path / "hostile-sql.db"), settings=HOSTILE)


@pytest.mark.postgres
def test_sql_store_on_postgres_survives_hostile_input(postgres_schema: str) -> None:
    check_hostile_inputs(
        postgres_stores(postgres_schema), settings=settings(HOSTILE, max_examples=30)
    )


@pytest.mark.parametrize("store", ["memory", "sqlite", "sql-on-sqlite"])
def test_every_store_survives_the_whole_hostile_catalogue(store: str, tmp_path: Path) -> None:
    factories: dict[str, Callable[[], StoreFactory]] = {
        "memory": memory_stores,
        "sqlite": lambda: sqlite_files(tmp_path / "catalogue.db"),
        "sql-on-sqlite": lambda: sqlite_stores(tmp_path / "catalogue-sql.db"),
    }
    check_hostile_catalogue(factories[store]())


@pytest.mark.postgres
def test_sql_store_on_postgres_survives_the_whole_hostile_catalogue(
    postgres_schema: str,
) -> None:
    check_hostile_catalogue(postgres_stores(postgres_schema))


def _stores(tmp_path: Path) -> list[StoreFactory]:
    return [memory_stores(), sqlite_files(tmp_path / "a.db"), sqlite_stores(tmp_path / "b.db")]


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"k": value}
    return value


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.set_ref("r", "\ud800"), UnknownDatum),
        (lambda s: s.get_ref("\ud800"), InvalidArgument),
        (lambda s: s.search("\ud800"), InvalidArgument),
        (lambda s: s.list(metadata={"k": _deep(10_000)}), InvalidArgument),
        (lambda s: s.list(metadata={"k": 10**5000}), InvalidArgument),
        (lambda s: s.list(after=10**400), InvalidArgument),
        (lambda s: s.put_many(5), InvalidArgument),
        (lambda s: s.list(limit=2**31), InvalidArgument),
        (lambda s: s.list(limit=2**63), InvalidArgument),
        (lambda s: s.search("x", limit=10**20), InvalidArgument),
        (lambda s: s.list_refs(limit=2**63), InvalidArgument),
    ],
)
def test_each_bad_argument_is_one_typed_refusal_everywhere(
    tmp_path: Path, call: Any, error: type[DualtrackError]
) -> None:
    async def on(factory: StoreFactory) -> None:
        store = await factory("ns")
        try:
            with pytest.raises(error):
                await call(store)
        finally:
            await store.close()

    with event_loop() as run_async:
        for factory in _stores(tmp_path):
            run_async(on(factory))


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda s: s.get("\ud800"), None),
        (lambda s: s.exists("a\udfffb"), False),
        (lambda s: s.children("\ud800"), []),
        (lambda s: s.causal_chain("\ud800"), []),
    ],
)
def test_text_no_id_can_hold_is_simply_not_found_everywhere(
    tmp_path: Path, call: Any, expected: object
) -> None:
    async def on(factory: StoreFactory) -> None:
        store = await factory("ns")
        try:
            assert await call(store) == expected
            assert list(await store.list(prefix="\ud800")) == []
        finally:
            await store.close()

    with event_loop() as run_async:
        for factory in _stores(tmp_path):
            run_async(on(factory))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Datum(id="a", content=b"", metadata={"\ud800": 1}),
        lambda: Datum(id="a", content=b"", created_at=10**400),
        lambda: Datum(id="a", content=b"", metadata={"n": 10**5000}),
        lambda: Datum(id="a", content=b"", metadata={"n": _deep(10_000)}),
    ],
)
def test_datum_refuses_what_no_store_could_hold(make: Any) -> None:
    with pytest.raises(InvalidDatum):
        make()


async def test_one_bad_set_ref_fails_alone_among_concurrent_puts(tmp_path: Path) -> None:
    async with SQLiteDgent(tmp_path / "crowd.db", namespace="crowd") as store:

        async def good(i: int) -> None:
            await store.put(Datum(id=f"g{i}", content=b"", created_at=1.0))

        results = await asyncio.gather(
            *(good(i) for i in range(100)),
            store.set_ref("r", "\ud800"),
            *(good(i) for i in range(100, 200)),
            return_exceptions=True,
        )
        assert isinstance(results[100], UnknownDatum)
        assert [r for i, r in enumerate(results) if i != 100] == [None] * 200
        assert await store.count() == 200


async def test_a_write_failing_inside_its_group_fails_alone(tmp_path: Path) -> None:
    def setup(connection: sqlite3.Connection) -> None:
        connection.execute("CREATE TABLE t (v TEXT)")

    writer = sqlite_writer.Writer(str(tmp_path / "group.db"), 5.0, setup)
    await writer.start()

    def insert(value: str) -> Any:
        return lambda connection: connection.execute("INSERT INTO t VALUES (?)", (value,))

    try:
        futures = [writer.submit(insert(f"v{i}")) for i in range(50)]
        futures.insert(25, writer.submit(insert("\ud800")))  # not UTF-8: fails in the driver
        results = await asyncio.gather(*futures, return_exceptions=True)
        assert isinstance(results[25], UnicodeEncodeError)
        assert not any(isinstance(r, BaseException) for i, r in enumerate(results) if i != 25)
        count = await writer.submit(lambda c: c.execute("SELECT count(*) FROM t").fetchone()[0])
        assert count == 50
    finally:
        await writer.stop()


def test_a_cursor_from_another_namespace_is_refused(tmp_path: Path) -> None:
    async def on(factory: StoreFactory) -> None:
        first, second = await factory("first"), await factory("second")
        try:
            for store in (first, second):
                await store.put_many(
                    [Datum(id=f"d{i}", content=b"", created_at=float(i)) for i in range(3)]
                )
            page = await first.list(limit=1)
            assert page.cursor is not None
            assert len(await first.list(limit=1, cursor=page.cursor)) == 1
            with pytest.raises(InvalidCursor):
                await second.list(limit=1, cursor=page.cursor)
        finally:
            await first.close()
            await second.close()

    with event_loop() as run_async:
        for factory in _stores(tmp_path):
            run_async(on(factory))
