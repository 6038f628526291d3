"""Agent-memory benchmark: SQLiteDgent against raw sqlite3, raw aiosqlite and eventsourcing.

Every baseline runs in the same process and the same run, on its own fresh file with the same
pragmas (WAL, synchronous=FULL). "Plain table" is raw sqlite3 inserting each datum's five
fields into a five-column table with a primary key; "same SQL" runs SQLiteDgent's own schema
and the insert a put runs (``dualtrack.memory.sqlite.schema``: the datum row and its indexes)
with every value precomputed outside the timing; "writer thread" hands the plain table's
commits to one thread and awaits them, the floor for a durable put from async code. In the rows
with a target, ours and the baselines take turns round by round. Neither search vectors nor the
rows metadata filters search are part of a write (the first search, or the first filtered
list, writes what it needs): the "search" rows measure those costs. Numbers on a shared machine
are noisy: read the ratios, which compare rates measured moments apart. Run::

    .venv/bin/python benchmarks/memory.py            # full sizes (a few minutes)
    .venv/bin/python benchmarks/memory.py --scale 0.1 # quick look
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import multiprocessing
import os
import queue
import resource
import sqlite3
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteDatastore

from dualtrack import Datum, HashedNgramEmbedder, SQLiteDgent
from dualtrack.memory.metadata import canonical_json
from dualtrack.memory.sqlite import schema as sql
from dualtrack.memory.sqlite.writer import connect

NAMESPACE = "bench"
EMBEDDER = HashedNgramEmbedder()

Row = tuple[Any, ...]


def datum(number: int, parent: str | None = None) -> Datum:
    """A small, realistic memory: a sentence and two metadata entries."""
    return Datum(
        id=f"d{number:09d}",
        content=b"observation %d: the agent noticed a pattern in the logs" % number,
        created_at=1.7e9 + number,
        causal_parent=parent,
        metadata={"kind": f"k{number % 10}", "n": number},
    )


def rows_of(datums: Sequence[Datum]) -> tuple[list[Row], list[Row]]:
    """The parameters SQLiteDgent binds for these datums."""
    datum_rows: list[Row] = []
    metadata_rows: list[Row] = []
    for d in datums:
        datum_rows.append(
            (NAMESPACE, d.id, d.content, d.created_at, d.causal_parent, d.metadata_json)
        )
        metadata_rows += [
            (NAMESPACE, key, canonical_json(value), d.created_at, d.id)
            for key, value in d.metadata.items()
        ]
    return datum_rows, metadata_rows


def raw_file(path: Path) -> sqlite3.Connection:
    """A raw sqlite3 connection on a new file with SQLiteDgent's schema and pragmas."""
    connection = connect(str(path), 60.0)
    connection.execute("PRAGMA journal_mode = WAL")
    for statement in sql.SCHEMA:
        connection.execute(statement)
    return connection


PLAIN_TABLE = """CREATE TABLE plain (id TEXT PRIMARY KEY, content BLOB NOT NULL,
    created_at REAL NOT NULL, causal_parent TEXT, metadata TEXT NOT NULL)"""
PLAIN_INSERT = "INSERT INTO plain VALUES (?, ?, ?, ?, ?)"


def plain_file(path: Path) -> sqlite3.Connection:
    """A raw sqlite3 connection on a new file holding one plain five-column table."""
    connection = connect(str(path), 60.0)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute(PLAIN_TABLE)
    return connection


def plain_rows(datums: Sequence[Datum]) -> list[Row]:
    """Each datum's five fields, as a plain table holds them."""
    return [(d.id, d.content, d.created_at, d.causal_parent, d.metadata_json) for d in datums]


