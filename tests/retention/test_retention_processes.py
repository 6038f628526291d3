"""Writers in other processes lose nothing live while this process compacts, on SQLite
(SQLiteDgent) and on PostgreSQL (SQLDgent)."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import uuid
from pathlib import Path

import pytest

from dualtrack.memory.retention import CompactionPolicy, Retention
from dualtrack.memory.sql.store import SQLDgent
from dualtrack.memory.sqlite.store import SQLiteDgent
from dualtrack.memory.urls import open_dgent
from laws.retention import ManualClock, WriterReport, verify_writers, write_chain
from tests.stores.sql_support import POSTGRES, postgres_schema

__all__ = ["postgres_schema"]

SPAWN = multiprocessing.get_context("spawn")
WRITERS = 3
STEPS = 24


async def _open(where: str, namespace: str) -> Retention:
    if where.startswith("schema:"):
        store = await open_dgent(
            POSTGRES, namespace=namespace, schema=where.removeprefix("schema:"), pool_size=2
        )
        assert isinstance(store, SQLDgent)
        return store
    return await SQLiteDgent.open(where, namespace=namespace)


async def _write(where: str, namespace: str, writer: int) -> WriterReport:
    store = await _open(where, namespace)
    try:
        return await write_chain(store, writer, STEPS, ManualClock())
    finally:
        await store.close()


def writer_process(where: str, namespace: str, writer: int, report: str) -> None:
    """Child process: one chain of :func:`write_chain`, its report written to ``report``."""
    Path(report).write_text(asyncio.run(_write(where, namespace, writer)).to_json())


async def _compact_while_writing(where: str, folder: Path) -> None:
    namespace = f"processes-{uuid.uuid4().hex[:12]}"
    compactor = await _open(where, namespace)
    reports = [folder / f"writer-{k}.json" for k in range(WRITERS)]
    processes = [
        SPAWN.Process(target=writer_process, args=(where, namespace, k, str(reports[k])))
        for k in range(WRITERS)
    ]
    for process in processes:
        process.start()
    rounds = 0
    deadline = time.monotonic() + 120
    try:
        while any(process.is_alive() for process in processes) or rounds == 0:
            vacuum = "normal" if rounds % 4 == 3 else "none"
            await compactor.compact(CompactionPolicy(vacuum=vacuum))
            rounds += 1
            assert time.monotonic() < deadline, "writers did not finish in two minutes"
        for process in processes:
            process.join()
            assert process.exitcode == 0
        texts = await asyncio.to_thread(lambda: [report.read_text() for report in reports])
        done = [WriterReport.from_json(text) for text in texts]
        await compactor.compact()
        await verify_writers(compactor, done, {"processes": WRITERS, "compactions": rounds})
        assert rounds > 1, "compaction never overlapped the writers"
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
        await compactor.close()


def test_sqlite_writers_in_processes_lose_nothing_while_compacting(tmp_path: Path) -> None:
    asyncio.run(_compact_while_writing(str(tmp_path / "memory.db"), tmp_path))


@pytest.mark.postgres
def test_postgres_writers_in_processes_lose_nothing_while_compacting(
    postgres_schema: str, tmp_path: Path
) -> None:
    asyncio.run(_compact_while_writing(f"schema:{postgres_schema}", tmp_path))
