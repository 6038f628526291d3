"""Forgetting benchmark: forget 10% of a store, then compact it, against the raw SQL ``DELETE``
and ``VACUUM`` a user would otherwise run behind the library's back, measured in the same run.

The store holds ``--size`` datums (default 1,000,000) in threads of ten (each datum the causal
child of the one before), with metadata ``{"shard": n % 10, "n": n}``; ``forget(metadata=
{"shard": 0})`` hides the first datum of every thread, so every survivor's chain is cut.

* **forget**: one call, one transaction of tombstones; then the read paths (point gets, a full
  scan, a metadata-filtered listing) against the same reads before forgetting, whose filter
  now finds tombstones;
* **compact**: ``compact()`` (SQLite: removal with ``secure_delete``, ``VACUUM``, truncating
  checkpoint; PostgreSQL: removal, then ``VACUUM (FULL)`` once older snapshots ended), with
  its dry run, the bytes its receipt names and the file (or table) bytes freed;
* **raw**, the baseline: on an identical copy, ``DELETE`` of the same datums' rows (and their
  metadata rows) followed by the same vacuum, with nothing else: no tombstones, refs, digests,
  secure delete, or read paths that know.

Run::

    .venv/bin/python benchmarks/retention.py                         # SQLite, 1,000,000
    .venv/bin/python benchmarks/retention.py --size 100000 --postgres # both, smaller
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from dualtrack import Datum, SQLDgent, SQLiteDgent
from dualtrack.memory.retention import CompactionPolicy, CompactionReceipt, Retention

NAMESPACE = "bench"
THREAD = 10
SERVER = make_url(
    os.environ.get("DUALTRACK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
)
RAW_DSN = SERVER.set(drivername="postgresql").render_as_string(hide_password=False)
SQL_URL = SERVER.set(drivername="postgresql+asyncpg")


def datums(size: int) -> Iterator[list[Datum]]:
    """The store's datums in batches of 1,000, threads of ten, parents first."""
    batch: list[Datum] = []
    for number in range(size):
        parent = None if number % THREAD == 0 else f"d{number - 1:09d}"
        batch.append(
            Datum(
                id=f"d{number:09d}",
                content=b"observation %d: the agent noticed a pattern in the logs" % number,
                created_at=1.7e9 + number,
                causal_parent=parent,
                metadata={"shard": number % 10, "n": number},
            )
        )
        if len(batch) == 1000:
            yield batch
            batch = []
    if batch:
        yield batch


