"""The Brain's ``Crystal`` on a migrated database: faithful types, defaults, the causal parent."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from dualtrack.app.blocking import BlockingRunner
from dualtrack.app.engines import begin, open_engine
from dualtrack.app.migrate import on_connection, upgrade
from dualtrack.app.models import SUMMARY_LENGTH, Base, Crystal
from dualtrack.errors import InvalidRow
from laws.migrations import DatabaseFactory
from laws.rows import TEXT_CHARACTERS

OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
CRYSTALS = Base.metadata.tables["crystals"]
MOMENTS = st.datetimes(
    min_value=datetime(1000, 1, 2), max_value=datetime(9000, 1, 1), timezones=OFFSETS
)


class Migrated:
    """A migrated database, its engine (as the library makes it) and the loop the engine uses."""

    def __init__(self, url: str, runner: BlockingRunner) -> None:
        self.url = url
        self.runner = runner
        self.engine: AsyncEngine = open_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    def store(self, *crystals: Crystal) -> None:
        async def add() -> None:
            async with self.sessions.begin() as session:
                session.add_all(crystals)

        self.runner.run(add())

    def load(self, crystal_id: str) -> Crystal | None:
        async def get() -> Crystal | None:
            async with self.sessions() as session:
                return await session.get(Crystal, crystal_id)

        return self.runner.run(get())

    def execute(self, *statements: Any) -> None:
        async def run() -> None:
            async with begin(self.engine) as connection:
                for statement in statements:
                    await connection.execute(statement)

        self.runner.run(run())


@pytest.fixture
def migrated(databases: DatabaseFactory) -> Iterator[Migrated]:
    url = databases()
    upgrade(url)
    with BlockingRunner() as runner:
        database = Migrated(url, runner)
        try:
            yield database
        finally:
            runner.run(database.engine.dispose())


def test_crystals_round_trip_with_aware_times_as_the_same_instant(migrated: Migrated) -> None:
    @settings(max_examples=30, deadline=None)
    @given(
        content=st.text(TEXT_CHARACTERS, max_size=300),
        tags=st.lists(st.text(TEXT_CHARACTERS, max_size=10), max_size=4),
        moment=MOMENTS,
        importance=st.floats(-1e6, 1e6, allow_nan=False),
        source=st.none() | st.text(TEXT_CHARACTERS, max_size=64),
    )
    def round_trip(
        content: str, tags: list[str], moment: datetime, importance: float, source: str | None
    ) -> None:
        crystal = Crystal.from_content(content, datum_id="d", tags=tags, source=source)
        crystal.created_at = moment
        crystal.importance = importance
        migrated.store(crystal)
        loaded = migrated.load(crystal.id)
        assert loaded is not None
        assert loaded.created_at == moment
        assert loaded.created_at.utcoffset() == timedelta(0)
        assert (loaded.tags, loaded.summary, loaded.source) == (tags, content[:200], source)
        assert loaded.content_hash == hashlib.sha256(content.encode()).hexdigest()
        assert loaded.importance == importance

    round_trip()


def test_server_defaults_fill_rows_written_by_plain_sql(migrated: Migrated) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    migrated.execute(
        text(
            "INSERT INTO crystals (id, content_hash, summary, tags, datum_id) "
            "VALUES (:id, :hash, :summary, '[]', :datum)"
        ).bindparams(id="plain", hash="h", summary="s", datum="d")
    )
    loaded = migrated.load("plain")
    assert loaded is not None
    assert loaded.importance == 0.5
    assert loaded.source is None
    assert before <= loaded.created_at <= datetime.now(UTC) + timedelta(seconds=5)
    assert loaded.created_at.tzinfo is UTC


def test_orm_defaults_are_aware_and_fetched_eagerly(migrated: Migrated) -> None:
    crystal = Crystal.from_content("a thought", datum_id="d1", tags=["x"])
    migrated.store(crystal)
    assert crystal.importance == 0.5
    assert crystal.created_at.tzinfo is not None


def test_deleting_a_parent_never_rewrites_its_children(migrated: Migrated) -> None:
    parent = Crystal.from_content("parent", datum_id="d1", id="p")
    child = Crystal.from_content("child", datum_id="d2", id="c", parent_id="p")
    migrated.store(parent, child)
    table = CRYSTALS
    with pytest.raises(DBAPIError, match=r"(?i)foreign key"):
        migrated.execute(table.delete().where(table.c.id == "p"))
    kept = migrated.load("c")
    assert kept is not None
    assert kept.parent_id == "p"
    assert migrated.load("p") is not None
    (foreign_key,) = on_connection(
        migrated.url, lambda connection: inspect(connection).get_foreign_keys("crystals")
    )
    assert "ondelete" not in (foreign_key.get("options") or {})


def test_a_child_may_be_written_before_its_parent_in_one_transaction(
    migrated: Migrated,
) -> None:
    table = CRYSTALS
    common = {"content_hash": "h", "summary": "s", "tags": [], "datum_id": "d"}
    migrated.execute(
        insert(table).values(id="child", parent_id="parent", **common),
        insert(table).values(id="parent", parent_id=None, **common),
    )
    loaded = migrated.load("child")
    assert loaded is not None
    assert loaded.parent_id == "parent"
    with pytest.raises(DBAPIError, match=r"(?i)foreign key"):
        migrated.execute(insert(table).values(id="orphan", parent_id="nobody", **common))
    assert migrated.load("orphan") is None


def test_naive_times_and_bad_tags_are_refused() -> None:
    with pytest.raises(InvalidRow, match=r"crystals\.created_at needs a timezone-aware datetime"):
        Crystal(id="x", created_at=datetime(2024, 1, 1))
    with pytest.raises(InvalidRow, match=r"crystals\.tags must be a list of strings"):
        Crystal(id="x", tags="not-a-list")
    with pytest.raises(InvalidRow, match="list of strings"):
        Crystal(id="x", tags=["ok", 3])


def test_naive_times_are_refused_by_the_column_type_too(migrated: Migrated) -> None:
    table = CRYSTALS
    statement = insert(table).values(
        id="n",
        content_hash="h",
        summary="s",
        tags=[],
        datum_id="d",
        created_at=datetime(2024, 1, 1),
    )
    with pytest.raises(StatementError) as caught:
        migrated.execute(statement)
    assert isinstance(caught.value.orig, InvalidRow)
    assert migrated.runner.run(_count(migrated.engine)) == 0


async def _count(engine: AsyncEngine) -> int:
    async with begin(engine) as connection:
        return len((await connection.execute(select(CRYSTALS))).all())


@given(st.text(TEXT_CHARACTERS, max_size=500), st.lists(st.text(max_size=5), max_size=3))
def test_from_content_hashes_and_summarises(content: str, tags: list[str]) -> None:
    crystal = Crystal.from_content(content, datum_id="d", tags=tags)
    assert crystal.content_hash == hashlib.sha256(content.encode()).hexdigest()
    assert crystal.summary == content[:SUMMARY_LENGTH]
    assert crystal.tags == tags
    assert len(crystal.id) == 32
    assert int(crystal.id, 16) >= 0
