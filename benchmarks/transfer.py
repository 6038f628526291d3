"""Copy and export benchmark: moving agent memory from SQLite to PostgreSQL, against raw asyncpg
inserting the very same rows, measured in the same run.

* **copy**: ``copy_namespace`` from an ``SQLiteDgent`` file into ``SQLDgent`` on a fresh
  PostgreSQL database (reading in causal order, computing each datum's search vector and
  metadata facets, ``put_many`` in batches of 1,000), and ``dualtrack copy`` end to end (the
  installed command: opening both stores, copying, then digesting both sides to verify).
* **raw asyncpg**, the baseline: the same rows (vectors and facets computed beforehand, untimed)
  inserted into the same table and indexes with ``executemany`` in transactions of 1,000, and
  with ``COPY`` (the fastest way the driver loads rows).
* **export**: ``dualtrack export`` to a JSON Lines file, from SQLite and from PostgreSQL.

``--million`` also builds a store of 1,000,000 datums and measures the peak resident memory
(``VmHWM``) of ``dualtrack export`` and ``dualtrack copy`` on it, each in a fresh process,
against the command doing nothing (``dualtrack --version``).

Run::

    .venv/bin/python benchmarks/transfer.py              # 100,000 datums, about a minute
    .venv/bin/python benchmarks/transfer.py --million    # plus peak memory, a few minutes
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from dualtrack import Datum, HashedNgramEmbedder, open_dgent
from dualtrack.app.scratch import PostgresScratch
from dualtrack.memory.embedder import embed_contents
from dualtrack.memory.sql.facets import facets_json
from dualtrack.memory.transfer import copy_namespace, export_namespace

SERVER = os.environ.get(
    "DUALTRACK_TEST_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BATCH = 1000
COLUMNS = [
    "namespace",
    "id",
    "content",
    "created_at",
    "causal_parent",
    "metadata",
    "facets",
    "vector",
]


def memories(count: int, seed: int = 0) -> Iterator[Datum]:
    """Chains of short memories with metadata (parents among the last hundred); one in ten
    written with a clock behind its parent's, so the causal scan has datums to hold back."""
    draw = random.Random(seed)
    recent: deque[Datum] = deque(maxlen=100)
    for number in range(count):
        parent = recent[-draw.randint(1, len(recent))] if recent else None
        if draw.random() < 0.3:
            parent = None
        when = 1.7e9 + number
        if parent is not None and draw.random() < 0.1:
            when = parent.created_at - 5
        made = Datum(
            id=f"d{number:09d}",
            content=b"observation %d: the agent noticed a pattern in the logs" % number,
            created_at=when,
            causal_parent=None if parent is None else parent.id,
            metadata={"kind": f"k{number % 10}", "n": number},
        )
        recent.append(made)
        yield made


def plain(url: str) -> str:
    """``url`` for asyncpg itself."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def build_source(path: Path, count: int) -> None:
    """An SQLite store of ``count`` datums and a few refs, written in batches."""
    store = await open_dgent(f"sqlite:///{path}")
    try:
        batch: list[Datum] = []
        for datum in memories(count):
            batch.append(datum)
            if len(batch) == 10_000:
                await store.put_many(batch)
                batch = []
        await store.put_many(batch)
        for number in range(10):
            await store.set_ref(f"head-{number}", f"d{count - 1 - number:09d}")
    finally:
        await store.close()


async def raw_rows(datums: Sequence[Datum]) -> list[tuple[Any, ...]]:
    """The rows SQLDgent writes for ``datums``: vectors and facets computed here, untimed."""
    vectors = await embed_contents(HashedNgramEmbedder(), [d.content for d in datums])
    return [
        (
            "default",
            d.id,
            d.content,
            d.created_at,
            d.causal_parent,
            d.metadata_json,
            facets_json(d),
            vector,
        )
        for d, vector in zip(datums, vectors, strict=True)
    ]


async def create_tables(url: str) -> None:
    """SQLDgent's tables and indexes, created by SQLDgent itself (then left empty)."""
    store = await open_dgent(url)
    await store.close()


async def raw_executemany(url: str, rows: list[tuple[Any, ...]]) -> float:
    """Seconds asyncpg takes to INSERT ``rows`` with executemany, 1,000 per transaction."""
    await create_tables(url)
    connection = await asyncpg.connect(plain(url))
    statement = (
        f"INSERT INTO dualtrack_datums ({', '.join(COLUMNS)}) "  # noqa: S608 (constant names)
        "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)"
    )
    try:
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            async with connection.transaction():
                await connection.executemany(statement, rows[start : start + BATCH])
        return time.perf_counter() - started
    finally:
        await connection.close()


async def raw_with_vectors(url: str, datums: Sequence[Datum]) -> float:
    """Seconds to compute the rows' vectors and facets, then INSERT them as above: the work
    any copy into SQLDgent must do, by hand."""
    started = time.perf_counter()
    rows = await raw_rows(datums)
    computing = time.perf_counter() - started
    return computing + await raw_executemany(url, rows)


async def raw_copy(url: str, rows: list[tuple[Any, ...]]) -> float:
    """Seconds asyncpg takes to load ``rows`` with COPY, 1,000 per transaction."""
    await create_tables(url)
    connection = await asyncpg.connect(plain(url))
    try:
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "dualtrack_datums", records=rows[start : start + BATCH], columns=COLUMNS
                )
        return time.perf_counter() - started
    finally:
        await connection.close()


