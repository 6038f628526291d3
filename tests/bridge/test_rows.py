"""``laws.rows``: generated rows keep every rule the table states, and the database takes them.

Round trips run on SQLite and PostgreSQL with a table of every supported type (each database's
own set: SQLite has no arrays, intervals of its own or native enums), for the portable values
and for each database's own, compared type for type.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    CHAR,
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    Interval,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
    delete,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.types import UserDefinedType

from dualtrack.app.blocking import BlockingRunner
from dualtrack.app.engines import open_engine
from dualtrack.app.migrate import on_connection_async
from dualtrack.app.timestamps import UTCDateTime
from dualtrack.errors import UnsupportedColumn
from laws.migrations import DatabaseFactory
from laws.row_equality import same_value
from laws.rows import rows_for, values_for_type


class Mood(enum.Enum):
    """An enum column's values."""

    CALM = "calm"
    CURIOUS = "curious"


def portable_table(metadata: MetaData) -> Table:
    """A table of every type both databases store faithfully."""
    return Table(
        "things",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("code", String(8), nullable=False),
        Column("big", BigInteger, nullable=False),
        Column("small", SmallInteger),
        Column("flag", Boolean, nullable=False),
        Column("ratio", Float),
        Column("price", Numeric(10, 2), nullable=False),
        Column("note", Text),
        Column("title", String(30)),
        Column("blob", LargeBinary(16)),
        Column("day", Date),
        Column("naive", DateTime),
        Column("aware", UTCDateTime()),
        Column("clock", Time),
        Column("span", Interval),
        Column("key", Uuid, nullable=False),
        Column("mood", Enum(Mood)),
        Column("doc", JSON, nullable=False),
        UniqueConstraint("code"),
        Index("ix_things_big_small", "big", "small", unique=True),
    )


def postgres_table(metadata: MetaData) -> Table:
    """The portable table plus PostgreSQL's own types."""
    table = portable_table(metadata)
    for column in (
        Column("stamp", DateTime(timezone=True)),
        Column("tz_clock", Time(timezone=True)),
        Column("single", postgresql.REAL),
        Column("exact", Numeric),
        Column("document", postgresql.JSONB),
        Column("numbers", postgresql.ARRAY(Integer)),
        Column("padded", CHAR(6)),
        Column("ident", postgresql.UUID(as_uuid=False)),
        Column("native_mood", postgresql.ENUM("up", "down", name="direction")),
    ):
        table.append_column(column)
    return table


@settings(max_examples=60)
@given(st.data())
def test_rows_keep_the_rules_the_table_states(data: st.DataObject) -> None:
    table = portable_table(MetaData())
    rows = data.draw(rows_for(table, min_size=1, max_size=8))
    assert 1 <= len(rows) <= 8
    for row in rows:
        assert set(row) == set(table.columns.keys())
        for column in table.columns:
            if not column.nullable:
                assert row[column.name] is not None, column.name
        assert len(row["code"]) <= 8
        assert -(2**63) < row["big"] < 2**63
        assert row["small"] is None or -(2**15) < row["small"] < 2**15
        assert abs(row["price"]) < 10**8
        assert row["price"].as_tuple().exponent == -2
        assert row["blob"] is None or len(row["blob"]) <= 16
        assert row["aware"] is None or row["aware"].utcoffset() is not None
        assert row["naive"] is None or row["naive"].tzinfo is None
        assert isinstance(row["key"], uuid.UUID)
        assert row["mood"] is None or isinstance(row["mood"], Mood)
    for key in (("id",), ("code",)):
        values = [tuple(row[name] for name in key) for row in rows]
        assert len(set(values)) == len(values), key
    pairs = [(row["big"], row["small"]) for row in rows if row["small"] is not None]
    assert len(set(pairs)) == len(pairs)


@settings(max_examples=40)
@given(st.data())
def test_new_rows_avoid_stored_keys_and_reference_stored_rows(data: st.DataObject) -> None:
    metadata = MetaData()
    parents = Table("parents", metadata, Column("id", String(4), primary_key=True))
    children = Table(
        "children",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("parent_id", ForeignKey("parents.id"), nullable=False),
        Column("previous", ForeignKey("children.id")),
    )
    stored_parents = data.draw(rows_for(parents, min_size=1, max_size=4))
    first = data.draw(rows_for(children, max_size=4, present={"parents": stored_parents}))
    present = {"parents": stored_parents, "children": first}
    second = data.draw(rows_for(children, max_size=6, present=present))
    parent_ids = {row["id"] for row in stored_parents}
    assert {row["parent_id"] for row in first + second} <= parent_ids
    assert not {row["id"] for row in first} & {row["id"] for row in second}
    for batch, earlier in ((first, []), (second, first)):
        for position, row in enumerate(batch):
            allowed = {other["id"] for other in earlier + batch[:position]}
            assert row["previous"] is None or row["previous"] in allowed


def test_a_required_reference_without_rows_to_point_at_is_refused() -> None:
    metadata = MetaData()
    Table("parents", metadata, Column("id", Integer, primary_key=True))
    children = Table(
        "children",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("parent_id", ForeignKey("parents.id"), nullable=False),
    )

    @given(rows_for(children, min_size=1))
    def drawn(rows: list[dict[str, Any]]) -> None:
        raise AssertionError(f"rows without a parent to point at: {rows}")

    with pytest.raises(UnsupportedColumn, match="parent_id must reference a row of parents"):
        drawn()


