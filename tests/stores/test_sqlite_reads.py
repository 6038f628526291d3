"""SQLiteDgent's reads on each thread's reused cursor: a failing read leaves nothing open."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from dualtrack import BackendUnavailable, Datum, SQLiteDgent


async def test_a_read_that_fails_midway_holds_no_snapshot_of_the_file(tmp_path: Path) -> None:
    """Text another writer stored as invalid UTF-8 fails a get part way through its row; the
    file's write-ahead log can still be checkpointed, and compaction still runs."""
    path = tmp_path / "m.db"
    async with SQLiteDgent(path, busy_timeout=1.0) as store:
        await store.put(Datum(id="bad", content=b"x", created_at=1.0))
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("UPDATE dgent_datums SET metadata = CAST(X'FF' AS TEXT) WHERE id = 'bad'")
        with pytest.raises(BackendUnavailable, match="refused a read"):
            await store.get("bad")
        await store.put(Datum(id="new", content=b"y", created_at=2.0))
        busy, _, _ = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        other.close()
        assert busy == 0, "a reader of this store still holds a snapshot of the file"
        await store.compact()
        assert (await store.get("new")) == Datum(id="new", content=b"y", created_at=2.0)


async def test_a_get_that_cannot_open_its_reader_raises_backend_unavailable(
    tmp_path: Path,
) -> None:
    """A thread's first read opens its connection; when that fails, get says so in the
    library's own error, as every other read does."""
    folder = tmp_path / "gone"
    folder.mkdir()
    async with SQLiteDgent(folder / "m.db") as store:
        await store.put(Datum(id="a", content=b"x", created_at=1.0))
        shutil.rmtree(folder)
        for read in (store.get, store.exists):
            with pytest.raises(BackendUnavailable, match="refused a read"):
                await asyncio.to_thread(asyncio.run, read("a"))
