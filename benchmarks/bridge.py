"""TableAdapter against plain SQLAlchemy ORM code doing the same work, on SQLite and PostgreSQL.

Both sides use one engine and ``async_sessionmaker`` on the ``crystals`` table:

* single put: the adapter's ``put(datum)`` (parent and id check, ``INSERT ... RETURNING``, the
  datum read back) against ``session.add(Crystal(...))`` and a commit, one transaction each;
* batch put: ``put_many`` of 100 datums against ``session.add_all`` of 100 crystals;
* get: the adapter's ``get(id)`` (a datum with canonical JSON content) against
  ``session.get(Crystal, id)`` (an ORM object), a new session each.

The two sides run alternately, best of several rounds (the machine is shared: read the ratios).
PostgreSQL is ``DUALTRACK_TEST_POSTGRES`` (default ``postgresql://postgres@127.0.0.1:5432/test``)
in a fresh schema dropped at the end; it is skipped, saying so, when the server does not answer.

Run::

    .venv/bin/python benchmarks/bridge.py              # about a minute
    .venv/bin/python benchmarks/bridge.py --scale 0.2  # quick look
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from dualtrack import Datum, TableAdapter
from dualtrack.app.models import Base, Crystal
from dualtrack.bridge import RowCodec

SERVER = make_url(
    os.environ.get("DUALTRACK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
).set(drivername="postgresql+asyncpg")

Timed = Callable[[], Awaitable[int]]
CODEC = RowCodec(Crystal)
START = datetime(2024, 1, 1, tzinfo=UTC)


def fields(number: int, prefix: str) -> dict[str, Any]:
    """One crystal's column values: a sentence, its hash, two tags."""
    content = f"observation {number}: the agent noticed a pattern in the logs"
    return {
        "id": f"{prefix}{number:08d}",
        "content_hash": hashlib.sha256(content.encode()).hexdigest(),
        "summary": content,
        "tags": ["bench", f"k{number % 10}"],
        "datum_id": f"d{number:08d}",
        "parent_id": None,
        "created_at": START + timedelta(seconds=number),
        "importance": 0.5,
        "source": "bench",
    }


def datum(number: int, prefix: str) -> Datum:
    """The datum of the same crystal (made outside the timing)."""
    return CODEC.datum_of(fields(number, prefix))


class Counter:
    """Fresh numbers for each side and round, so every put stores something new."""

    def __init__(self) -> None:
        self.next = 0

    def take(self, count: int) -> range:
        """``count`` numbers never used before."""
        start = self.next
        self.next += count
        return range(start, start + count)


async def best_rate(rounds: int, sides: dict[str, Timed]) -> dict[str, float]:
    """Operations per second of each side: the best of ``rounds``, sides alternating."""
    best = dict.fromkeys(sides, 0.0)
    for _ in range(rounds):
        for name, side in sides.items():
            start = time.perf_counter()
            done = await side()
            best[name] = max(best[name], done / (time.perf_counter() - start))
    return best


async def compare(engine: AsyncEngine, label: str, scale: float, rounds: int) -> None:
    """Time both sides on ``engine`` and print rates and ratios."""
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    adapter = TableAdapter(Crystal, sessions)
    singles, batches, gets = int(200 * scale) or 20, int(10 * scale) or 2, int(1000 * scale) or 100
    numbers = Counter()
    stored: list[str] = []
    orm_stored: list[str] = []

    async def adapter_put() -> int:
        prepared = [datum(n, "a") for n in numbers.take(singles)]
        for one in prepared:
            await adapter.put(one)
        stored.extend(d.id for d in prepared)
        return singles

    async def orm_put() -> int:
        prepared = [fields(n, "o") for n in numbers.take(singles)]
        for values in prepared:
            async with sessions() as session, session.begin():
                session.add(Crystal(**values))
        orm_stored.extend(values["id"] for values in prepared)
        return singles

    async def adapter_batch() -> int:
        for _ in range(batches):
            await adapter.put_many([datum(n, "a") for n in numbers.take(100)])
        return 100 * batches

    async def orm_batch() -> int:
        for _ in range(batches):
            crystals = [Crystal(**fields(n, "o")) for n in numbers.take(100)]
            async with sessions() as session, session.begin():
                session.add_all(crystals)
        return 100 * batches

    async def adapter_get() -> int:
        for index in range(gets):
            found = await adapter.get(stored[index % len(stored)])
            assert found is not None
        return gets

    async def orm_get() -> int:
        for index in range(gets):
            async with sessions() as session:
                found = await session.get(Crystal, orm_stored[index % len(orm_stored)])
                assert found is not None
        return gets

    print(f"\n{label}")
    for what, ours, theirs in (
        ("single put", adapter_put, orm_put),
        ("batch put (100)", adapter_batch, orm_batch),
        ("get", adapter_get, orm_get),
    ):
        rates = await best_rate(rounds, {"adapter": ours, "orm": theirs})
        ratio = rates["adapter"] / rates["orm"]
        print(
            f"  {what:16} TableAdapter {rates['adapter']:9.0f}/s   plain ORM "
            f"{rates['orm']:9.0f}/s   adapter/ORM {ratio:5.2f}"
        )


async def on_postgres(scale: float, rounds: int) -> None:
    """The comparison in a fresh schema, dropped afterwards (skipped if the server is down)."""
    schema = f"bridge_bench_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(SERVER, isolation_level="AUTOCOMMIT")
    quoted = admin.dialect.identifier_preparer.quote(schema)
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f"CREATE SCHEMA {quoted}"))
    except OSError as error:
        print(f"\nPostgreSQL: skipped, {SERVER.render_as_string()} does not answer ({error})")
        await admin.dispose()
        return
    engine = create_async_engine(
        SERVER, connect_args={"server_settings": {"search_path": schema}}, pool_size=4
    )
    try:
        await compare(engine, "PostgreSQL (asyncpg)", scale, rounds)
    finally:
        await engine.dispose()
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP SCHEMA {quoted} CASCADE"))
        await admin.dispose()


async def main(scale: float, rounds: int) -> None:
    """SQLite in a temporary file, then PostgreSQL."""
    with tempfile.TemporaryDirectory() as directory:
        engine = create_async_engine(f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}")
        try:
            await compare(engine, "SQLite file (aiosqlite)", scale, rounds)
        finally:
            await engine.dispose()
    await on_postgres(scale, rounds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="work per round (1.0 default)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per side (best is kept)")
    options = parser.parse_args()
    asyncio.run(main(options.scale, options.rounds))
