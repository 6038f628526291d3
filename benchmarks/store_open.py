"""Opening an SQLDgent: what a store opened per request or per job costs over a bare engine.

Each side makes a new engine from a URL, makes its first connection, runs its first query and
disposes of the engine: "raw" runs ``SELECT 1`` on a bare ``create_async_engine``; "store"
opens ``open_dgent(url)`` (tables checked, and created the first time only), gets one datum by
id and closes. A store's first use pays for its tables check and for its statements, which
every store shares once one has built them. The two sides alternate, and the median of many
rounds is kept. Needs the PostgreSQL server (``DUALTRACK_TEST_POSTGRES``, default
``postgresql://postgres@127.0.0.1:5432/test``) for the PostgreSQL rows; it works in a fresh
schema, dropped at the end.

Run::

    .venv/bin/python benchmarks/store_open.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from dualtrack import Datum, open_dgent

POSTGRES = make_url(
    os.environ.get("DUALTRACK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
).set(drivername="postgresql+asyncpg")


async def raw(url: str) -> None:
    """A new engine's first connection and query, then its disposal."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


async def store(url: str, schema: str | None) -> None:
    """A new store's opening, its first get, then its closing."""
    options = {} if schema is None else {"schema": schema}
    opened = await open_dgent(url, namespace="bench", **options)
    try:
        await opened.get("d-1")
    finally:
        await opened.close()


async def median_ms(
    rounds: int, sides: dict[str, Callable[[], Awaitable[None]]]
) -> dict[str, float]:
    """The median milliseconds of each side over ``rounds`` alternating rounds."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, side in sides.items():
            started = time.perf_counter()
            await side()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(found) for name, found in times.items()}


async def schema(statement: str) -> None:
    """Run one statement on the PostgreSQL server, in autocommit."""
    engine = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()


async def main(rounds: int) -> None:
    folder = Path(tempfile.mkdtemp())
    sqlite = f"sqlite+aiosqlite:///{folder / 'open.db'}"
    postgres = POSTGRES.render_as_string(hide_password=False)
    placed = f"bench_open_{uuid.uuid4().hex[:12]}"
    await schema(f'CREATE SCHEMA "{placed}"')
    try:
        for url, where in ((sqlite, None), (postgres, placed)):
            first = await open_dgent(
                url, namespace="bench", **({} if where is None else {"schema": where})
            )
            await first.put(Datum(id="d-1", content=b"hello", created_at=1.0))
            await first.close()
            found = await median_ms(
                rounds,
                {
                    "raw": lambda url=url: raw(url),
                    "store": lambda url=url, where=where: store(url, where),
                },
            )
            name = make_url(url).get_backend_name()
            print(
                f"{name:10}  raw engine {found['raw']:6.2f} ms   store {found['store']:6.2f} ms"
                f"   ratio {found['store'] / found['raw']:.2f}x"
            )
    finally:
        await schema(f'DROP SCHEMA "{placed}" CASCADE')


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=60, help="alternating rounds per side")
    asyncio.run(main(parser.parse_args().rounds))
