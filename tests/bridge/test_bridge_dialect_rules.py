"""TableAdapter refuses only what the target database cannot hold in that column, naming the
database and the column, and writes back whatever it reads: a NUL character in SQLite text and
JSON (and PostgreSQL ``json``), 20-digit decimals (refused where SQLite keeps a float, kept by
``ExactNumeric`` and by PostgreSQL), bare JSON numbers, and values SQLite keeps beyond what the
column declares."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from dualtrack.bridge import ExactNumeric, RowCodec, TableAdapter
from dualtrack.errors import InvalidRow
from dualtrack.memory import Datum
from laws.private_loop import event_loop
from tests.bridge.bridge_support import Specimen, database, postgres_schema, tables
from tests.stores.sql_support import Database

__all__ = ["database", "postgres_schema", "tables"]

WHEN = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
WIDE = Decimal("123456789012.12345678")


def _on(database: Database, body: Callable[[TableAdapter], Awaitable[Any]]) -> Any:
    """Run ``body`` with an adapter over the (emptied) specimens table, on a private loop."""

    async def run() -> Any:
        engine = database.engine()
        try:
            sessions = async_sessionmaker(engine)
            async with sessions() as session, session.begin():
                await session.execute(delete(Specimen.__table__))
            return await body(TableAdapter(Specimen, sessions))
        finally:
            await engine.dispose()

    with event_loop() as run_async:
        return run_async(run())


def _specimen(**values: Any) -> dict[str, Any]:
    return {"id": "s1", "created_at": WHEN, "name": "n", **values}


async def _write_with_orm(adapter: TableAdapter, **values: Any) -> None:
    async with adapter.session_factory() as session, session.begin():
        session.add(Specimen(**_specimen(**values)))


async def _row(adapter: TableAdapter, datum_id: str = "s1") -> dict[str, Any] | None:
    table = Specimen.__table__
    async with adapter.session_factory() as session:
        found = (await session.execute(select(table).where(table.c.id == datum_id))).first()
    return None if found is None else dict(found._mapping)


async def _read_and_write_back(adapter: TableAdapter, **values: Any) -> tuple[Any, Any, Datum]:
    """Write a row with the ORM, read it as a datum, put that datum into the same table and
    into the emptied table: the row as first stored, as stored again, and the datum."""
    await _write_with_orm(adapter, **values)
    before = await _row(adapter)
    datum = await adapter.get("s1")
    assert datum is not None
    assert await adapter.put(datum) == datum
    async with adapter.session_factory() as session, session.begin():
        await session.execute(delete(Specimen.__table__))
    await adapter.put(datum)
    return before, await _row(adapter), datum


def _content(datum: Datum, datum_id: str | None = None, **changes: Any) -> Datum:
    """``datum`` with ``changes`` to its content (and another id)."""
    document = json.loads(datum.content)
    document.update(changes)
    content = json.dumps(document).encode()
    return Datum(id=datum_id or datum.id, content=content, created_at=datum.created_at)


def _base_datum() -> Datum:
    return RowCodec(Specimen).datum_of(_specimen())


def test_a_nul_document_read_from_a_json_column_is_written_back(tables: Database) -> None:
    values: dict[str, Any] = {"doc": ["\x00"], "body": None}
    if tables.dialect == "sqlite":
        values.update(body="a\x00b", docb={"k\x00": "\x00"})

    before, after, datum = _on(tables, lambda adapter: _read_and_write_back(adapter, **values))
    assert b'"doc":["\\u0000"]' in datum.content
    assert before == after
    assert after["doc"] == ["\x00"]
    assert after["body"] == values["body"]


def test_postgresql_refuses_nul_where_it_cannot_hold_it_naming_the_column(
    tables: Database,
) -> None:
    if tables.dialect != "postgresql":
        pytest.skip("SQLite holds a NUL character in text and JSON: nothing to refuse")

    async def body(adapter: TableAdapter) -> list[str]:
        refusals = []
        for change in ({"docb": ["\x00"]}, {"docb": {"\x00": 1}}, {"body": "a\x00"}):
            with pytest.raises(InvalidRow) as caught:
                await adapter.put(_content(_base_datum(), **change))
            refusals.append(str(caught.value))
        assert await adapter.count() == 0
        await adapter.put(_content(_base_datum(), doc=["\x00"]))
        return refusals

    jsonb, key, text = _on(tables, body)
    assert "column specimens.docb on postgresql" in jsonb
    assert "NUL character (\\u0000) at $[0]: PostgreSQL jsonb refuses it" in jsonb
    assert "(a key)" in key
    assert "column specimens.body on postgresql" in text
    assert "NUL" in text


def test_decimals_beyond_a_float_are_refused_on_sqlite_and_kept_by_exact_numeric(
    tables: Database,
) -> None:
    wide = {"$decimal": str(WIDE)}

    async def body(adapter: TableAdapter) -> tuple[str | None, Datum | None]:
        refusal = None
        try:
            await adapter.put(_content(_base_datum(), wide=wide))
        except InvalidRow as error:
            refusal = str(error)
        await adapter.put(_content(_base_datum(), "s2", exact=wide))
        return refusal, await adapter.get("s2")

    refusal, kept = _on(tables, body)
    assert kept is not None
    assert json.loads(kept.content)["exact"] == wide
    if tables.dialect == "postgresql":
        assert refusal is None
    else:
        assert refusal is not None
        assert "column specimens.wide on sqlite" in refusal
        assert "123456789012.12345886" in refusal  # what SQLite would give back
        assert "ExactNumeric" in refusal


def test_a_rounded_decimal_sqlite_reads_back_is_written_back(tables: Database) -> None:
    before, after, _ = _on(tables, lambda adapter: _read_and_write_back(adapter, wide=WIDE))
    assert before == after
    if tables.dialect == "sqlite":
        assert before["wide"] != WIDE  # SQLite keeps a float: the ORM's write was rounded
    else:
        assert before["wide"] == WIDE


def test_exact_numeric_rounds_and_refuses_as_postgresql_does() -> None:
    money = ExactNumeric(5, 2)
    assert money.fit(Decimal("-1.005")) == Decimal("-1.01")
    with pytest.raises(ValueError, match="overflow"):
        money.fit(Decimal("999.995"))
    with pytest.raises(ValueError, match="finite"):
        money.fit(Decimal("NaN"))


def test_bare_json_numbers_are_kept_where_the_database_keeps_them(tables: Database) -> None:
    async def body(adapter: TableAdapter) -> dict[str, Any]:
        outcomes: dict[str, Any] = {}
        for place, number in enumerate([2.5, 0.30000000000000004, 1e300, 2.0, 2**64]):
            datum = _content(_base_datum(), f"n{place}", doc=number)
            try:
                await adapter.put(datum)
                got = await adapter.get(datum.id)
                assert got is not None
                outcomes[repr(number)] = json.loads(got.content)["doc"]
            except InvalidRow as error:
                outcomes[repr(number)] = str(error)
        return outcomes

    outcomes = _on(tables, body)
    for number in (2.5, 0.30000000000000004, 1e300):
        assert outcomes[repr(number)] == number
    if tables.dialect == "postgresql":
        assert type(outcomes["2.0"]) is float
        assert outcomes[repr(2**64)] == 2**64
    else:
        assert "column specimens.doc on sqlite" in outcomes["2.0"]
        assert "would come back as the integer 2" in outcomes["2.0"]
        assert "beyond 64 bits" in outcomes[repr(2**64)]


def test_jsonb_refuses_floats_it_reads_back_as_integers(tables: Database) -> None:
    async def body(adapter: TableAdapter) -> tuple[Any, str | None]:
        await adapter.put(_content(_base_datum(), doc=[1e16]))
        got = await adapter.get("s1")
        assert got is not None
        try:
            await adapter.put(_content(_base_datum(), "s2", docb=[1e16]))
        except InvalidRow as error:
            return json.loads(got.content)["doc"], str(error)
        return json.loads(got.content)["doc"], None

    kept, refusal = _on(tables, body)
    assert kept == [1e16]
    assert type(kept[0]) is float
    if tables.dialect == "postgresql":
        assert refusal is not None
        assert "column specimens.docb on postgresql" in refusal
        assert "1e16" in refusal
    else:
        assert refusal is None


def test_what_sqlite_holds_beyond_the_declared_type_is_kept(tables: Database) -> None:
    beyond = {
        "small": 2**40,
        "name": "x" * 40,
        "single": 0.1,
        "blob": bytes(range(20)),
        "code": "ab ",
        "span": timedelta(days=3 * 10**6),
    }

    async def body(adapter: TableAdapter) -> dict[str, Any]:
        codec = adapter.codec
        outcomes: dict[str, Any] = {}
        for place, (name, value) in enumerate(beyond.items()):
            row = {**_specimen(id=f"b{place}"), name: value}
            try:
                datum = await adapter.put(codec.datum_of(row))
                stored = await _row(adapter, datum.id)
                assert stored is not None
                outcomes[name] = stored[name]
            except InvalidRow as error:
                outcomes[name] = str(error)
        return outcomes

    outcomes = _on(tables, body)
    if tables.dialect == "sqlite":
        kept = {name: outcomes[name] for name in beyond if name != "span"}
        assert kept == {name: value for name, value in beyond.items() if name != "span"}
        assert "column specimens.span on sqlite" in outcomes["span"]
    else:
        for name in ("small", "name"):
            assert f"column specimens.{name} on postgresql" in outcomes[name]
        assert outcomes["single"] == pytest.approx(0.1)
        assert outcomes["single"] != 0.1  # PostgreSQL's REAL keeps 32 bits
        assert outcomes["blob"] == beyond["blob"]
        assert outcomes["code"] == "ab  "  # PostgreSQL pads a CHAR(4)
        assert outcomes["span"] == beyond["span"]


def test_the_portable_rules_keep_what_every_database_keeps() -> None:
    codec = RowCodec(Specimen)
    assert codec.dialect is None
    for change, named in (
        ({"doc": ["\x00"]}, "NUL"),
        ({"doc": 2.5}, "bare number"),
        ({"doc": [1e16]}, "1e16"),
        ({"wide": WIDE}, "64-bit floats"),
        ({"name": "x" * 31}, "at most 30 characters"),
    ):
        with pytest.raises(InvalidRow, match=named):
            codec.datum_of(_specimen(**change))