def raw_write(connection: sqlite3.Connection, datums: Sequence[Datum]) -> None:
    """One durable transaction writing ``datums`` with SQLiteDgent's statements, with their
    metadata rows and mark, as the store holds them once a filtered read has run."""
    datum_rows, metadata_rows = rows_of(datums)
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(sql.INSERT_DATUM, datum_rows)
    connection.executemany(sql.INSERT_METADATA, metadata_rows)
    (top,) = connection.execute(sql.TOP_SEQ).fetchone()
    connection.execute(sql.SET_INDEX_MARK, (NAMESPACE, top))
    connection.execute("COMMIT")


class OneWriterThread:
    """Each commit handed to one thread and awaited, with no other work: what a single durable
    put from async code pays at least when the fsync must stay off the event loop."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._loop = asyncio.get_running_loop()
        self._requests: queue.SimpleQueue[tuple[str, Row, asyncio.Future[None]] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._run)

    async def __aenter__(self) -> OneWriterThread:
        self._thread.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        self._requests.put(None)
        await asyncio.to_thread(self._thread.join)

    def commit(self, statement: str, row: Row) -> asyncio.Future[None]:
        """Run ``statement`` with ``row`` in a transaction of its own on the thread."""
        done: asyncio.Future[None] = self._loop.create_future()
        self._requests.put((statement, row, done))
        return done

    def _run(self) -> None:
        while (request := self._requests.get()) is not None:
            statement, row, done = request
            try:
                self._connection.execute("BEGIN IMMEDIATE")
                self._connection.execute(statement, row)
                self._connection.execute("COMMIT")
            except sqlite3.Error as error:
                if self._connection.in_transaction:
                    self._connection.execute("ROLLBACK")
                self._loop.call_soon_threadsafe(done.set_exception, error)
            else:
                self._loop.call_soon_threadsafe(done.set_result, None)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def best_of(repeat: int, measure: Callable[[], float]) -> float:
    """The median of ``repeat`` measurements (each a rate)."""
    return statistics.median(measure() for _ in range(repeat))


async def abest_of(repeat: int, measure: Callable[[], Awaitable[float]]) -> float:
    return statistics.median([await measure() for _ in range(repeat)])


async def interleaved(
    repeat: int, measures: dict[str, Callable[[], float | Awaitable[float]]]
) -> dict[str, float]:
    """The median rate of each measure over ``repeat`` rounds in which they take turns (in
    reverse order every other round), so drift in the machine's speed falls on every side."""
    rates: dict[str, list[float]] = {name: [] for name in measures}
    turns = list(measures.items())
    for round_number in range(repeat):
        for name, measure in turns if round_number % 2 == 0 else reversed(turns):
            value = measure()
            rates[name].append(await value if inspect.isawaitable(value) else value)
    return {name: statistics.median(values) for name, values in rates.items()}


def report(title: str, ours: float, baselines: dict[str, float], unit: str = "/s") -> None:
    print(f"\n{title}")
    print(f"  {'SQLiteDgent':<28}{ours:>14,.0f} {unit}")
    for name, value in baselines.items():
        print(f"  {name:<28}{value:>14,.0f} {unit}   ours/this = {ours / value:5.2f}x")


