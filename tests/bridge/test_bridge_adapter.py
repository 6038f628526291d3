"""TableAdapter's behaviour beyond the laws: the seed's Pattern 1 snippet, chains in one query
(and on cycles other code wrote), integer and UUID keys, tables without parent or time columns,
search, lens views, separate tables, and clear errors for what it cannot do."""

from __future__ import annotations

import ast
import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import ARRAY, Integer, String, Time, event, insert, inspect, update
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dualtrack import Datum, TableAdapter, json_codec, key
from dualtrack.bridge import REFS_TABLE
from dualtrack.errors import (
    BackendUnavailable,
    ImmutableDatumError,
    InvalidArgument,
    InvalidRow,
    UnsupportedColumn,
)
from laws.private_loop import event_loop
from tests.bridge.bridge_support import (
    Crystal,
    Specimen,
    Tally,
    Ticket,
    database,
    postgres_schema,
    tables,
)
from tests.stores.sql_support import Database

__all__ = ["database", "postgres_schema", "tables"]

#: Each example opens its own loop and engine on the test's database.
RACES = settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

#: The seed's Pattern 1, adapted only in its import lines (``agents.d`` and ``models.brain``).
PATTERN_1 = """
from dualtrack import TableAdapter
from dualtrack.app.models import Crystal

# Create adapter
adapter = TableAdapter(
    model=Crystal,
    session_factory=session_factory,
)

# Use like DgentProtocol
datum = await adapter.get("crystal-123")
await adapter.put(datum)
chain = await adapter.causal_chain("crystal-123")
"""


def _on(database: Database, body: Callable[[async_sessionmaker[Any]], Awaitable[Any]]) -> Any:
    """Run ``body(session_factory)`` on a private loop, with an engine disposed afterwards."""

    async def run() -> Any:
        engine = database.engine()
        try:
            return await body(async_sessionmaker(engine))
        finally:
            await engine.dispose()

    with event_loop() as run_async:
        return run_async(run())


def _crystal(id: str, parent: str | None, summary: str) -> dict[str, Any]:
    return {
        "id": id,
        "content_hash": "h" * 64,
        "summary": summary,
        "tags": ["seed"],
        "datum_id": f"d-{id}",
        "parent_id": parent,
        "created_at": datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        "importance": 0.5,
    }