class Point(UserDefinedType[Any]):
    """A type laws.rows knows nothing about."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "POINT"


def test_unknown_types_name_the_column_and_overrides_fill_them() -> None:
    table = Table(
        "places", MetaData(), Column("id", Integer, primary_key=True), Column("at", Point())
    )
    with pytest.raises(UnsupportedColumn, match=r"column places\.at of type Point\(\).*overrides"):
        rows_for(table)
    with pytest.raises(UnsupportedColumn, match=r"\['nowhere'\]"):
        rows_for(table, overrides={"nowhere": st.just(1)})

    @given(rows_for(table, min_size=1, overrides={"at": st.just("(1,2)")}))
    def filled(rows: list[dict[str, Any]]) -> None:
        assert {row["at"] for row in rows} == {"(1,2)"}

    filled()


@given(
    st.sampled_from(
        [
            (Numeric(4, 4), Decimal("1")),
            (Numeric(6, 0), Decimal("1000000")),
            (Numeric(9, 3), Decimal("1000000")),
        ]
    ).flatmap(lambda case: st.tuples(values_for_type(case[0]), st.just(case[1])))
)
def test_decimals_fit_precision_and_scale(case: tuple[Decimal, Decimal]) -> None:
    value, bound = case
    assert abs(value) < bound


class RoundTrip:
    """A table created on a fresh database, refilled and read back once per example."""

    def __init__(self, url: str, table: Table, runner: BlockingRunner) -> None:
        self.table = table
        self.runner = runner
        self.engine = open_engine(url)
        self.runner.run(on_connection_async(self.engine, table.metadata.create_all))

    def store_and_read(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        def work(connection: Connection) -> list[dict[str, Any]]:
            connection.execute(delete(self.table))
            if rows:
                connection.execute(insert(self.table), rows)
            found = connection.execute(select(self.table).order_by(self.table.c.id))
            return [dict(row._mapping) for row in found]

        return self.runner.run(on_connection_async(self.engine, work))


@pytest.fixture
def round_trip(databases: DatabaseFactory) -> Iterator[RoundTrip]:
    url = databases()
    make = postgres_table if url.startswith("postgresql") else portable_table
    with BlockingRunner() as runner:
        trip = RoundTrip(url, make(MetaData()), runner)
        try:
            yield trip
        finally:
            runner.run(trip.engine.dispose())


@pytest.mark.parametrize("own", [False, True], ids=["portable", "own"])
def test_generated_rows_are_stored_and_read_back_unchanged(
    round_trip: RoundTrip, own: bool
) -> None:
    dialect = round_trip.engine.dialect.name if own else None

    @settings(max_examples=40, deadline=None)
    @given(rows_for(round_trip.table, max_size=6, dialect=dialect))
    def stored_unchanged(rows: list[dict[str, Any]]) -> None:
        read = round_trip.store_and_read(rows)
        expected = sorted(rows, key=lambda row: row["id"])
        for row in read:
            if "padded" in row and row["padded"] is not None:
                row["padded"] = row["padded"].rstrip(" ")
        assert same_value(read, expected), (read, expected)

    stored_unchanged()


def _leaves(document: Any) -> list[Any]:
    if isinstance(document, list):
        return [leaf for part in document for leaf in _leaves(part)]
    if isinstance(document, dict):
        return [leaf for part in document.values() for leaf in _leaves(part)]
    return [document]


@pytest.mark.parametrize("wanted", [1, 1.0, True, 0, -0.0, False], ids=repr)
def test_json_documents_hold_values_equal_in_python_but_not_in_json(wanted: Any) -> None:
    def holds_it(document: Any) -> bool:
        leaves = _leaves(document)
        return isinstance(document, list | dict) and any(
            same_value(leaf, wanted) and str(leaf) == str(wanted) for leaf in leaves
        )

    find(values_for_type(JSON()), holds_it, settings=settings(max_examples=500, database=None))


def test_sqlite_text_holds_nul_characters_and_postgresql_text_never_does() -> None:
    find(
        values_for_type(String(10), dialect="sqlite"),
        lambda text: "\x00" in text,
        settings=settings(max_examples=200, database=None),
    )

    @given(values_for_type(Text(), dialect="postgresql"), values_for_type(Text()))
    def never(own: str, portable: str) -> None:
        assert "\x00" not in own + portable

    never()


@settings(max_examples=30)
@given(st.data())
def test_references_point_at_earlier_rows_of_the_batch(data: st.DataObject) -> None:
    notes = Table(
        "notes",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("causal_parent", Integer),
    )
    rows = data.draw(rows_for(notes, max_size=6, references={"causal_parent": "id"}))
    for position, row in enumerate(rows):
        earlier = {other["id"] for other in rows[:position]}
        assert row["causal_parent"] is None or row["causal_parent"] in earlier


def test_unknown_databases_and_references_are_refused() -> None:
    table = portable_table(MetaData())
    with pytest.raises(UnsupportedColumn, match="'mysql'"):
        rows_for(table, dialect="mysql")
    with pytest.raises(UnsupportedColumn, match="nowhere"):
        rows_for(table, references={"nowhere": "id"})
