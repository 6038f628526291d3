"""Each bridge law fails, naming itself, on an adapter (or agent memory) planted with the
mistake the law exists to catch; the reverse round trip catches a codec that every other law
passes."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, settings
from hypothesis import strategies as st
from sqlalchemy import Float, update

from dualtrack.bridge import TableAdapter
from dualtrack.bridge.kinds.json_values import JsonKind
from dualtrack.bridge.kinds.scalars import DecimalKind, StringKind
from dualtrack.bridge.kinds.times import DateTimeKind
from dualtrack.errors import InvalidRow, LawViolation
from dualtrack.memory import Datum, DgentProtocol, MemoryDgent, Page
from laws.bridge import (
    MEMORY_LEAVES_TABLES,
    REVERSE,
    ROUND_TRIP,
    SPELLS_ROW,
    STORES_ROW,
    TABLES_LEAVE_MEMORY,
    TAGGED,
    check_isolation,
    check_reverse_round_trip,
    check_round_trip,
    check_source_tagging,
)
from laws.dgent.support import StoreFactory
from tests.bridge.bridge_support import Specimen, adapters, tables
from tests.seeded import caught_on_seeds
from tests.stores.sql_support import Database

__all__ = ["tables"]

#: A planted mistake shows within a few examples; shrinking it would only cost time.
FEW = settings(max_examples=10, deadline=None, database=None, phases=[Phase.generate])


@pytest.fixture
def database(tmp_path: Path) -> Database:
    """An SQLite file: one database is enough to show a law failing."""
    return Database(f"sqlite+aiosqlite:///{tmp_path / 'planted.db'}", None)


def planted(database: Database, kind: type[TableAdapter]) -> Any:
    """Adapters of class ``kind`` over an emptied specimens table."""
    make = adapters(database, Specimen)

    async def fresh() -> TableAdapter:
        adapter = await make()
        broken = kind(Specimen, adapter.session_factory, dispose_engine=True)
        await adapter.close()
        return broken

    return fresh


class ForgetsParents(TableAdapter):
    """Reads every row as a root."""

    async def get(self, datum_id: str) -> Datum | None:
        got = await super().get(datum_id)
        if got is None or got.causal_parent is None:
            return got
        return Datum.trusted(got.id, got.content, got.created_at, None, got.metadata_json)


class RewritesRows(TableAdapter):
    """Stores a changed row but answers from what it was given."""

    _given: dict[str, Datum]

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        batch = list(datums)
        stored = await super().put_many(batch)
        self._given = {datum.id: datum for datum in stored}
        async with self.session_factory() as session, session.begin():
            table = self.codec.table
            await session.execute(update(table).values(name=table.c.name + "!"))
        return stored

    async def get(self, datum_id: str) -> Datum | None:
        return self._given.get(datum_id)


class DropsMicroseconds(DateTimeKind):
    """Spells datetimes without their microseconds."""

    def encode(self, value: Any) -> dict[str, str]:
        return {"$datetime": self.normalise(value).replace(microsecond=0).isoformat()}


class LosesMicroseconds(TableAdapter):
    """A codec whose content drops microseconds of every datetime."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.codec.fields:
            if isinstance(field.kind, DateTimeKind):
                object.__setattr__(field, "kind", DropsMicroseconds(field.kind.aware))


class FifteenDigits(DecimalKind):
    """Refuses a decimal of more than 15 significant digits, the rule the docs once gave for
    SQLite's float-stored Numeric: but SQLite reads a 20-digit number back from such a column."""

    def check(self, value: Any, where: str) -> Any:
        number = super().check(value, where)
        if len(number.normalize().as_tuple().digits) > 15:
            raise InvalidRow(f"{where} keeps at most 15 significant digits; got {number}")
        return number


class RefusesLongDecimals(TableAdapter):
    """A codec whose float-stored Numeric columns refuse more than 15 significant digits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.codec.fields:
            kind = field.kind
            numeric = not isinstance(field.column.type, Float)
            if isinstance(kind, DecimalKind) and kind.float_places is not None and numeric:
                planted = FifteenDigits(None, None, float_places=kind.float_places)
                object.__setattr__(field, "kind", planted)


class RefusesNul(TableAdapter):
    """A codec that refuses a NUL character in text and JSON on every database, as only
    PostgreSQL must: it cannot write back what SQLite holds."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.codec.fields:
            kind = field.kind
            if isinstance(kind, StringKind):
                planted: Any = StringKind(kind.length, kind.fixed, nul=False)
            elif isinstance(kind, JsonKind):
                planted = JsonKind(
                    kind.null_is_document,
                    big_floats=kind.big_floats,
                    bare=kind.bare,
                    dialect=kind.dialect,
                )
            else:
                continue
            object.__setattr__(field, "kind", planted)


class IntegralFloatsAsIntegers(JsonKind):
    """Spells ``1.0`` in a JSON document as ``1``: equal in Python, another type in JSON."""

    def encode(self, value: Any) -> Any:
        return super().encode(_integers(value))


def _integers(value: Any) -> Any:
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is list:
        return [_integers(part) for part in value]
    if type(value) is dict:
        return {name: _integers(part) for name, part in value.items()}
    return value


