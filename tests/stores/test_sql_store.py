"""SQLDgent beyond the conformance kit: the caller's transaction, Alembic, the JSONB index,
ids no database can hold, shared reads, serialization retries and bad arguments."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, Text, func, select

from dualtrack import (
    BackendUnavailable,
    ConflictError,
    Datum,
    ImmutableDatumError,
    InvalidArgument,
    SQLDgent,
    UnknownDatum,
)
from dualtrack.memory.metadata import canonical_json
from dualtrack.memory.query import ListQuery
from dualtrack.memory.sql import store as sql_store
from dualtrack.memory.sql.facets import facets_json, filter_json
from laws.dgent.strategies import forests
from laws.dgent.strategies import metadata as metadata_strategy
from tests.stores.sql_support import POSTGRES, Database, database, postgres_schema

__all__ = ["database", "postgres_schema"]

FEW = settings(max_examples=12, deadline=None)


def _notes() -> tuple[MetaData, Table]:
    app = MetaData()
    notes = Table("notes", app, Column("id", Integer, primary_key=True), Column("text", Text))
    return app, notes


async def _everything(store: SQLDgent) -> list[Datum]:
    return [datum async for datum in store.scan()]


def test_a_datum_and_application_rows_commit_or_roll_back_together(database: Database) -> None:
    @given(batch=forests(max_size=6).filter(bool), commit=st.booleans())
    @FEW
    def property_(batch: list[Datum], commit: bool) -> None:
        async def scenario() -> None:
            engine = database.engine()
            app, notes = _notes()
            namespace = f"txn-{uuid.uuid4().hex}"
            async with engine.begin() as connection:
                await connection.run_sync(app.create_all)
            async with SQLDgent(engine, namespace=namespace) as outside:
                await outside.count()  # creates the tables outside the transaction
                async with engine.connect() as connection:
                    transaction = await connection.begin()
                    inside = SQLDgent(connection, namespace=namespace)
                    await inside.put_many(batch)
                    await connection.execute(notes.insert(), {"text": namespace})
                    changed = Datum(id=batch[0].id, content=batch[0].content + b"!")
                    with pytest.raises(ImmutableDatumError):
                        await inside.put(changed)
                    assert await inside.get(batch[0].id) == batch[0]
                    assert await outside.get(batch[0].id) is None, "visible before commit"
                    await (transaction.commit() if commit else transaction.rollback())
                    await inside.close()
                stored = await _everything(outside)
                assert {d.id for d in stored} == ({d.id for d in batch} if commit else set())
                async with engine.connect() as connection:
                    found = select(func.count()).where(notes.c.text == namespace)
                    rows = (await connection.execute(found)).scalar_one()
                assert rows == (1 if commit else 0)
            await engine.dispose()

        asyncio.run(scenario())

    property_()


async def test_alembic_autogenerate_sees_the_tables(database: Database) -> None:
    engine = database.engine()
    async with SQLDgent(engine) as store:
        await store.count()
    app, _ = _notes()

    def include_object(obj: Any, name: Any, type_: str, reflected: bool, compare_to: Any) -> bool:
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is None or table.name not in SQLDgent.metadata.tables

    def differences(connection: Any, /, target: Any, **options: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts=options)
        return list(compare_metadata(context, target))

    async with engine.connect() as connection:
        alone = await connection.run_sync(differences, SQLDgent.metadata)
        merged = await connection.run_sync(differences, [app, SQLDgent.metadata])
        filtered = await connection.run_sync(differences, app, include_object=include_object)
        unaware = await connection.run_sync(differences, app)
    await engine.dispose()
    assert alone == [], "the tables the store made differ from SQLDgent.metadata"
    assert [d[0] for d in merged] == ["add_table"]
    assert [d[0] for d in filtered] == ["add_table"]
    assert {d[0] for d in unaware} >= {"remove_table"}, "without either, Alembic drops them"


@pytest.mark.postgres
async def test_metadata_filters_are_served_by_the_gin_index(postgres_schema: str) -> None:
    database = Database(POSTGRES, postgres_schema)
    engine = database.engine()
    async with SQLDgent(engine, namespace="gin") as store:
        await store.put_many(
            Datum(id=f"d{n}", content=b"x", created_at=float(n), metadata={"kind": f"k{n}"})
            for n in range(3000)
        )
        async with engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE dualtrack_datums")
        query = ListQuery.of(metadata={"kind": "k7"})
        planned = store._page_query(query, None, 11, False)
        assert planned is not None
        statement, params = planned
        async with engine.connect() as connection:
            compiled = statement.compile(dialect=engine.dialect)
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            plan = await driver.fetch(
                "EXPLAIN " + compiled.string,
                *(params[name] for name in compiled.positiontup or ()),
            )
        assert "dualtrack_datums_by_facets" in "\n".join(row[0] for row in plan)
        assert [d.id for d in await store.list(metadata={"kind": "k7"})] == ["d7"]
    await engine.dispose()


unholdable = st.one_of(
    st.text(min_size=1, max_size=8).map(lambda text: text + "\x00"),
    st.sampled_from(["\ud800", "a\udfffb"]),
    st.text(min_size=256, max_size=300),
)


def test_ids_no_database_can_hold_are_simply_not_found(database: Database) -> None:
    @given(text=unholdable)
    @FEW
    def property_(text: str) -> None:
        async def scenario() -> None:
            engine = database.engine()
            async with SQLDgent(engine, namespace=f"odd-{uuid.uuid4().hex}") as store:
                root = await store.put(Datum(id="root", content=b"r", created_at=1.0))
                before = await _everything(store)
                assert await store.get(text) is None
                assert await store.exists(text) is False
                assert await store.causal_chain(text) == []
                assert await store.children(text) == []
                assert list(await store.list(prefix=text)) == []
                with pytest.raises(UnknownDatum):
                    await store.set_ref("head", text)
                with pytest.raises(ConflictError):
                    await store.set_ref("head", root.id, expected=text)
                assert await store.get_ref("head") is None
                assert await _everything(store) == before
            await engine.dispose()

        asyncio.run(scenario())

    property_()


def test_concurrent_gets_each_get_their_own_answer(database: Database) -> None:
    @given(
        batch=forests(max_size=10),
        wanted=st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=60),
        connections=st.integers(min_value=1, max_value=4),
    )
    @FEW
    def property_(batch: list[Datum], wanted: list[int], connections: int) -> None:
        ids = [d.id for d in batch] + [f"missing-{n}" for n in range(5)]
        asked = [ids[n % len(ids)] for n in wanted]
        expected = {d.id: d for d in batch}

        async def scenario() -> None:
            engine = database.engine()
            namespace = f"reads-{uuid.uuid4().hex}"
            async with SQLDgent(engine, namespace=namespace, connections=connections) as store:
                await store.put_many(batch)
                answers = await asyncio.gather(*(store.get(datum_id) for datum_id in asked))
            await engine.dispose()
            assert answers == [expected.get(datum_id) for datum_id in asked]

        asyncio.run(scenario())

    property_()


@pytest.mark.postgres
async def test_serialization_failures_are_retried_until_they_pass(
    postgres_schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    transient: list[BaseException] = []
    real = sql_store.is_transient

    def counting(error: BaseException) -> bool:
        if real(error):
            transient.append(error)
            return True
        return False

    monkeypatch.setattr(sql_store, "is_transient", counting)
    serializable = {"default_transaction_isolation": "serializable"}
    database = Database(POSTGRES, postgres_schema)
    engine = database.engine(
        pool_size=8,
        connect_args={"server_settings": {**serializable, "search_path": database.schema}},
    )
    async with SQLDgent(engine, namespace="serial", connections=8) as store:
        shared = [Datum(id=f"s{n}", content=b"%d" % n, created_at=float(n)) for n in range(40)]
        batches = [
            [
                *shared[(offset * 7 + round_ * 5) % 30 :][:10],
                Datum(id=f"w{offset}-{round_}", content=b"w", created_at=1.0),
            ]
            for offset in range(8)
            for round_ in range(6)
        ]

        async def writer(offset: int) -> None:
            for batch in batches[offset::8]:
                await store.put_many(batch)

        await asyncio.gather(*(writer(offset) for offset in range(8)))
        written = {datum.id for batch in batches for datum in batch}
        assert {datum.id for datum in await _everything(store)} == written
    await engine.dispose()
    assert transient, "no serialization failure happened: the test did not exercise retries"


async def test_a_closed_store_refuses_every_call(database: Database) -> None:
    engine = database.engine()
    store = await SQLDgent.open(engine, namespace="closed")
    await store.put(Datum(id="a", content=b"a", created_at=1.0))
    await store.close()
    calls = [
        store.get("a"),
        store.put(Datum(id="b", content=b"b", created_at=1.0)),
        store.list(),
        store.set_ref("head", "a"),
    ]
    for call in calls:
        with pytest.raises(BackendUnavailable, match="closed"):
            await call
    await engine.dispose()


async def test_batches_larger_than_one_statement_are_stored_whole(database: Database) -> None:
    engine = database.engine()
    chain = [Datum(id="c0000", content=b"0", created_at=0.0)]
    for number in range(1, 1300):
        chain.append(chain[-1].derive(b"%d" % number, created_at=float(number)))
    async with SQLDgent(engine, namespace="big") as store:
        assert await store.put_many(chain) == chain
        assert await store.put_many(reversed(chain)) == list(reversed(chain))
        assert await store.count() == len(chain)
        assert await store.causal_chain(chain[-1].id) == chain
    await engine.dispose()


async def test_unusable_arguments_are_refused(database: Database) -> None:
    engine = database.engine()
    with pytest.raises(InvalidArgument, match="AsyncEngine"):
        SQLDgent("sqlite:///x.db")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="connections"):
        SQLDgent(engine, connections=0)
    if database.dialect == "sqlite":
        with pytest.raises(InvalidArgument, match="schema"):
            SQLDgent(engine, schema="elsewhere")
    await engine.dispose()


@pytest.mark.postgres
async def test_schemas_keep_stores_apart(postgres_schema: str) -> None:
    database = Database(POSTGRES, postgres_schema)
    engine = database.engine()
    datum = Datum(id="same", content=b"one", created_at=1.0)
    async with SQLDgent(engine, schema=postgres_schema) as here:
        await here.put(datum)
        await here.set_ref("head", "same")
        other = f"{postgres_schema}_other"
        async with SQLDgent(engine, schema=other) as there:
            assert await there.get("same") is None
            assert await there.get_ref("head") is None
            await there.put(Datum(id="same", content=b"two", created_at=1.0))
            async with engine.begin() as connection:
                quoted = engine.dialect.identifier_preparer.quote(other)
                await connection.exec_driver_sql(f"DROP SCHEMA {quoted} CASCADE")
        assert await here.get("same") == datum
    await engine.dispose()


def test_cancelled_calls_leave_whole_batches_and_a_working_store(database: Database) -> None:
    @given(delay=st.floats(min_value=0.0, max_value=0.02), tasks=st.integers(1, 6))
    @FEW
    def property_(delay: float, tasks: int) -> None:
        async def scenario() -> None:
            engine = database.engine()
            namespace = f"cancel-{uuid.uuid4().hex}"
            async with SQLDgent(engine, namespace=namespace, connections=3) as store:
                root = await store.put(Datum(id="root", content=b"r", created_at=0.0))
                batches = [
                    [Datum(id=f"b{t}-{n}", content=b"%d" % n, created_at=1.0) for n in range(300)]
                    for t in range(tasks)
                ]
                running: list[asyncio.Task[Any]] = [
                    asyncio.create_task(store.put_many(batch)) for batch in batches
                ]
                running += [asyncio.create_task(store.get("root")) for _ in range(tasks)]
                await asyncio.sleep(delay)
                for task in running:
                    task.cancel()
                await asyncio.gather(*running, return_exceptions=True)
                stored = {d.id for d in await _everything(store)}
                for batch in batches:
                    present = {d.id for d in batch} & stored
                    assert present in (set(), {d.id for d in batch}), "half a batch stored"
                assert await store.get("root") == root
                assert await store.put_many(batches[0]) == batches[0]
            await engine.dispose()

        asyncio.run(scenario())

    property_()


@given(metadata=metadata_strategy)
def test_facets_are_the_json_of_each_key_to_its_canonical_value(metadata: dict[str, Any]) -> None:
    datum = Datum(id="f", content=b"", created_at=0.0, metadata=metadata)
    written = facets_json(datum)
    if not metadata:
        assert written is None
        return
    assert written is not None
    wanted = {canonical_json(key): canonical_json(value) for key, value in metadata.items()}
    assert json.loads(written) == wanted
    assert filter_json(datum.metadata.canonical_items()) == written
