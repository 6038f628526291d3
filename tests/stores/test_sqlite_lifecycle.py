"""SQLiteDgent's lifecycle under abuse: a store dropped unclosed gives back its thread and
files (with a ResourceWarning), and a file deleted or replaced under a running store makes
its writes fail instead of being acknowledged and lost."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sqlite3
import threading
import time
import warnings
from pathlib import Path

import pytest

from dualtrack import BackendUnavailable, Datum, SQLiteDgent, StorageReplaced


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _writer_threads() -> int:
    return sum(thread.name.startswith("dgent-writer:") for thread in threading.enumerate())


async def _dropped(path: Path, count: int) -> None:
    for number in range(count):
        store = await SQLiteDgent.open(path / f"{number}.db")
        await store.put(Datum(id="x", content=b"x", created_at=1.0))
        await store.get("x")  # opens a reader connection too
        del store


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts fds through /proc")
def test_a_dropped_store_gives_back_its_thread_and_files_with_a_resource_warning(
    tmp_path: Path,
) -> None:
    threads, fds = _writer_threads(), _open_fds()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(_dropped(tmp_path, 20))
        gc.collect()
    deadline = time.monotonic() + 10
    while _writer_threads() > threads and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _writer_threads() == threads
    assert _open_fds() <= fds + 2  # the event loop's own may linger until collected
    unclosed = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert len([w for w in unclosed if "SQLiteDgent" in str(w.message)]) == 20


def test_a_closed_store_is_not_warned_about(tmp_path: Path) -> None:
    async def closed() -> None:
        async with SQLiteDgent(tmp_path / "m.db") as store:
            await store.put(Datum(id="x", content=b"x", created_at=1.0))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(closed())
        gc.collect()
    assert not [w for w in caught if "SQLiteDgent" in str(w.message)]


def test_a_file_moved_over_the_store_keeps_its_own_data(tmp_path: Path) -> None:
    """The WAL beside a file is found by name: a store whose file was replaced must write
    nothing, or its pages would land in the WAL of the file moved over it."""
    path, backup = tmp_path / "m.db", tmp_path / "backup.db"

    async def scenario() -> None:
        async with SQLiteDgent(backup) as restored:
            await restored.put(Datum(id="from-backup", content=b"o", created_at=1.0))
        async with SQLiteDgent(path) as first:
            await first.put(Datum(id="live", content=b"b", created_at=1.0))
        store = SQLiteDgent(path)
        try:
            await store.put(Datum(id="live", content=b"b", created_at=1.0))  # starts its writer
            backup.replace(path)
            with pytest.raises(StorageReplaced, match="refused"):
                await store.put(Datum(id="after-restore", content=b"n", created_at=2.0))
        finally:
            await store.close()

    asyncio.run(scenario())
    with contextlib.closing(sqlite3.connect(path)) as reader:
        ids = [row[0] for row in reader.execute("SELECT id FROM dgent_datums")]
    assert ids == ["from-backup"]


def _swap(path: Path, other: Path, how: str) -> None:
    """Delete the store's file (and its WAL), or move another database over it."""
    if how == "replaced":
        other.replace(path)
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.mark.parametrize("inline", [True, False], ids=["inline", "thread"])
@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_writes_are_refused_once_the_file_is_deleted_or_replaced(
    tmp_path: Path, how: str, inline: bool
) -> None:
    path = tmp_path / "m.db"
    other = tmp_path / "other.db"

    refusals: list[StorageReplaced] = []

    async def scenario() -> list[str]:
        async with SQLiteDgent(other) as elsewhere:
            await elsewhere.put(Datum(id="other", content=b"o", created_at=1.0))
        acknowledged: list[str] = []
        async with SQLiteDgent(path, inline_commits=inline) as store:
            await store.put(Datum(id="before", content=b"b", created_at=1.0))
            _swap(path, other, how)
            for number in range(10):
                try:
                    put = Datum(id=f"n{number}", content=b"n", created_at=2.0)
                    acknowledged.append((await store.put(put)).id)
                except StorageReplaced as error:
                    refusals.append(error)
        return acknowledged

    acknowledged = asyncio.run(scenario())
    assert len(refusals) == 10
    assert all(isinstance(error, BackendUnavailable) for error in refusals)
    assert "deleted or replaced" in str(refusals[0])

    async def present() -> list[str]:
        async with SQLiteDgent(path) as reopened:
            return [i for i in acknowledged if await reopened.get(i) is not None]

    assert asyncio.run(present()) == acknowledged  # nothing acknowledged is missing
    assert acknowledged == []  # and every write after the swap was refused
