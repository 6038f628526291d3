"""Where SQLiteDgent commits: a lone small write on the caller's thread, writes that arrive
together in one group on the writer thread, and nothing that waits on a lock on the loop."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from dualtrack import Datum, InvalidArgument, SQLiteDgent, StorageReplaced, open_dgent
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.sqlite.writer import Writer
from laws.dgent import check_concurrent_writers


@pytest.fixture
def handed_over(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every group the writer thread committed, in order."""
    groups: list[int] = []
    commit = Writer._commit

    def counted(self: Writer, connection: sqlite3.Connection, group: list[Any]) -> Any:
        groups.append(len(group))
        return commit(self, connection, group)

    monkeypatch.setattr(Writer, "_commit", counted)
    return groups


def _datum(number: int, parent: str | None = None) -> Datum:
    return Datum(id=f"d{number}", content=b"c%d" % number, created_at=1.0, causal_parent=parent)


async def _every_kind_of_small_write(store: SQLiteDgent) -> None:
    await store.put(_datum(1))
    await store.put_many([_datum(2, "d1"), _datum(3, "d2")])
    await store.advance(_datum(4, "d3"), "head")
    await store.set_ref("head", "d3", expected="d4")


def test_a_lone_small_write_commits_on_the_callers_thread(
    tmp_path: Path, handed_over: list[int]
) -> None:
    async def scenario() -> None:
        async with SQLiteDgent(tmp_path / "m.db") as store:
            started = len(handed_over)  # the schema, made by the thread
            await _every_kind_of_small_write(store)
            assert handed_over[started:] == []
            assert await store.get_ref("head") == "d3"
            assert [d.id for d in await store.causal_chain("d4")] == ["d1", "d2", "d3", "d4"]

    asyncio.run(scenario())


def test_without_inline_commits_every_write_goes_to_the_thread(
    tmp_path: Path, handed_over: list[int]
) -> None:
    async def scenario() -> None:
        async with open_dgent(f"sqlite:///{tmp_path / 'm.db'}", inline_commits=False) as store:
            assert isinstance(store, SQLiteDgent)
            started = len(handed_over)
            await _every_kind_of_small_write(store)
            assert handed_over[started:] == [1, 1, 1, 1]

    asyncio.run(scenario())


def test_a_batch_too_large_to_hold_the_loop_goes_to_the_thread(
    tmp_path: Path, handed_over: list[int]
) -> None:
    async def scenario() -> None:
        async with SQLiteDgent(tmp_path / "m.db") as store:
            started = len(handed_over)
            await store.put_many([_datum(n) for n in range(1000)])
            assert handed_over[started:] == [1]
            assert await store.count() == 1000

    asyncio.run(scenario())


def test_writes_that_arrive_together_share_commits_on_the_thread(
    tmp_path: Path, handed_over: list[int]
) -> None:
    async def scenario() -> None:
        async with SQLiteDgent(tmp_path / "m.db") as store:
            started = len(handed_over)

            async def writer(first: int) -> None:
                for number in range(first, 640, 64):
                    await store.put(_datum(number))

            await asyncio.gather(*(writer(first) for first in range(64)))
            groups = handed_over[started:]
            assert sum(groups) >= 600  # all but the last few writers' tails went to the thread
            assert len(groups) < sum(groups) / 4  # and shared commits there
            assert await store.count() == 640

    asyncio.run(scenario())


def test_a_write_lock_held_by_another_connection_never_stalls_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "m.db"

    async def scenario() -> None:
        async with SQLiteDgent(path) as store:
            await store.put(_datum(0))
            with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
                other.execute("BEGIN IMMEDIATE")
                putting = asyncio.ensure_future(store.put(_datum(1)))
                ticks = 0
                until = time.monotonic() + 0.3
                while time.monotonic() < until:
                    await asyncio.sleep(0.005)
                    ticks += 1
                assert not putting.done()  # waiting for the lock, on the thread
                assert ticks > 20  # while the loop ran on
                other.execute("COMMIT")
            assert (await putting).id == "d1"
            assert await store.get("d1") == _datum(1)

    asyncio.run(scenario())


@pytest.mark.parametrize("inline", [True, False])
def test_racing_writers_each_succeed_and_store_once(tmp_path: Path, inline: bool) -> None:
    path = tmp_path / "m.db"

    async def fresh(namespace: str) -> DgentProtocol:
        return await SQLiteDgent.open(path, namespace=namespace, inline_commits=inline)

    check_concurrent_writers(fresh, settings=settings(max_examples=30, deadline=None))


@pytest.mark.parametrize("given", [None, 1, "yes"])
def test_inline_commits_is_true_or_false(tmp_path: Path, given: object) -> None:
    with pytest.raises(InvalidArgument, match="inline_commits must be True or False"):
        SQLiteDgent(tmp_path / "m.db", inline_commits=given)  # type: ignore[arg-type]


