"""SQLiteDgent under several processes and crashes: nothing acknowledged is lost, nothing half
written appears, and writers queue instead of failing with "database is locked"."""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from dualtrack import ConflictError, Datum, SQLiteDgent

SPAWN = multiprocessing.get_context("spawn")
BATCH = 50


async def _increment(path: str, times: int) -> None:
    async with SQLiteDgent(path) as store:
        for _ in range(times):
            while True:
                head = await store.get_ref("counter")
                assert head is not None
                current = await store.get(head)
                assert current is not None
                new = await store.put(current.derive(str(int(current.content) + 1).encode()))
                try:
                    await store.set_ref("counter", new.id, expected=head)
                    break
                except ConflictError:
                    continue


def increment_worker(path: str, times: int) -> None:
    """Child process: ``times`` compare-and-set increments of the ref ``counter``."""
    asyncio.run(_increment(path, times))


async def _write_batches(path: str, acks: Any) -> None:
    async with SQLiteDgent(path) as store:
        number = 0
        while True:
            batch = [
                Datum(
                    id=f"b{number}-{i}",
                    content=b"payload %d" % i,
                    created_at=float(number),
                    metadata={"batch": number},
                )
                for i in range(BATCH)
            ]
            await store.put_many(batch)
            acks.put(number)
            number += 1


def batch_worker(path: str, acks: Any) -> None:
    """Child process: ``put_many`` batches forever, reporting each acknowledged batch number."""
    asyncio.run(_write_batches(path, acks))


async def _write_for(path: str, name: str, seconds: float) -> tuple[list[str], list[str]]:
    acknowledged: list[str] = []
    failures: list[str] = []
    async with SQLiteDgent(path) as store:
        deadline = time.monotonic() + seconds
        number = 0
        while time.monotonic() < deadline:
            try:
                if number % 3 == 2:
                    batch = [
                        Datum.create(b"%s %d %d" % (name.encode(), number, i)) for i in range(5)
                    ]
                    await store.put_many(batch)
                    acknowledged += [d.id for d in batch]
                else:
                    datum = await store.put(Datum.create(b"%s %d" % (name.encode(), number)))
                    acknowledged.append(datum.id)
                    assert await store.get(datum.id) == datum
                if number % 10 == 0:
                    await store.list(limit=20, order="desc")
            except Exception as failure:  # every failure is reported, none may happen
                failures.append(repr(failure))
            number += 1
    return acknowledged, failures


def busy_worker(path: str, name: str, seconds: float, results: Any) -> None:
    """Child process: writes and reads for ``seconds``; reports what was acknowledged and any
    failure."""
    results.put((name, *asyncio.run(_write_for(path, name, seconds))))


def _start(target: Any, *args: Any) -> multiprocessing.process.BaseProcess:
    process = SPAWN.Process(target=target, args=args, daemon=True)
    process.start()
    return process


async def _create(path: str) -> None:
    async with SQLiteDgent(path):
        pass


async def _prepare_counter(path: str) -> None:
    async with SQLiteDgent(path) as store:
        root = await store.put(Datum(id="zero", content=b"0", created_at=0.0))
        await store.set_ref("counter", root.id, expected=None)


async def _chain_values(path: str) -> list[int]:
    async with SQLiteDgent(path) as store:
        head = await store.get_ref("counter")
        assert head is not None
        return [int(d.content) for d in await store.causal_chain(head)]


@pytest.mark.slow
def test_four_processes_of_compare_and_set_increments_lose_none(tmp_path: Path) -> None:
    path = str(tmp_path / "counter.db")
    asyncio.run(_prepare_counter(path))
    workers = [_start(increment_worker, path, 250) for _ in range(4)]
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert asyncio.run(_chain_values(path)) == list(range(1001))


async def _batches(path: str) -> Counter[int]:
    async with SQLiteDgent(path) as store:
        return Counter([d.metadata["batch"] async for d in store.scan()])


@pytest.mark.slow
def test_a_process_killed_during_put_many_leaves_only_whole_acknowledged_batches(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "killed.db")
    acknowledged: set[int] = set()
    for _ in range(3):
        acks = SPAWN.Queue()
        writer = _start(batch_worker, path, acks)
        seen = 0
        while seen < 15:
            acknowledged.add(acks.get(timeout=60))
            seen += 1
        writer.kill()
        writer.join(timeout=30)
        while True:
            try:
                acknowledged.add(acks.get(timeout=0.5))
            except queue.Empty:
                break
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        sizes = asyncio.run(_batches(path))
        assert set(sizes.values()) <= {BATCH}, f"half-written batches: {sizes}"
        assert acknowledged <= set(sizes), "an acknowledged batch is missing"


@pytest.mark.slow
def test_eight_busy_processes_never_see_database_is_locked(tmp_path: Path) -> None:
    path = str(tmp_path / "busy.db")
    asyncio.run(_create(path))
    results = SPAWN.Queue()
    workers = [_start(busy_worker, path, f"w{i}", 10.0, results) for i in range(8)]
    reports = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    failures = [failure for _, _, failed in reports for failure in failed]
    assert failures == []
    acknowledged = {datum_id for _, acked, _ in reports for datum_id in acked}
    assert len(acknowledged) > 100

    async def stored() -> set[str]:
        async with SQLiteDgent(path) as store:
            return {d.id async for d in store.scan()}

    assert asyncio.run(stored()) == acknowledged