async def library_copy(source: str, destination: str) -> float:
    """Seconds ``copy_namespace`` takes from ``source`` to ``destination``."""
    src = await open_dgent(source)
    dst = await open_dgent(destination)
    try:
        started = time.perf_counter()
        await copy_namespace(src, dst)
        return time.perf_counter() - started
    finally:
        await src.close()
        await dst.close()


async def library_export(source: str, target: Path) -> float:
    """Seconds ``export_namespace`` takes to write ``source`` to ``target``."""
    store = await open_dgent(source)
    try:
        with target.open("w", encoding="utf-8") as handle:
            started = time.perf_counter()
            await export_namespace(store, handle.write)
            return time.perf_counter() - started
    finally:
        await store.close()


#: Runs the command in a fresh interpreter and reports its own peak resident memory (VmHWM
#: of the process after exec; ``ru_maxrss`` of a forked child would count its parent's pages).
PEAK_REPORTER = """
import atexit, sys
def report():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print("peak-rss-kb", line.split()[1], file=sys.stderr)
atexit.register(report)
from dualtrack.cli import main
main(sys.argv[1:])
"""


def command(*arguments: str) -> tuple[float, int]:
    """Run ``dualtrack`` (the command's own ``main``): wall seconds and peak RSS in bytes."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_REPORTER, *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"dualtrack {' '.join(arguments)} failed: {done.stderr}")
    peak = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("peak-rss")]
    return took, int(peak[-1]) * 1024


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s"


def throughput(count: int, folder: Path, scratch: PostgresScratch) -> tuple[int, int]:
    """The copy and export table for ``count`` datums."""
    source_path = folder / "source.db"
    asyncio.run(build_source(source_path, count))
    source = f"sqlite:///{source_path}"
    datums = list(memories(count))
    rows = asyncio.run(raw_rows(datums))
    best: dict[str, float] = {}
    for _ in range(2):  # alternate the sides, keep each one's best
        for name, work in (
            ("raw executemany", lambda: raw_executemany(scratch(), rows)),
            ("raw with vectors", lambda: raw_with_vectors(scratch(), datums)),
            ("raw COPY", lambda: raw_copy(scratch(), rows)),
            ("copy_namespace", lambda: library_copy(source, scratch())),
        ):
            best[name] = min(best.get(name, float("inf")), asyncio.run(work()))
    cli_copy, copy_peak = command("copy", source, scratch())
    filled = scratch()
    asyncio.run(library_copy(source, filled))
    export_sqlite, export_peak = command("export", source, "-o", str(folder / "from-sqlite.jsonl"))
    export_postgres, _ = command("export", filled, "-o", str(folder / "from-postgres.jsonl"))
    export_only = asyncio.run(library_export(source, folder / "library.jsonl"))

    raw = best["raw executemany"]
    print(f"\n{count:,} datums, SQLite -> PostgreSQL (fresh database each run, best of 2)\n")
    print("| what | datums/s | vs raw executemany | vs raw COPY |")
    print("|---|---|---|---|")
    for name, seconds in (
        ("raw asyncpg executemany (baseline)", raw),
        ("raw asyncpg COPY", best["raw COPY"]),
        ("raw executemany, computing vectors and facets too", best["raw with vectors"]),
        ("copy_namespace (library)", best["copy_namespace"]),
        ("dualtrack copy (command, with verification)", cli_copy),
        ("export_namespace from SQLite (library)", export_only),
        ("dualtrack export from SQLite (command)", export_sqlite),
        ("dualtrack export from PostgreSQL (command)", export_postgres),
    ):
        print(
            f"| {name} | {rate(count, seconds)} | {raw / seconds:.2f}x | "
            f"{best['raw COPY'] / seconds:.2f}x |"
        )
    return export_peak, copy_peak


def peak_memory(folder: Path, scratch: PostgresScratch, smaller: tuple[int, int, int]) -> None:
    """Peak resident memory of export and copy on 1,000,000 datums (and, from ``smaller``,
    on the smaller store: ``(datums, export peak, copy peak)``)."""
    count = 1_000_000
    source_path = folder / "million.db"
    started = time.perf_counter()
    asyncio.run(build_source(source_path, count))
    print(f"\nbuilt a store of {count:,} datums in {time.perf_counter() - started:.0f} s")
    source = f"sqlite:///{source_path}"
    _, idle = command("--version")
    took, exported = command("export", source, "-o", str(folder / "million.jsonl"))
    print("\n| 1,000,000 datums | wall | datums/s | peak RSS |")
    print("|---|---|---|---|")
    print(f"| dualtrack --version (imports only) | | | {idle / 2**20:.0f} MB |")
    print(f"| dualtrack export of {smaller[0]:,} datums | | | {smaller[1] / 2**20:.0f} MB |")
    print(f"| dualtrack copy of {smaller[0]:,} datums | | | {smaller[2] / 2**20:.0f} MB |")
    print(
        f"| dualtrack export, SQLite -> file | {took:.0f} s | {rate(count, took)} | "
        f"{exported / 2**20:.0f} MB |"
    )
    took, copied = command("copy", source, scratch())
    print(
        f"| dualtrack copy, SQLite -> PostgreSQL, verified | {took:.0f} s | "
        f"{rate(count, took)} | {copied / 2**20:.0f} MB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="also measure peak memory")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, PostgresScratch(SERVER) as scratch:
        peaks = throughput(options.count, Path(folder), scratch)
        if options.million:
            peak_memory(Path(folder), scratch, (options.count, *peaks))


if __name__ == "__main__":
    main()
