"""SQLDgent benchmark: PostgreSQL against raw asyncpg running the same SQL, and SQLite.

On PostgreSQL, each SQLDgent operation is timed against raw asyncpg executing the very
statements SQLDgent runs (compiled from its Core statements, so the SQL text is identical),
with every row value and metadata facet precomputed outside the timing (no vectors: the first
search embeds what it reads); reads on the raw side build the same ``Datum`` objects from
their rows (``Datum.trusted``, as ``benchmarks/memory.py``'s raw sqlite3 gets do). The raw side
runs its one-connection operations on the very connection SQLDgent's lone operations use, and
its 32 tasks on connections of their own, with no pool in between. One connection for both
matters: a round trip takes about twice as long when the server process answering it runs on
the other CPU than the client (45 against 92 µs measured here, each pinned), so two
connections differ by whatever the scheduler does with their server processes, more than the
code under test does. SQLDgent's own numbers on
SQLite (``sqlite+aiosqlite``, WAL, ``synchronous=FULL``) are the second baseline. Both sides of
a comparison are timed alternately, in many short rounds of which the median is kept (a best
round is one lucky moment, which one side may get and the other not): the machine is shared
(and so is the PostgreSQL server, whose commit latency others' work moves), so read the
ratios, and repeat. Needs the PostgreSQL server (``DUALTRACK_TEST_POSTGRES``, default
``postgresql://postgres@127.0.0.1:5432/test``); it works in a fresh schema, dropped at the end.

Run::

    .venv/bin/python benchmarks/memory_sql.py             # about a minute
    .venv/bin/python benchmarks/memory_sql.py --scale 0.2 # quick look
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.engine import make_url

from dualtrack import Datum, SQLDgent, open_dgent
from dualtrack.memory.retention.digests import id_digest
from dualtrack.memory.sql.facets import facets_json
from dualtrack.memory.sql.oneshot import one_shot
from dualtrack.memory.sql.schema import tables_in
from dualtrack.memory.sql.sessions import Compiler
from dualtrack.memory.sql.statements import Statements

NAMESPACE = "bench"
SERVER = make_url(
    os.environ.get("DUALTRACK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
)
RAW_DSN = SERVER.set(drivername="postgresql").render_as_string(hide_password=False)
SQL_URL = SERVER.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
TASKS = 32

Timed = Callable[[], Awaitable[int]]


def datum(number: int, parent: str | None = None, prefix: str = "d") -> Datum:
    """A small, realistic memory: a sentence and two metadata entries (as benchmarks/memory.py)."""
    return Datum(
        id=f"{prefix}{number:09d}",
        content=b"observation %d: the agent noticed a pattern in the logs" % number,
        created_at=1.7e9 + number,
        causal_parent=parent,
        metadata={"kind": f"k{number % 10}", "n": number},
    )


class RawSQL:
    """SQLDgent's statements for one schema, compiled to the SQL text asyncpg runs."""

    def __init__(self, schema: str) -> None:
        self.statements = Statements(tables_in(schema), "postgresql")
        self.compile = Compiler(asyncpg_dialect.dialect())

    def sql(self, statement: Any) -> str:
        """The SQL text of ``statement``."""
        return self.compile(statement).sql

    def args(self, statement: Any, params: dict[str, Any]) -> list[Any]:
        """The positional arguments of ``statement`` for ``params``."""
        return self.compile(statement).arguments(params)

    def row(self, d: Datum) -> dict[str, Any]:
        """The parameters SQLDgent binds for one datum."""
        return {
            "ns": NAMESPACE,
            "id": d.id,
            "content": d.content,
            "created_at": d.created_at,
            "causal_parent": d.causal_parent,
            "metadata": d.metadata_json,
            "facets": facets_json(d),
            "digest": id_digest(d.id),
            "parent_digest": None if d.causal_parent is None else id_digest(d.causal_parent),
            "now": time.time(),
        }

    def arrays(self, batch: Sequence[Datum]) -> dict[str, Any]:
        """The array parameters of SQLDgent's batch insert."""
        rows = [self.row(d) for d in batch]
        names = {
            "ids": "id",
            "contents": "content",
            "created_ats": "created_at",
            "causal_parents": "causal_parent",
            "metadatas": "metadata",
            "facetses": "facets",
        }
        return {"ns": NAMESPACE, **{key: [r[name] for r in rows] for key, name in names.items()}}

    def new_arrays(self, batch: Sequence[Datum]) -> dict[str, Any]:
        """The array parameters of SQLDgent's one-statement insert of new datums."""
        digests = {d.id: id_digest(d.id) for d in batch}
        return {
            **self.arrays(batch),
            "digests": [digests[d.id] for d in batch],
            "parent_digests": [
                None if d.causal_parent is None else id_digest(d.causal_parent) for d in batch
            ],
        }