class Bench:
    def __init__(self, folder: Path, scale: float, repeat: int) -> None:
        self.folder = folder
        self.scale = scale
        self.repeat = repeat
        self.counter = 0

    def fresh(self, name: str) -> Path:
        self.counter += 1
        return self.folder / f"{name}-{self.counter}.db"

    def size(self, full: int, least: int = 10) -> int:
        return max(least, int(full * self.scale))

    def next_datums(self, count: int) -> list[Datum]:
        start = self.counter * 10_000_000
        self.counter += 1
        return [datum(start + i) for i in range(count)]

    async def single_puts(self) -> None:
        count = self.size(300, 50)

        async def ours() -> float:
            batch = self.next_datums(count)
            async with SQLiteDgent(self.fresh("ours"), namespace=NAMESPACE) as store:
                started = time.perf_counter()
                for d in batch:
                    await store.put(d)
                return rate(count, time.perf_counter() - started)

        async def ours_concurrent() -> float:
            batch = self.next_datums(count * 4)
            async with SQLiteDgent(self.fresh("ours"), namespace=NAMESPACE) as store:

                async def putter(part: list[Datum]) -> None:
                    for d in part:
                        await store.put(d)

                started = time.perf_counter()
                await asyncio.gather(*(putter(batch[k::64]) for k in range(64)))
                return rate(len(batch), time.perf_counter() - started)

        def raw() -> float:
            data = [rows_of([d]) for d in self.next_datums(count)]
            connection = raw_file(self.fresh("raw"))
            started = time.perf_counter()
            for datum_rows, _ in data:
                connection.execute("BEGIN IMMEDIATE")
                connection.executemany(sql.INSERT_DATUM, datum_rows)
                connection.execute("COMMIT")
            seconds = time.perf_counter() - started
            connection.close()
            return rate(count, seconds)

        def plain() -> float:
            data = plain_rows(self.next_datums(count))
            connection = plain_file(self.fresh("plain"))
            started = time.perf_counter()
            for row in data:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute(PLAIN_INSERT, row)
                connection.execute("COMMIT")
            seconds = time.perf_counter() - started
            connection.close()
            return rate(count, seconds)

        async def plain_on_thread() -> float:
            data = plain_rows(self.next_datums(count))
            connection = plain_file(self.fresh("plain"))
            async with OneWriterThread(connection) as writer:
                started = time.perf_counter()
                for row in data:
                    await writer.commit(PLAIN_INSERT, row)
                seconds = time.perf_counter() - started
            connection.close()
            return rate(count, seconds)

        async def aio() -> float:
            batch = self.next_datums(count)
            path = self.fresh("aio")
            raw_file(path).close()
            async with aiosqlite.connect(path, isolation_level=None) as db:
                await db.execute("PRAGMA synchronous = FULL")
                started = time.perf_counter()
                for d in batch:
                    datum_rows, _ = rows_of([d])
                    await db.execute("BEGIN IMMEDIATE")
                    await db.execute(sql.INSERT_DATUM, datum_rows[0])
                    await db.execute("COMMIT")
                return rate(count, time.perf_counter() - started)

        def events() -> float:
            recorder = self.recorder()
            started = time.perf_counter()
            for number in range(count):
                recorder.insert_events([event(number)])
            return rate(count, time.perf_counter() - started)

        rates = await interleaved(
            self.repeat,
            {
                "ours": ours,
                "raw sqlite3, plain table": plain,
                "raw sqlite3 (same SQL)": raw,
                "plain table, writer thread": plain_on_thread,
                "raw aiosqlite (same SQL)": aio,
                "eventsourcing SQLite": events,
            },
        )
        single = rates.pop("ours")
        report(f"single durable put ({count} puts, one transaction and fsync each)", single, rates)
        print("  target: >= 0.8x raw sqlite3 (plain table) and >= eventsourcing")
        print("  (writer thread: the plain table's commits on one thread, awaited from the loop)")
        report(
            "64 concurrent tasks doing single puts (group commit)",
            await abest_of(self.repeat, ours_concurrent),
            {"SQLiteDgent, one caller": single},
        )
        await self.reused_wal_puts(count)

    async def reused_wal_puts(self, count: int) -> None:
        """Single puts on a file whose WAL has been filled and checkpointed already, so commits
        overwrite it instead of growing it, against raw sqlite3 running the same insert on the
        same file: the cost of the store's own work, apart from the file's growth."""
        path = self.fresh("reused")
        async with SQLiteDgent(path, namespace=NAMESPACE) as store:
            for d in self.next_datums(1500):
                await store.put(d)
            connection = connect(str(path), 60.0)

            async def ours() -> float:
                batch = self.next_datums(count)
                started = time.perf_counter()
                for d in batch:
                    await store.put(d)
                return rate(count, time.perf_counter() - started)

            def raw() -> float:
                data = [rows_of([d])[0][0] for d in self.next_datums(count)]
                started = time.perf_counter()
                for row in data:
                    connection.execute("BEGIN IMMEDIATE")
                    connection.execute(sql.INSERT_DATUM, row)
                    connection.execute("COMMIT")
                return rate(count, time.perf_counter() - started)

            rates = await interleaved(max(self.repeat, 5), {"ours": ours, "raw": raw})
            connection.close()
        report(
            f"single durable put once the WAL is reused ({count} puts, after 1500)",
            rates["ours"],
            {"raw sqlite3, same SQL & file": rates["raw"]},
        )

    def recorder(self) -> SQLiteAggregateRecorder:
        datastore = SQLiteDatastore(str(self.fresh("events")))
        recorder = SQLiteAggregateRecorder(datastore, "stored_events")
        recorder.create_table()
        return recorder

    async def batched_puts(self) -> None:
        batches = self.size(100, 10)

        async def ours() -> float:
            data = [self.next_datums(100) for _ in range(batches)]
            async with SQLiteDgent(self.fresh("ours"), namespace=NAMESPACE) as store:
                started = time.perf_counter()
                for batch in data:
                    await store.put_many(batch)
                return rate(100 * batches, time.perf_counter() - started)

        def plain() -> float:
            data = [plain_rows(self.next_datums(100)) for _ in range(batches)]
            connection = plain_file(self.fresh("plain"))
            started = time.perf_counter()
            for rows in data:
                connection.execute("BEGIN IMMEDIATE")
                connection.executemany(PLAIN_INSERT, rows)
                connection.execute("COMMIT")
            seconds = time.perf_counter() - started
            connection.close()
            return rate(100 * batches, seconds)

        def raw() -> float:
            data = [rows_of(self.next_datums(100)) for _ in range(batches)]
            connection = raw_file(self.fresh("raw"))
            started = time.perf_counter()
            for datum_rows, _ in data:
                connection.execute("BEGIN IMMEDIATE")
                connection.executemany(sql.INSERT_DATUM, datum_rows)
                connection.execute("COMMIT")
            seconds = time.perf_counter() - started
            connection.close()
            return rate(100 * batches, seconds)

        async def aio() -> float:
            data = [rows_of(self.next_datums(100)) for _ in range(batches)]
            path = self.fresh("aio")
            raw_file(path).close()
            async with aiosqlite.connect(path, isolation_level=None) as db:
                await db.execute("PRAGMA synchronous = FULL")
                started = time.perf_counter()
                for datum_rows, _ in data:
                    await db.execute("BEGIN IMMEDIATE")
                    await db.executemany(sql.INSERT_DATUM, datum_rows)
                    await db.execute("COMMIT")
                return rate(100 * batches, time.perf_counter() - started)

        def events() -> float:
            recorder = self.recorder()
            started = time.perf_counter()
            for batch in range(batches):
                recorder.insert_events([event(batch * 100 + i) for i in range(100)])
            return rate(100 * batches, time.perf_counter() - started)

        rates = await interleaved(
            self.repeat,
            {
                "ours": ours,
                "raw sqlite3, plain table": plain,
                "raw sqlite3 (same SQL)": raw,
                "raw aiosqlite (same SQL)": aio,
                "eventsourcing SQLite": events,
            },
        )
        report(f"put_many, batches of 100 ({batches} batches), datums/s", rates.pop("ours"), rates)
        print("  target: >= 0.6x raw sqlite3 (plain table)")

    async def point_gets(self) -> None:
        count = self.size(20_000, 500)
        path = self.fresh("gets")
        connection = raw_file(path)
        data = self.next_datums(count)
        for start in range(0, count, 1000):
            raw_write(connection, data[start : start + 1000])
        ids = [d.id for d in data]
        recorder = self.recorder()
        originators = [uuid.uuid4() for _ in range(count)]
        for start in range(0, count, 1000):
            recorder.insert_events(
                [
                    StoredEvent(originator_id=o, originator_version=1, topic="t", state=b"x" * 40)
                    for o in originators[start : start + 1000]
                ]
            )

        async with SQLiteDgent(path, namespace=NAMESPACE) as store:

            async def ours() -> float:
                started = time.perf_counter()
                for datum_id in ids:
                    await store.get(datum_id)
                return rate(count, time.perf_counter() - started)

            async def ours_concurrent() -> float:
                async def getter(part: list[str]) -> None:
                    for datum_id in part:
                        await store.get(datum_id)

                started = time.perf_counter()
                await asyncio.gather(*(getter(ids[k::64]) for k in range(64)))
                return rate(count, time.perf_counter() - started)

            def raw() -> float:
                started = time.perf_counter()
                for datum_id in ids:
                    row = connection.execute(sql.SELECT_ONE, (NAMESPACE, datum_id)).fetchone()
                    Datum.trusted(*row)
                return rate(count, time.perf_counter() - started)

            rates = await interleaved(
                self.repeat, {"ours": ours, "raw": raw, "concurrent": ours_concurrent}
            )
            single, concurrent = rates["ours"], rates["concurrent"]

        async with aiosqlite.connect(path) as db:

            async def aio() -> float:
                started = time.perf_counter()
                for datum_id in ids:
                    async with db.execute(sql.SELECT_ONE, (NAMESPACE, datum_id)) as cursor:
                        await cursor.fetchone()
                return rate(count, time.perf_counter() - started)

            async def aio_concurrent() -> float:
                async def getter(part: list[str]) -> None:
                    for datum_id in part:
                        async with db.execute(sql.SELECT_ONE, (NAMESPACE, datum_id)) as cursor:
                            await cursor.fetchone()

                started = time.perf_counter()
                await asyncio.gather(*(getter(ids[k::64]) for k in range(64)))
                return rate(count, time.perf_counter() - started)

            aio_single = await abest_of(self.repeat, aio)
            aio_many = await abest_of(self.repeat, aio_concurrent)

        def events() -> float:
            started = time.perf_counter()
            for originator in originators:
                recorder.select_events(originator)
            return rate(count, time.perf_counter() - started)

        report(
            f"point get ({count} ids, one caller)",
            single,
            {
                "raw sqlite3, select by id": rates["raw"],
                "raw aiosqlite, select by id": aio_single,
                "eventsourcing select_events": best_of(self.repeat, events),
            },
        )
        print("  target: >= 0.9x raw sqlite3")
        report(
            "64 concurrent tasks doing gets",
            concurrent,
            {"SQLiteDgent, one caller": single, "raw aiosqlite, 64 tasks": aio_many},
        )
        print("  target: >= 0.8x one caller and >= 5x raw aiosqlite with 64 tasks")
        connection.close()

    async def causal_chains(self) -> None:
        depth = self.size(10_000, 200)
        path = self.fresh("chain")
        connection = raw_file(path)
        chain: list[Datum] = []
        parent = None
        for number in range(depth):
            made = datum(number, parent)
            chain.append(made)
            parent = made.id
        for start in range(0, depth, 1000):
            raw_write(connection, chain[start : start + 1000])
        tip = chain[-1].id

        def raw() -> float:
            started = time.perf_counter()
            rows = connection.execute(sql.CHAIN, (NAMESPACE, tip)).fetchall()
            assert len(rows) == depth
            return rate(depth, time.perf_counter() - started)

        async with SQLiteDgent(path, namespace=NAMESPACE) as store:

            async def ours() -> float:
                started = time.perf_counter()
                found = await store.causal_chain(tip)
                assert len(found) == depth
                return rate(depth, time.perf_counter() - started)

            measured = await abest_of(self.repeat, ours)
        report(
            f"causal_chain of depth {depth}, datums/s",
            measured,
            {"raw sqlite3 recursive CTE": best_of(self.repeat, raw)},
        )
        connection.close()

    async def filtered_lists(self) -> None:
        count = self.size(100_000, 1000)
        path = self.fresh("filtered")
        connection = raw_file(path)
        for start in range(0, count, 1000):
            raw_write(connection, [datum(n) for n in range(start, min(count, start + 1000))])
        from dualtrack.memory.query import ListQuery

        query = ListQuery.of(metadata={"kind": "k7"})

        def raw() -> float:
            started = time.perf_counter()
            seen = 0
            position = None
            while True:
                statement, params = sql.select_page(NAMESPACE, query, position, 101)
                rows = connection.execute(statement, params).fetchall()[:100]
                seen += len(rows)
                if len(rows) < 100:
                    break
                position = (rows[-1][2], rows[-1][0])
            return rate(seen, time.perf_counter() - started)

        async with SQLiteDgent(path, namespace=NAMESPACE) as store:

            async def ours() -> float:
                started = time.perf_counter()
                seen = 0
                cursor = None
                while True:
                    page = await store.list(metadata={"kind": "k7"}, limit=100, cursor=cursor)
                    seen += len(page)
                    cursor = page.cursor
                    if cursor is None:
                        break
                assert seen == count // 10
                return rate(seen, time.perf_counter() - started)

            measured = await abest_of(self.repeat, ours)
        report(
            f"list(metadata=...) over {count} datums, all pages of 100, matches/s",
            measured,
            {"raw sqlite3 (same SQL)": best_of(self.repeat, raw)},
        )
        connection.close()

    def construction(self) -> None:
        count = self.size(200_000, 20_000)
        numbers = range(count)

        @dataclass(frozen=True, slots=True)
        class Plain:
            id: str
            content: bytes
            created_at: float
            causal_parent: str | None
            metadata: dict[str, Any]

        def per_datum(build: Callable[[int], object]) -> float:
            started = time.perf_counter()
            for number in numbers:
                build(number)
            return (time.perf_counter() - started) / count * 1e6

        content = b"observation: the agent noticed a pattern in the logs"
        shapes: dict[str, Callable[[int], object]] = {
            "Datum, empty metadata": lambda n: Datum(f"d{n}", content, 1.7e9 + n),
            "Datum, two metadata entries": lambda n: Datum(
                f"d{n}", content, 1.7e9 + n, None, {"kind": "k", "n": n}
            ),
            "frozen dataclass, no checks": lambda n: Plain(
                f"d{n}", content, 1.7e9 + n, None, {"kind": "k", "n": n}
            ),
        }
        print(f"\nDatum construction ({count} each), best of {self.repeat}")
        for name, build in shapes.items():
            micros = min(per_datum(build) for _ in range(self.repeat))
            print(f"  {name:<30}{micros:>8.2f} µs")
        print("  target: <= 1.5 µs")

    async def first_search(self) -> None:
        count = self.size(100_000, 1000)
        data = [datum(n) for n in range(count)]
        texts = [f"pattern {n} in the logs" for n in range(100)]
        async with SQLiteDgent(self.fresh("search"), namespace=NAMESPACE) as store:
            started = time.perf_counter()
            for start in range(0, count, 1000):
                await store.put_many(data[start : start + 1000])
            loaded = time.perf_counter() - started
            started = time.perf_counter()
            await store.search("the agent noticed a pattern", limit=10)
            first = time.perf_counter() - started
            started = time.perf_counter()
            for text in texts:
                await store.search(text, limit=10)
            after = (time.perf_counter() - started) / len(texts)
            started = time.perf_counter()
            await store.list(metadata={"kind": "k7"}, limit=100)
            rows = time.perf_counter() - started
            started = time.perf_counter()
            await store.list(metadata={"kind": "k7"}, limit=100)
            next_list = time.perf_counter() - started
        started = time.perf_counter()
        for d in data:
            EMBEDDER.packed(d.content.decode())
        embedding = time.perf_counter() - started
        print(f"\nsearch after loading {count} datums with put_many ({loaded:.1f} s to load)")
        print(f"  first search (embeds and stores {count} vectors) {first:>8.2f} s")
        print(f"  raw Python embedding the same contents           {embedding:>8.2f} s")
        print(f"  each of the next {len(texts)} searches              {after * 1e3:>8.1f} ms")
        print(f"  first list(metadata=...) (writes {count} datums' metadata rows) {rows:.2f} s")
        print(f"  the next one                                     {next_list * 1e3:>8.2f} ms")

    def scan(self) -> None:
        count = self.size(1_000_000, 1000)
        path = self.fresh("scan")
        connection = raw_file(path)
        started = time.perf_counter()
        for start in range(0, count, 5000):
            raw_write(connection, [datum(n) for n in range(start, min(count, start + 5000))])
        connection.close()
        print(f"\n(filled {count} datums in {time.perf_counter() - started:.0f} s)")
        context = multiprocessing.get_context("spawn")
        with context.Pool(1) as pool:
            ours_rate, ours_peak, base = pool.apply(scan_in_child, (str(path), "ours"))
        with context.Pool(1) as pool:
            raw_rate, raw_peak, _ = pool.apply(scan_in_child, (str(path), "raw"))
        report(
            f"scan() of {count} datums, datums/s",
            ours_rate,
            {"raw sqlite3 cursor iteration": raw_rate},
        )
        print(
            f"  peak RSS of the scanning process: ours {ours_peak:.0f} MB, raw sqlite3 "
            f"{raw_peak:.0f} MB (resident before scanning: {base:.0f} MB)"
        )