@pytest.mark.parametrize("inline", [True, False], ids=["inline", "thread"])
def test_a_file_replaced_during_a_commit_is_never_acknowledged(
    tmp_path: Path, inline: bool
) -> None:
    """A write whose file is moved away while it runs lands in a WAL no reader of the path
    will see: the writer says it was lost instead of acknowledging it."""
    path, other = tmp_path / "m.db", tmp_path / "other.db"

    async def scenario() -> None:
        async with SQLiteDgent(other) as elsewhere:
            await elsewhere.put(_datum(0))
        async with SQLiteDgent(path, inline_commits=inline) as store:
            await store.put(_datum(1))
            writer = await store._started()

            def swapped_midway(connection: sqlite3.Connection) -> None:
                connection.execute("CREATE TABLE scratch (x)")
                other.replace(path)

            with pytest.raises(StorageReplaced, match="lost"):
                await writer.write(swapped_midway)

    asyncio.run(scenario())


def test_a_file_replaced_and_put_back_is_written_again_through_its_own_connection(
    tmp_path: Path,
) -> None:
    """While another file stands at the path, writes are refused; once the store's own file is
    back, they land in it, never in the file that stood there meanwhile."""
    path, aside, other = tmp_path / "m.db", tmp_path / "aside.db", tmp_path / "other.db"

    async def scenario() -> None:
        async with SQLiteDgent(other) as elsewhere:
            await elsewhere.put(_datum(0))
        async with SQLiteDgent(path) as store:
            await store.set_lifetime(None)  # starts the writer thread; no lone write yet
            path.replace(aside)
            other.replace(path)
            with pytest.raises(StorageReplaced):
                await store.put(_datum(1))
            writer = await store._started()
            assert writer._here is None, "a connection was opened on the file standing in"
            path.replace(other)
            aside.replace(path)
            await store.put(_datum(2))
        async with SQLiteDgent(path) as reopened:
            assert await reopened.get("d2") == _datum(2)
        async with SQLiteDgent(other) as stood_in:
            assert await stood_in.get("d2") is None

    asyncio.run(scenario())


def test_a_store_opened_by_a_relative_path_writes_its_own_file_after_a_chdir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()

    async def scenario() -> None:
        monkeypatch.chdir(second)
        async with SQLiteDgent("m.db") as other:
            await other.put(_datum(0))
        monkeypatch.chdir(first)
        async with SQLiteDgent("m.db") as store:
            await store.set_lifetime(None)  # the writer thread runs; no lone write yet
            monkeypatch.chdir(second)
            await store.put(_datum(1))
            assert await store.get("d1") == _datum(1)
        async with SQLiteDgent(first / "m.db") as mine, SQLiteDgent(second / "m.db") as theirs:
            assert await mine.get("d1") == _datum(1)
            assert await theirs.get("d1") is None

    asyncio.run(scenario())


def _delete(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def test_a_file_deleted_before_the_first_lone_write_is_refused_and_not_made_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "m.db"

    async def scenario() -> None:
        async with SQLiteDgent(path) as store:
            await store.set_lifetime(None)
            _delete(path)
            with pytest.raises(StorageReplaced):
                await store.put(_datum(1))
            assert not path.exists()

    asyncio.run(scenario())


def test_a_write_started_before_close_is_finished_by_it(tmp_path: Path) -> None:
    path = tmp_path / "m.db"

    async def scenario() -> None:
        store = await SQLiteDgent.open(path)
        stored, _ = await asyncio.gather(store.put(_datum(1)), store.close())
        assert stored == _datum(1)
        async with SQLiteDgent(path) as reopened:
            assert await reopened.get("d1") == _datum(1)

    asyncio.run(scenario())


class SlowToLock:
    """A writer's queue whose thread, having taken a write off it, is slow to go on: the
    moment a lone write must not slip into (the queue is empty, the write lock free)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def get(self) -> Any:
        taken = self.inner.get()
        if taken is not None:
            time.sleep(0.05)
        return taken

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_lone_write_never_overtakes_one_the_thread_has_not_committed(tmp_path: Path) -> None:
    """A batch too big for the loop goes to the thread, which takes it off its queue and is
    slow to commit it; a ref then set on its last datum waits behind it, not ahead."""

    async def scenario() -> None:
        async with SQLiteDgent(tmp_path / "m.db") as store:
            writer = await store._started()
            writer._queue = SlowToLock(writer._queue)  # type: ignore[assignment]
            await store.set_lifetime(None)  # the thread's next take is a slow one
            chain = [_datum(0)] + [_datum(n, f"d{n - 1}") for n in range(1, 300)]
            batch = asyncio.ensure_future(store.put_many(chain))
            await asyncio.sleep(0.01)  # taken off the queue, not yet committed
            await store.set_ref("head", "d299")
            await batch
            assert await store.get_ref("head") == "d299"

    asyncio.run(scenario())


def test_the_lone_write_connection_is_as_durable_as_the_thread_s(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SQLiteDgent(tmp_path / "m.db") as store:
            await store.put(_datum(1))
            writer = await store._started()
            assert writer._here is not None
            assert writer._here.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert writer._here.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    asyncio.run(scenario())