async def median_rate(rounds: int, sides: dict[str, Timed]) -> dict[str, float]:
    """Operations per second of each side: the median of ``rounds``, sides taking turns in
    reverse order every other round, so no side always runs right after the same other."""
    rates: dict[str, list[float]] = {name: [] for name in sides}
    turns = list(sides.items())
    for round_number in range(rounds):
        for name, side in turns if round_number % 2 == 0 else reversed(turns):
            start = time.perf_counter()
            done = await side()
            rates[name].append(done / (time.perf_counter() - start))
    return {name: statistics.median(values) for name, values in rates.items()}


def sizes(scale: float) -> tuple[int, int, int]:
    """Single puts, batches of 100 and point gets per round."""
    return int(50 * scale) or 10, int(4 * scale) or 1, int(640 * scale) or 320


class Counter:
    """Fresh datum numbers for each side and round, so every put stores something new."""

    def __init__(self) -> None:
        self.next = 0

    def take(self, count: int) -> range:
        """``count`` numbers never used before."""
        start = self.next
        self.next += count
        return range(start, start + count)


async def chain_of(store: Any, depth: int, prefix: str) -> str:
    """Store a chain of ``depth`` datums; return the id of its last one."""
    parent: str | None = None
    made: list[Datum] = []
    for number in range(depth):
        made.append(datum(number, parent, prefix))
        parent = made[-1].id
    for start in range(0, depth, 1000):
        await store.put_many(made[start : start + 1000])
    assert parent is not None
    return parent