async def timed(work: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await work()
    return time.perf_counter() - start, result


async def reads(store: Retention, size: int) -> dict[str, float]:
    """Rates of point gets, a full scan and a filtered listing (datums per second)."""
    ids = [f"d{random.randrange(size):09d}" for _ in range(5000)]

    async def gets() -> int:
        for datum_id in ids:
            await store.get(datum_id)
        return len(ids)

    async def scan() -> int:
        return sum([1 async for _ in store.scan(batch_size=1000)])

    async def listing() -> int:
        found, cursor = 0, None
        for _ in range(50):
            page = await store.list(metadata={"shard": 3}, limit=100, cursor=cursor)
            found += len(page)
            cursor = page.cursor
            if cursor is None:
                break
        return found

    rates: dict[str, float] = {}
    for name, work in (("get", gets), ("scan", scan), ("list", listing)):
        best = 0.0
        for _ in range(5):
            seconds, count = await timed(work)
            best = max(best, count / seconds)
        rates[name] = best
    return rates


def print_reads(before: dict[str, float], after: dict[str, float]) -> None:
    print(f"  {'read after forgetting':<26}{'before /s':>14}{'after /s':>14}{'after/before':>14}")
    for name in before:
        ratio = after[name] / before[name]
        print(f"  {name:<26}{before[name]:>14,.0f}{after[name]:>14,.0f}{ratio:>13.2f}x")


def print_compaction(
    label: str,
    forget_s: float,
    forgotten: int,
    dry_s: float,
    compact_s: float,
    receipt: CompactionReceipt,
    raw_s: float,
    raw_freed: int,
) -> None:
    freed = receipt.bytes_freed or 0
    print(f"  forget(metadata={{'shard': 0}}): {forgotten:,} datums in {forget_s:.2f} s")
    print(f"  compact(dry_run=True): {dry_s:.2f} s")
    print(
        f"  compact(): {compact_s:.2f} s, removed {len(receipt.removed):,} datums "
        f"({receipt.datum_bytes / 1e6:,.1f} MB of content, metadata and vectors), "
        f"{label} {receipt.file_bytes_before or 0:,} -> {receipt.file_bytes_after or 0:,} "
        f"bytes: {freed / 1e6:,.1f} MB freed; erased from files: {receipt.erased_from_files}"
    )
    print(
        f"  raw DELETE + vacuum on a copy: {raw_s:.2f} s, {raw_freed / 1e6:,.1f} MB freed; "
        f"compact/raw time = {compact_s / raw_s:.2f}x"
    )


def file_bytes(path: str) -> int:
    return sum(os.path.getsize(path + s) for s in ("", "-wal") if os.path.exists(path + s))


def raw_sqlite(path: str) -> tuple[float, int]:
    """The raw baseline on an SQLite copy: delete shard 0's rows, VACUUM, checkpoint."""
    before = file_bytes(path)
    connection = sqlite3.connect(path, isolation_level=None)
    start = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    doomed = """SELECT datum_id FROM dgent_metadata
        WHERE namespace = ? AND key = 'shard' AND value = '0'"""
    connection.execute(
        f"DELETE FROM dgent_datums WHERE namespace = ? AND id IN ({doomed})",  # noqa: S608
        (NAMESPACE, NAMESPACE),
    )
    connection.execute(
        f"DELETE FROM dgent_metadata WHERE namespace = ? AND datum_id IN ({doomed})",  # noqa: S608
        (NAMESPACE, NAMESPACE),
    )
    connection.execute("COMMIT")
    connection.execute("VACUUM")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - start
    connection.close()
    return seconds, before - file_bytes(path)


async def sqlite_run(size: int, folder: Path) -> None:
    path = str(folder / "memory.db")
    store = await SQLiteDgent.open(path, namespace=NAMESPACE)
    fill_s = 0.0
    for batch in datums(size):
        seconds, _ = await timed(lambda batch=batch: store.put_many(batch))
        fill_s += seconds
    await store.close()
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    copy = str(folder / "copy.db")
    shutil.copy(path, copy)
    print(f"\nSQLiteDgent, {size:,} datums (filled in {fill_s:.0f} s, {file_bytes(path):,} bytes)")
    store = await SQLiteDgent.open(path, namespace=NAMESPACE)
    before = await reads(store, size)
    forget_s, forgotten = await timed(lambda: store.forget(metadata={"shard": 0}))
    print_reads(before, await reads(store, size))
    dry_s, _ = await timed(lambda: store.compact(dry_run=True))
    compact_s, receipt = await timed(lambda: store.compact())
    await store.close()
    raw_s, raw_freed = await asyncio.to_thread(raw_sqlite, copy)
    print_compaction("file", forget_s, len(forgotten), dry_s, compact_s, receipt, raw_s, raw_freed)


async def raw_postgres(schema: str) -> tuple[float, int]:
    """The raw baseline on a PostgreSQL copy: delete shard 0's rows, ``VACUUM (FULL)``."""
    connection = await asyncpg.connect(RAW_DSN)
    size = """SELECT pg_total_relation_size(format('%I.dualtrack_datums', $1::text)::regclass)"""
    before = await connection.fetchval(size, schema)
    start = time.perf_counter()
    await connection.execute(
        f'DELETE FROM "{schema}".dualtrack_datums'  # noqa: S608
        " WHERE namespace = $1 AND facets @> $2::jsonb",
        NAMESPACE,
        '{"\\"shard\\"": "0"}',
    )
    await connection.execute(f'VACUUM (FULL) "{schema}".dualtrack_datums')
    seconds = time.perf_counter() - start
    after = await connection.fetchval(size, schema)
    await connection.close()
    return seconds, int(before) - int(after)


async def postgres_run(size: int) -> None:
    schema, copy = f"bench_{uuid.uuid4().hex[:10]}", f"bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(RAW_DSN)
    try:
        for name in (schema, copy):
            await admin.execute(f'CREATE SCHEMA "{name}"')
        engine = create_async_engine(SQL_URL)
        store = await SQLDgent.open(engine, namespace=NAMESPACE, schema=schema)
        fill_s = 0.0
        for batch in datums(size):
            seconds, _ = await timed(lambda batch=batch: store.put_many(batch))
            fill_s += seconds
        other = await SQLDgent.open(engine, namespace=NAMESPACE, schema=copy)
        await other.close()
        await admin.execute(
            f'INSERT INTO "{copy}".dualtrack_datums SELECT * FROM "{schema}".dualtrack_datums'  # noqa: S608
        )
        await admin.execute(f'ANALYZE "{schema}".dualtrack_datums')
        await admin.execute(f'ANALYZE "{copy}".dualtrack_datums')
        print(f"\nSQLDgent on PostgreSQL, {size:,} datums (filled in {fill_s:.0f} s)")
        before = await reads(store, size)
        forget_s, forgotten = await timed(lambda: store.forget(metadata={"shard": 0}))
        print_reads(before, await reads(store, size))
        dry_s, _ = await timed(lambda: store.compact(dry_run=True))
        full = CompactionPolicy(vacuum="full")
        compact_s, receipt = await timed(lambda: store.compact(full))
        await store.close()
        await engine.dispose()
        raw_s, raw_freed = await raw_postgres(copy)
        print_compaction(
            "tables", forget_s, len(forgotten), dry_s, compact_s, receipt, raw_s, raw_freed
        )
    finally:
        for name in (schema, copy):
            await admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="datums in the store")
    parser.add_argument("--postgres", action="store_true", help="also SQLDgent on PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLiteDgent")
    options = parser.parse_args()
    random.seed(7)
    if not options.no_sqlite:
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as folder:
            await sqlite_run(options.size, Path(folder))
    if options.postgres:
        await postgres_run(options.size)


if __name__ == "__main__":
    asyncio.run(main())
