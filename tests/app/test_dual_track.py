"""DualTrack: atomic captures on one database; write order and repair across two."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from dualtrack.app.models import Base, Crystal
from dualtrack.dual import PENDING_KEY, DualTrack, OrphanRow
from dualtrack.errors import InvalidArgument, InvalidRow
from dualtrack.memory.datum import Datum
from dualtrack.memory.sql.store import SQLDgent
from dualtrack.memory.urls import open_dgent

TAKEN = "taken-crystal"


class Crash(Exception):
    """Raised inside a transaction, before it commits."""


async def _app_engine(folder: Path, name: str = "app.db") -> AsyncEngine:
    engine = create_async_engine(f"sqlite+aiosqlite:///{folder / name}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    return engine


def _thought(text: str) -> tuple[Datum, Crystal]:
    datum = Datum.create(text.encode(), metadata={"type": "crystal"})
    return datum, Crystal.from_content(text, datum_id=datum.id)


async def _crystal_datum_ids(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        found = await connection.execute(select(Crystal.datum_id).where(Crystal.id != TAKEN))
        return set(found.scalars().all())


async def _crash_before_commit(tracks: DualTrack, datum: Datum, crystal: Crystal) -> None:
    async with tracks.transaction() as inside:
        await inside.memory.put(datum)
        row = {"id": crystal.id, "content_hash": "h", "summary": "s", "datum_id": datum.id}
        await inside.connection.execute(insert(Crystal), row)
        assert await inside.memory.get(datum.id) == datum
        raise Crash


async def _scenario(folder: Path, steps: list[tuple[str, str]]) -> None:
    engine = await _app_engine(folder)
    async with engine.begin() as connection:
        await connection.execute(
            insert(Crystal), {"id": TAKEN, "content_hash": "h", "summary": "s", "datum_id": "x"}
        )
    tracks = DualTrack(engine, namespace="brain")
    committed: set[str] = set()
    for text, outcome in steps:
        datum, crystal = _thought(text)
        if outcome == "commit":
            await tracks.capture(datum, [crystal])
            committed.add(datum.id)
        elif outcome == "crash":
            with pytest.raises(Crash):
                await _crash_before_commit(tracks, datum, crystal)
        else:  # the row breaks a constraint after the datum was written
            crystal.id = TAKEN
            with pytest.raises(InvalidRow):
                await tracks.capture(datum, [crystal])
    await tracks.close()
    async with SQLDgent(engine, namespace="brain") as memory:
        stored = {datum.id async for datum in memory.scan()}
    assert stored == committed, "a datum outlived its aborted transaction (a ghost memory)"
    assert await _crystal_datum_ids(engine) == committed, "a row outlived its transaction"
    await engine.dispose()


@given(
    steps=st.lists(
        st.tuples(st.text(max_size=30), st.sampled_from(["commit", "crash", "bad-row"])),
        min_size=1,
        max_size=5,
    )
)
@settings(max_examples=15, deadline=None)
def test_on_one_database_a_datum_and_its_rows_commit_together_or_not_at_all(
    steps: list[tuple[str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_scenario(Path(folder), steps))


async def test_a_transaction_spanning_two_databases_is_refused(tmp_path: Path) -> None:
    engine = await _app_engine(tmp_path)
    memory = await open_dgent(f"sqlite+aiosqlite:///{tmp_path / 'memory.db'}")
    tracks = DualTrack(engine, memory=memory)
    assert not tracks.shared
    with pytest.raises(InvalidArgument, match="capture"):
        async with tracks.transaction():
            pass
    await memory.close()
    await engine.dispose()


async def test_on_two_databases_repair_reports_then_removes_what_a_crash_left(
    tmp_path: Path,
) -> None:
    engine = await _app_engine(tmp_path)
    memory = await open_dgent(f"sqlite+aiosqlite:///{tmp_path / 'memory.db'}")
    tracks = DualTrack(engine, memory=memory)

    kept, kept_row = _thought("kept on both tracks")
    stored = await tracks.capture(kept, [kept_row])
    assert stored.metadata[PENDING_KEY] is True
    assert await memory.get(kept.id) == stored

    # The rows fail after the datum was written: the datum is left pending, no row names it.
    crashed, crashed_row = _thought("its row never committed")
    occupier, occupier_row = _thought("occupies the id")
    await tracks.capture(occupier, [occupier_row])
    async with engine.connect() as connection:
        taken = (await connection.execute(select(Crystal.id).limit(1))).scalar_one()
    crashed_row.id = taken
    with pytest.raises(InvalidRow):
        await tracks.capture(crashed, [crashed_row])
    assert await memory.exists(crashed.id)

    # Other code wrote a row naming a datum agent memory does not hold.
    async with engine.begin() as connection:
        await connection.execute(
            insert(Crystal),
            {"id": "ghost", "content_hash": "h", "summary": "s", "datum_id": "gone"},
        )

    with pytest.raises(InvalidArgument, match="policy"):
        await tracks.repair(Crystal, policy="fix")  # type: ignore[arg-type]

    report = await tracks.repair(Crystal, policy="report")
    assert report.orphan_rows == (OrphanRow(("ghost",), "gone"),)
    assert report.removed_rows == 0
    assert report.pending_datums == (crashed.id,)
    async with engine.connect() as connection:
        count = select(func.count()).select_from(Crystal)
        assert (await connection.execute(count)).scalar_one() == 3

    removed = await tracks.repair(Base.metadata.tables["crystals"], policy="delete")
    assert removed.orphan_rows == report.orphan_rows
    assert removed.removed_rows == 1
    again = await tracks.repair(Crystal, policy="report")
    assert again.orphan_rows == ()
    assert again.pending_datums == (crashed.id,), "agent memory is append-only: reported only"
    assert kept.id in await _crystal_datum_ids(engine)

    await tracks.close()
    await memory.close()
    await engine.dispose()


def test_captures_work_on_an_engine_from_open_engine(tmp_path: Path) -> None:
    """open_engine's SQLite BEGIN hook leaves agent memory's autocommit reads alone."""
    from dualtrack.app.engines import open_engine

    async def scenario() -> int:
        seeded = await _app_engine(tmp_path)
        await seeded.dispose()
        engine = open_engine(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
        track = DualTrack(engine, namespace="hooked")
        for n in range(3):
            await asyncio.wait_for(track.capture(*_split(_thought(f"note {n}"))), 30)
        async with engine.connect() as connection:
            count = (await connection.execute(select(func.count()).select_from(Crystal))).scalar()
        await track.close()
        await engine.dispose()
        return int(count or 0)

    assert asyncio.run(scenario()) == 3


def _split(pair: tuple[Datum, Crystal]) -> tuple[Datum, list[Crystal]]:
    return pair[0], [pair[1]]