class RetypesNumbers(TableAdapter):
    """A codec whose JSON columns write back ``1`` where ``1.0`` was."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.codec.fields:
            kind = field.kind
            if isinstance(kind, JsonKind):
                planted = IntegralFloatsAsIntegers(
                    kind.null_is_document,
                    nul=kind.nul,
                    big_floats=kind.big_floats,
                    bare=kind.bare,
                    dialect=kind.dialect,
                )
                object.__setattr__(field, "kind", planted)


class Untagged(TableAdapter):
    """Lists rows without their provenance."""

    async def list(self, **options: Any) -> Page:
        page = await super().list(**options)
        bare = (Datum.trusted(d.id, d.content, d.created_at, d.causal_parent, "{}") for d in page)
        return Page(tuple(bare), page.cursor)


class Echoes(TableAdapter):
    """Copies every row it stores into agent memory too."""

    echo: DgentProtocol | None = None

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        stored = await super().put_many(datums)
        if Echoes.echo is not None:
            await Echoes.echo.put_many([Datum.create(d.content) for d in stored])
        return stored


def test_round_trip_catches_a_lost_parent(tables: Database) -> None:
    with pytest.raises(LawViolation, match="round trip"):
        check_round_trip(Specimen, planted(tables, ForgetsParents), settings=FEW)
    assert ROUND_TRIP.startswith("round trip")


def test_round_trip_catches_a_row_stored_otherwise(tables: Database) -> None:
    with pytest.raises(LawViolation, match="put\\(d\\) stores the row"):
        check_round_trip(Specimen, planted(tables, RewritesRows), settings=FEW)
    assert STORES_ROW.startswith("put(d) stores the row")


def test_round_trip_catches_content_that_loses_values(tables: Database) -> None:
    async def fresh() -> TableAdapter:
        adapter = await adapters(tables, Specimen)()
        broken = LosesMicroseconds(Specimen, adapter.session_factory, dispose_engine=True)
        await adapter.close()
        return broken

    with pytest.raises(LawViolation, match="content spells its row") as caught:
        check_round_trip(Specimen, fresh, settings=settings(FEW, max_examples=60))
    assert caught.value.law == SPELLS_ROW


async def _memory(namespace: str) -> DgentProtocol:
    return MemoryDgent(namespace)


def test_only_the_reverse_round_trip_catches_a_codec_refusing_what_sqlite_reads_back(
    tables: Database,
) -> None:
    broken = planted(tables, RefusesLongDecimals)
    check_round_trip(Specimen, broken, settings=FEW)
    check_source_tagging(Specimen, broken, settings=FEW)
    check_isolation(Specimen, broken, _memory, settings=FEW)
    with pytest.raises(LawViolation, match="reverse round trip") as caught:
        check_reverse_round_trip(Specimen, broken, settings=settings(FEW, max_examples=30))
    assert caught.value.law == REVERSE
    assert "15 significant digits" in str(caught.value.left)


def test_the_reverse_round_trip_catches_a_codec_refusing_nul_on_sqlite(tables: Database) -> None:
    with pytest.raises(LawViolation, match="reverse round trip") as caught:
        check_reverse_round_trip(
            Specimen, planted(tables, RefusesNul), settings=settings(FEW, max_examples=30)
        )
    assert "NUL" in str(caught.value.left)


def test_the_round_trips_compare_types_not_just_python_equality(tables: Database) -> None:
    broken = planted(tables, RetypesNumbers)
    # every document holds an integral float, the value the planted codec retypes
    floats = {"doc": st.just([1.0]), "docb": st.just({"n": 2.0})}
    missed = caught_on_seeds(
        lambda: check_round_trip(Specimen, broken, overrides=floats, settings=FEW),
        "content spells its row",
        range(10),
    )
    # A known weakness, run on fixed seeds so the test is not a coin toss: a few seeds
    # draw no example that reaches the check.
    assert len(missed) <= 2, missed
    reverse = caught_on_seeds(
        lambda: check_reverse_round_trip(Specimen, broken, settings=settings(FEW, max_examples=60)),
        "reverse round trip",
        range(5),
    )
    assert len(reverse) <= 1, reverse


def test_source_tagging_catches_untagged_datums(tables: Database) -> None:
    with pytest.raises(LawViolation, match=r"source tagging.*\(list\)") as caught:
        check_source_tagging(Specimen, planted(tables, Untagged), settings=FEW)
    assert caught.value.law.startswith(TAGGED)


def test_isolation_catches_table_writes_reaching_memory(tables: Database) -> None:
    async def memory(namespace: str) -> DgentProtocol:
        Echoes.echo = MemoryDgent(namespace)
        return Echoes.echo

    with pytest.raises(LawViolation, match="table writes leave agent memory") as caught:
        check_isolation(Specimen, planted(tables, Echoes), memory, settings=FEW)
    assert caught.value.law == TABLES_LEAVE_MEMORY


def test_isolation_catches_memory_writes_reaching_tables(tables: Database) -> None:
    make = adapters(tables, Specimen)

    class Leaky(MemoryDgent):
        """Agent memory that renames every specimen when it stores anything."""

        async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
            adapter = await make()
            try:
                async with adapter.session_factory() as session, session.begin():
                    table = Specimen.__table__
                    await session.execute(update(table).values(name="leaked"))
            finally:
                await adapter.close()
            return await super().put_many(datums)

    async def memory(namespace: str) -> DgentProtocol:
        return Leaky(namespace)

    leaky: StoreFactory = memory

    async def fresh() -> TableAdapter:
        return await make()

    with pytest.raises(LawViolation, match="agent-memory writes leave the table") as caught:
        check_isolation(Specimen, fresh, leaky, settings=FEW)
    assert caught.value.law == MEMORY_LEAVES_TABLES