def test_the_seeds_pattern_1_runs_as_written(tables: Database) -> None:
    async def body(session_factory: async_sessionmaker[Any]) -> dict[str, Any]:
        async with session_factory() as session, session.begin():
            session.add(Crystal(**_crystal("crystal-1", None, "the root")))
            session.add(Crystal(**_crystal("crystal-123", "crystal-1", "a thought")))
        namespace: dict[str, Any] = {"session_factory": session_factory}
        code = compile(PATTERN_1, "pattern_1", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        await eval(code, namespace)
        namespace["count"] = await namespace["adapter"].count()
        return namespace

    ran = _on(tables, body)
    datum, chain = ran["datum"], ran["chain"]
    assert datum.id == "crystal-123"
    assert datum.causal_parent == "crystal-1"
    assert dict(datum.metadata) == {"source": "alembic", "table": "crystals"}
    assert b'"summary":"a thought"' in datum.content
    assert [d.id for d in chain] == ["crystal-1", "crystal-123"]
    assert ran["count"] == 2


def _datum(id: str, parent: str | None, summary: str = "thought") -> Datum:
    content = b'{"content_hash":"%s","summary":"%s","tags":[],"datum_id":"d"}' % (
        b"h" * 64,
        summary.encode(),
    )
    return Datum(id=id, content=content, created_at=1.7e9, causal_parent=parent)


def test_a_causal_chain_is_one_query_and_survives_cycles(tables: Database) -> None:
    async def body(session_factory: async_sessionmaker[Any]) -> tuple[list[str], int, list[str]]:
        adapter = TableAdapter(model=Crystal, session_factory=session_factory)
        parent = None
        for number in range(30):
            await adapter.put(_datum(f"c{number}", parent))
            parent = f"c{number}"
        statements: list[str] = []

        def record(*arguments: Any) -> None:
            statements.append(arguments[2])

        engine = session_factory.kw["bind"].sync_engine
        event.listen(engine, "before_cursor_execute", record)
        chain = await adapter.causal_chain("c29")
        event.remove(engine, "before_cursor_execute", record)
        async with session_factory() as session, session.begin():
            table = Crystal.__table__
            await session.execute(update(table).where(table.c.id == "c0").values(parent_id="c2"))
        cycle = await adapter.causal_chain("c5")
        return [d.id for d in chain], len(statements), [d.id for d in cycle]

    chain, statements, cycle = _on(tables, body)
    assert chain == [f"c{n}" for n in range(30)]
    assert statements == 1
    assert cycle == ["c0", "c1", "c2", "c3", "c4", "c5"]


def test_integer_keys_without_parent_or_time_column(tables: Database) -> None:
    async def body(session_factory: async_sessionmaker[Any]) -> dict[str, Any]:
        adapter = TableAdapter(Tally, session_factory)
        for number in (1, 2, 10, 12, 100):
            await adapter.put(Datum(id=str(number), content=b'{"label": "t%d"}' % number))
        page = await adapter.list(limit=2)
        rest = await adapter.list(limit=10, cursor=page.cursor)
        found: dict[str, Any] = {
            "order": [d.id for d in [*page, *rest]],
            "prefix": [d.id for d in await adapter.list(prefix="1")],
            "times": {d.created_at for d in rest},
            "chain": [d.id for d in await adapter.causal_chain("10")],
            "children": await adapter.children("10"),
            "stored": await adapter.get("10"),
        }
        for bad in (Datum(id="007", content=b'{"label": "x"}'), Datum(id="x", content=b"{}")):
            with pytest.raises(InvalidRow, match=r"tallies\.id"):
                await adapter.put(bad)
        with pytest.raises(InvalidRow, match="no parent column"):
            await adapter.put(Datum(id="5", content=b'{"label": "x"}', causal_parent="1"))
        found["count"] = await adapter.count()
        return found

    found = _on(tables, body)
    assert found["order"] == ["1", "2", "10", "12", "100"]
    assert found["prefix"] == ["1", "10", "12", "100"]
    assert found["times"] == {0.0}
    assert found["chain"] == ["10"]
    assert found["children"] == []
    assert found["stored"].content == b'{"label":"t10","n":0,"revision":1}'
    assert found["count"] == 5


@given(
    keys=st.lists(st.uuids(), min_size=1, max_size=8, unique=True),
    pick=st.integers(0, 7),
    cut=st.integers(0, 36),
)
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_uuid_keys_filter_by_literal_prefix(
    tables: Database, keys: list[uuid.UUID], pick: int, cut: int
) -> None:
    ids = [str(value) for value in keys]
    prefix = ids[pick % len(ids)][:cut]

    async def body(session_factory: async_sessionmaker[Any]) -> tuple[list[str], list[str]]:
        adapter = TableAdapter(Ticket, session_factory)
        async with session_factory() as session, session.begin():
            await session.execute(
                insert(Ticket.__table__).values(
                    [
                        {"id": value, "created_at": datetime(2024, 1, 1), "title": "t"}
                        for value in keys
                    ]
                )
            )
        try:
            listed = [d.id for d in await adapter.list(prefix=prefix, limit=None)]
            upper = [d.id for d in await adapter.list(prefix=prefix.upper() or "Z", limit=None)]
            return listed, upper
        finally:
            async with session_factory() as session, session.begin():
                await session.execute(Ticket.__table__.delete())

    listed, upper = _on(tables, body)
    assert listed == sorted(i for i in ids if i.startswith(prefix))
    assert upper == sorted(i for i in ids if i.startswith(prefix.upper() or "Z"))


def test_put_spells_content_canonically_and_stays_idempotent(tables: Database) -> None:
    loose = (
        b'{"name": "n", "created_at": {"$datetime": "2024-05-01T12:30:00+02:00"},'
        b' "price": {"$decimal": "1.50"}, "ratio": -0.0, "doc": {"b": 1, "a": [1.0]},'
        b' "code": "ab  ", "id": "s1"}'
    )

    async def body(session_factory: async_sessionmaker[Any]) -> tuple[Datum, Datum, Datum]:
        adapter = TableAdapter(Specimen, session_factory)
        stored = await adapter.put(Datum(id="s1", content=loose, created_at=0.0))
        again = await adapter.put(Datum(id="s1", content=loose, created_at=0.0))
        got = await adapter.get("s1")
        assert got is not None
        return stored, again, got

    stored, again, got = _on(tables, body)
    assert stored == again == got
    assert b'"created_at":{"$datetime":"2024-05-01T10:30:00+00:00"}' in got.content
    assert b'"price":{"$decimal":"1.5"}' in got.content
    assert b'"ratio":0.0' in got.content
    assert b'"doc":{"a":[1.0],"b":1}' in got.content
    # PostgreSQL pads a CHAR and ignores the padding; SQLite keeps text as it is.
    assert (b'"code":"ab  "' if tables.dialect == "sqlite" else b'"code":"ab"') in got.content
    assert got.created_at == datetime(2024, 5, 1, 10, 30, tzinfo=UTC).timestamp()


def test_search_ranks_rows_by_their_json(tables: Database) -> None:
    async def body(session_factory: async_sessionmaker[Any]) -> list[str]:
        adapter = TableAdapter(Crystal, session_factory)
        for number, summary in enumerate(["the cat sat on the mat", "quantum flux", "a cat"]):
            await adapter.put(_datum(f"s{number}", None, summary))
        hits = await adapter.search("cat sat mat", limit=2)
        assert await adapter.search("cat", metadata={"source": "elsewhere"}) == []
        assert all(hit.datum.metadata["table"] == "crystals" for hit in hits)
        return [hit.datum.id for hit in hits]

    assert _on(tables, body) == ["s0", "s2"]


def test_a_lens_view_appends_child_rows_and_moves_its_ref(tables: Database) -> None:
    async def body(session_factory: async_sessionmaker[Any]) -> tuple[Any, ...]:
        adapter = TableAdapter(Crystal, session_factory)
        root = await adapter.put(_datum("v0", None, "draft"))
        await adapter.set_ref("latest", root.id, expected=None)
        summary = adapter.focus("latest", json_codec() >> key("summary"))
        await summary.modify(lambda old: old + ", revised")
        await summary.set("final")
        head = await adapter.get_ref("latest")
        assert head is not None
        chain = await adapter.causal_chain(head)
        return await summary.get(), chain[0].id, len(chain), await adapter.count()

    text, first, length, count = _on(tables, body)
    assert (text, first, length, count) == ("final", "v0", 3, 3)


def test_two_tables_are_two_namespaces(tables: Database) -> None:
    async def body(session_factory: async_sessionmaker[Any]) -> tuple[Any, ...]:
        crystals = TableAdapter(Crystal, session_factory)
        tallies = TableAdapter(Tally, session_factory)
        await crystals.put(_datum("7", None))
        await tallies.put(Datum(id="7", content=b'{"label": "seven"}'))
        await crystals.set_ref("head", "7", expected=None)
        return (
            crystals.namespace,
            tallies.namespace,
            await tallies.get_ref("head"),
            (await crystals.get("7")).metadata["table"],  # type: ignore[union-attr]
            (await tallies.get("7")).metadata["table"],  # type: ignore[union-attr]
        )

    assert _on(tables, body) == ("crystals", "tallies", None, "crystals", "tallies")


class _Other(DeclarativeBase):
    pass


class _WithArray(_Other):
    __tablename__ = "with_array"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    values: Mapped[list[int]] = mapped_column(ARRAY(Integer))


class _WithZonedTime(_Other):
    __tablename__ = "with_zoned_time"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    at: Mapped[time] = mapped_column(Time(timezone=True))


class _TwoKeys(_Other):
    __tablename__ = "two_keys"
    a: Mapped[str] = mapped_column(String(10), primary_key=True)
    b: Mapped[str] = mapped_column(String(10), primary_key=True)


def test_what_cannot_be_adapted_is_refused_when_the_adapter_is_made() -> None:
    sessions = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
    with pytest.raises(UnsupportedColumn, match=r"with_array\.values"):
        TableAdapter(_WithArray, sessions)
    with pytest.raises(UnsupportedColumn, match=r"with_zoned_time\.at"):
        TableAdapter(_WithZonedTime, sessions)
    with pytest.raises(InvalidArgument, match="id_field"):
        TableAdapter(_TwoKeys, sessions)
    with pytest.raises(InvalidArgument, match="mapped"):
        TableAdapter(dict, sessions)
    with pytest.raises(UnsupportedColumn, match="time_field"):
        TableAdapter(Crystal, sessions, time_field="summary")
    TableAdapter(_TwoKeys, sessions, id_field="a")


def test_closed_and_unreachable_databases_raise_backend_unavailable() -> None:
    async def body() -> None:
        engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
        adapter = TableAdapter(Crystal, async_sessionmaker(engine), dispose_engine=True)
        with pytest.raises(BackendUnavailable, match="get on crystals failed"):
            await adapter.get("x")
        await adapter.close()
        with pytest.raises(BackendUnavailable, match="closed"):
            await adapter.count()

    with event_loop() as run_async:
        run_async(body())


@given(tasks=st.integers(2, 6), different=st.booleans())
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_racing_puts_under_one_id_store_one_row(
    tables: Database, tasks: int, different: bool
) -> None:
    new_id = uuid.uuid4().hex

    async def body(session_factory: async_sessionmaker[Any]) -> tuple[list[Any], Any]:
        adapter = TableAdapter(Crystal, session_factory)
        racers = [_datum(new_id, None, f"take {n if different else 0}") for n in range(tasks)]
        outcomes = await asyncio.gather(
            *(adapter.put(racer) for racer in racers), return_exceptions=True
        )
        return outcomes, await adapter.get(new_id)

    outcomes, kept = _on(tables, body)
    stored = [outcome for outcome in outcomes if isinstance(outcome, Datum)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, ImmutableDatumError)]
    assert len(stored) + len(refused) == tasks
    assert len(stored) == (1 if different else tasks)
    assert {datum.content for datum in stored} == {kept.content}


def test_the_refs_table_is_made_on_first_ref_use_only(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'brain.db'}", None)

    async def body(session_factory: async_sessionmaker[Any]) -> tuple[set[str], set[str]]:
        engine = session_factory.kw["bind"]
        async with engine.begin() as connection:
            await connection.run_sync(Crystal.__table__.create)
        adapter = TableAdapter(Crystal, session_factory)
        await adapter.put(_datum("r1", None))
        await adapter.list()
        before = await _tables(engine)
        await adapter.set_ref("head", "r1", expected=None)
        assert await adapter.get_ref("head") == "r1"
        return before, await _tables(engine)

    before, after = _on(database, body)
    assert before == {"crystals"}
    assert after == {"crystals", REFS_TABLE}


async def _tables(engine: Any) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
