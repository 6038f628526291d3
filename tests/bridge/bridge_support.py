"""What the bridge tests share: test models, fresh tables on each database, adapter factories.

``Specimen`` holds every column type TableAdapter supports (and a parent and a time column);
``Tally`` has an integer key and neither parent nor time column; ``Ticket`` a UUID key;
``Note`` a parent column by naming convention (no foreign key). The
``database`` fixture (from :mod:`tests.stores.sql_support`) is an SQLite file or, marked
``postgres``, a fresh PostgreSQL schema that fails in CI when the server does not answer.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import strategies as st
from sqlalchemy import (
    CHAR,
    JSON,
    REAL,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    Interval,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    Time,
    Uuid,
    delete,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dualtrack.app.blocking import run_blocking
from dualtrack.app.models import Base as AppBase
from dualtrack.app.models import Crystal
from dualtrack.app.timestamps import UTCDateTime
from dualtrack.bridge import ExactNumeric, TableAdapter, refs_table
from dualtrack.memory.protocol import DgentProtocol
from laws.bridge import AdapterFactory
from laws.dgent.support import StoreFactory
from laws.rows import TEXT_CHARACTERS
from tests.stores.sql_support import Database, database, postgres_schema

__all__ = [
    "CRYSTAL_OVERRIDES",
    "Crystal",
    "Mood",
    "Note",
    "Specimen",
    "Tally",
    "Ticket",
    "database",
    "postgres_schema",
]


class Mood(enum.Enum):
    """An enum stored by member name."""

    CALM = "calm"
    CURIOUS = "curious"
    BORED = "bored"


class Base(DeclarativeBase):
    """The test models' own metadata."""

    metadata = MetaData()


class Specimen(Base):
    """Every supported column type, a self-referencing parent and an aware time column."""

    __tablename__ = "specimens"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("specimens.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    name: Mapped[str] = mapped_column(String(30))
    flag: Mapped[bool | None] = mapped_column(Boolean)
    small: Mapped[int | None] = mapped_column(SmallInteger)
    count: Mapped[int | None] = mapped_column(Integer)
    big: Mapped[int | None] = mapped_column(BigInteger)
    ratio: Mapped[float | None] = mapped_column(Float)
    single: Mapped[float | None] = mapped_column(REAL)
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    wide: Mapped[Decimal | None] = mapped_column(Numeric(20, 8))
    exact: Mapped[Decimal | None] = mapped_column(ExactNumeric(20, 8))
    measured: Mapped[Decimal | None] = mapped_column(Float(asdecimal=True))
    rough: Mapped[float | None] = mapped_column(Numeric(10, 2, asdecimal=False))
    body: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(CHAR(4))
    mood: Mapped[Mood | None] = mapped_column(Enum(Mood, name="specimen_mood"))
    level: Mapped[str | None] = mapped_column(Enum("low", "high", name="specimen_level"))
    token: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    token_text: Mapped[str | None] = mapped_column(Uuid(as_uuid=False))
    blob: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    seen_at: Mapped[datetime | None] = mapped_column(DateTime())
    aware_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    day: Mapped[date | None] = mapped_column(Date)
    at_time: Mapped[time | None] = mapped_column(Time)
    span: Mapped[timedelta | None] = mapped_column(Interval)
    doc: Mapped[Any] = mapped_column(JSON, nullable=True)
    docb: Mapped[Any] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), nullable=True)


class Tally(Base):
    """An integer key, no parent column, no time column, a version column (``revision``)."""

    __tablename__ = "tallies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(20))
    n: Mapped[int] = mapped_column(Integer, default=0)
    revision: Mapped[int] = mapped_column(Integer, default=1)


class Note(Base):
    """A parent column found by its name (``causal_parent``, no foreign key), an aware time."""

    __tablename__ = "notes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    causal_parent: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    body: Mapped[str] = mapped_column(Text)
    doc: Mapped[Any] = mapped_column(JSON, nullable=True)


class Ticket(Base):
    """A UUID key, a naive time column, no parent, and an integer version column."""

    __tablename__ = "tickets"

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    title: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)


#: Crystal's ``@validates`` hook wants tags as a list of strings: the rows law says so.
CRYSTAL_OVERRIDES = {"tags": st.lists(st.text(TEXT_CHARACTERS, max_size=8), max_size=3)}

#: Times within 1900-2100, often repeated: ``created_at`` is then exact and ordered ties occur.
SAME_TIMES = [datetime(2024, 5, 1, 9, 30), datetime(2024, 5, 1, 9, 30, 0, 1), datetime(1999, 1, 1)]


def aware_times() -> st.SearchStrategy[datetime]:
    """Aware datetimes whose ``created_at`` floats are exact (1900-2100), with repeats."""
    naive = st.sampled_from(SAME_TIMES) | st.datetimes(datetime(1900, 1, 2), datetime(2100, 1, 1))
    return naive.map(lambda moment: moment.replace(tzinfo=UTC))


async def _create(database: Database) -> None:
    engine = database.engine()
    try:
        async with engine.begin() as connection:
            for metadata in (Base.metadata, AppBase.metadata, refs_table().metadata):
                await connection.run_sync(metadata.create_all)
    finally:
        await engine.dispose()


@pytest.fixture
def tables(database: Database) -> Database:
    """``database`` with every test table, Crystal's and the refs table created, empty."""
    run_blocking(_create(database))
    return database


def adapters(database: Database, model: type[Any], **options: Any) -> AdapterFactory:
    """A factory of adapters over ``model``'s table, emptied first (rows and refs), each on an
    engine of its own (law checks run on loops of their own)."""

    async def fresh() -> TableAdapter:
        engine = database.engine()
        table = model.__table__
        refs = refs_table()
        async with engine.begin() as connection:
            await connection.execute(delete(table))
            await connection.execute(delete(refs).where(refs.c.table_name == table.name))
        return TableAdapter(model, async_sessionmaker(engine), dispose_engine=True, **options)

    return fresh


def adapter_stores(database: Database, model: type[Any], **options: Any) -> StoreFactory:
    """:func:`adapters` as a conformance-kit store factory (the table is the namespace)."""
    make = adapters(database, model, **options)

    async def fresh(namespace: str) -> DgentProtocol:
        return await make()

    return fresh