async def sqldgent_sides(store: SQLDgent, scale: float, tag: str) -> dict[str, Timed]:
    """The timed operations of one SQLDgent store."""
    counter = Counter()
    puts, batches, gets = sizes(scale)
    await store.put_many([datum(n, prefix=f"{tag}g") for n in range(1000)])
    head = await chain_of(store, 1000, f"{tag}c")

    async def put() -> int:
        for number in counter.take(puts):
            await store.put(datum(number, prefix=f"{tag}p"))
        return puts

    async def put_many() -> int:
        for _ in range(batches):
            await store.put_many([datum(n, prefix=f"{tag}b") for n in counter.take(100)])
        return batches * 100

    async def get() -> int:
        for number in range(gets):
            await store.get(f"{tag}g{number % 1000:09d}")
        return gets

    async def chain() -> int:
        for _ in range(5):
            await store.causal_chain(head)
        return 5 * 1000

    async def gets_by(tasks: int) -> int:
        async def reader(offset: int) -> None:
            for number in range(gets // tasks):
                await store.get(f"{tag}g{(number * tasks + offset) % 1000:09d}")

        await asyncio.gather(*(reader(offset) for offset in range(tasks)))
        return (gets // tasks) * tasks

    async def concurrent() -> int:
        return await gets_by(TASKS)

    return {
        "put": put,
        "put_many": put_many,
        "get": get,
        "chain": chain,
        "get x32": concurrent,
    }


def shared_connection(store: SQLDgent) -> Any:
    """The asyncpg connection beneath the session ``store`` lends its next lone operation (the
    one it used last), for the raw side to run on too. Reaches into the store's internals."""
    sessions = store._sessions
    session = sessions.idle()
    assert session is not None, "the store holds no idle session: run an operation first"
    sessions.give_back(session)
    return session._driver


async def raw_sides(raw: RawSQL, scale: float, first: Any) -> tuple[dict[str, Timed], list[Any]]:
    """The same operations by raw asyncpg (on ``first``, and 32 connections of their own for
    the 32 tasks), and those connections, to close afterwards."""
    counter = Counter()
    puts, batches, gets = sizes(scale)
    connections = [await asyncpg.connect(RAW_DSN) for _ in range(TASKS)]
    statements = raw.statements
    insert_one, insert_many = raw.sql(statements.insert_one), raw.sql(statements.insert_many)
    get_one = raw.sql(statements.get_one)
    insert_batch = one_shot(statements).insert_batch
    insert_new = raw.sql(insert_batch)

    def key(datum_id: str | None) -> dict[str, Any]:
        return {"ns": NAMESPACE, "id": datum_id, "now": time.time()}

    def one(datum_id: str) -> list[Any]:
        return raw.args(statements.get_one, key(datum_id))

    chain_sql = raw.sql(statements.chain)
    await first.fetch(
        insert_many,
        *raw.args(statements.insert_many, raw.arrays([datum(n, prefix="rg") for n in range(1000)])),
    )
    parent: str | None = None
    chain_rows: list[Datum] = []
    for number in range(1000):
        chain_rows.append(datum(number, parent, "rc"))
        parent = chain_rows[-1].id
    await first.fetch(insert_many, *raw.args(statements.insert_many, raw.arrays(chain_rows)))

    async def put() -> int:
        rows = [
            raw.args(statements.insert_one, raw.row(datum(n, prefix="rp")))
            for n in counter.take(puts)
        ]
        for args in rows:
            await first.fetch(insert_one, *args)
        return puts

    async def put_many() -> int:
        work = []
        for _ in range(batches):
            batch = [datum(n, prefix="rb") for n in counter.take(100)]
            work.append(raw.args(insert_batch, raw.new_arrays(batch)))
        for args in work:
            await first.fetch(insert_new, *args)
        return batches * 100

    async def get() -> int:
        for number in range(gets):
            Datum.trusted(*await first.fetchrow(get_one, *one(f"rg{number % 1000:09d}")))
        return gets

    async def chain() -> int:
        for _ in range(5):
            rows = await first.fetch(chain_sql, *raw.args(statements.chain, key(parent)))
            [Datum.trusted(*row) for row in rows]
        return 5 * 1000

    async def concurrent() -> int:
        async def reader(connection: Any, offset: int) -> None:
            for number in range(gets // TASKS):
                row = await connection.fetchrow(
                    get_one, *one(f"rg{(number * TASKS + offset) % 1000:09d}")
                )
                Datum.trusted(*row)

        await asyncio.gather(*(reader(c, i) for i, c in enumerate(connections)))
        return (gets // TASKS) * TASKS

    sides: dict[str, Timed] = {
        "put": put,
        "put_many": put_many,
        "get": get,
        "chain": chain,
        "get x32": concurrent,
    }
    return sides, connections


async def main(scale: float, rounds: int) -> None:
    """Run every comparison and print the table."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(RAW_DSN)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    folder = tempfile.mkdtemp()
    pg = await open_dgent(
        SQL_URL, namespace=NAMESPACE, schema=schema, pool_size=TASKS + 2, connections=TASKS
    )
    lite = await open_dgent(
        f"sqlite+aiosqlite:///{Path(folder) / 'memory.db'}",
        namespace=NAMESPACE,
        pool_size=TASKS + 2,
        connections=TASKS,
    )
    assert isinstance(pg, SQLDgent)
    assert isinstance(lite, SQLDgent)
    try:
        ours = await sqldgent_sides(pg, scale, "q")
        theirs, connections = await raw_sides(RawSQL(schema), scale, shared_connection(pg))
        sqlite_sides = await sqldgent_sides(lite, scale, "s")
        print(
            f"{'operation':<12}{'SQLDgent pg/s':>15}{'raw asyncpg/s':>15}{'ratio':>8}"
            f"{'SQLDgent sqlite/s':>19}"
        )
        for name in ours:
            rates = await median_rate(
                rounds, {"ours": ours[name], "raw": theirs[name], "sqlite": sqlite_sides[name]}
            )
            ratio = rates["raw"] / rates["ours"]
            print(
                f"{name:<12}{rates['ours']:>15,.0f}{rates['raw']:>15,.0f}{ratio:>7.2f}x"
                f"{rates['sqlite']:>19,.0f}"
            )
        scaled = await median_rate(rounds, {"1": ours["get"], "32": ours["get x32"]})
        print(
            f"SQLDgent pg gets: 32 tasks {scaled['32']:,.0f}/s vs 1 task {scaled['1']:,.0f}/s = "
            f"{scaled['32'] / scaled['1']:.2f}x (target >= 4x). Ratio: SQLDgent time / raw "
            "asyncpg time (target <= 1.2x for put, put_many, get, chain)"
        )
        for connection in connections:
            await connection.close()
    finally:
        await pg.close()
        await lite.close()
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    parser.add_argument(
        "--rounds", type=int, default=40, help="rounds per comparison (median kept)"
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.scale, arguments.rounds))