def event(number: int) -> StoredEvent:
    return StoredEvent(
        originator_id=uuid.uuid4(), originator_version=1, topic="bench", state=b"x" * 40
    )


def _peak_mb() -> float:
    """This process's peak resident memory, in MB (since the last :func:`_reset_peak`)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start peak measurement afresh (Linux: write 5 to clear_refs), so imports do not count."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass


def scan_in_child(path: str, which: str) -> tuple[float, float, float]:
    """Scan the whole file in this (fresh) process: rate, peak RSS and RSS before, in MB."""
    _reset_peak()
    base = _peak_mb()
    started = time.perf_counter()
    seen = 0
    if which == "ours":

        async def run() -> int:
            total = 0
            async with SQLiteDgent(path, namespace=NAMESPACE) as store:
                async for _ in store.scan():
                    total += 1
            return total

        seen = asyncio.run(run())
    else:
        connection = sqlite3.connect(path)
        for _ in connection.execute(
            "SELECT id, content, created_at, causal_parent, metadata FROM dgent_datums "
            "WHERE namespace = ? ORDER BY created_at, id",
            (NAMESPACE,),
        ):
            seen += 1
        connection.close()
    return rate(seen, time.perf_counter() - started), _peak_mb(), base


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per row (median)")
    parser.add_argument(
        "--only",
        nargs="*",
        default=["datum", "puts", "batches", "gets", "chain", "filter", "search", "scan"],
        help="rows to run: datum puts batches gets chain filter search scan",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as folder:
        bench = Bench(Path(folder), options.scale, options.repeat)
        print(f"SQLite {sqlite3.sqlite_version}, WAL, synchronous=FULL; median of {bench.repeat}")
        rows: dict[str, Callable[[], Awaitable[None] | None]] = {
            "datum": bench.construction,
            "puts": bench.single_puts,
            "batches": bench.batched_puts,
            "gets": bench.point_gets,
            "chain": bench.causal_chains,
            "filter": bench.filtered_lists,
            "search": bench.first_search,
            "scan": bench.scan,
        }
        for name in options.only:
            result = rows[name]()
            if result is not None:
                await result


if __name__ == "__main__":
    asyncio.run(main())
