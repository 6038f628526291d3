"""LangGraph checkpointer benchmark: ``DualtrackSaver`` against LangGraph's own savers, one run.

Pairs: dualtrack over an SQLite file against ``AsyncSqliteSaver``; with ``--postgres``, dualtrack
over PostgreSQL (SQLDgent) against ``AsyncPostgresSaver``, each in a fresh scratch database.
Measured per pair, as the ratio dualtrack / LangGraph (lower is better):

* **step**: ``aput`` of a checkpoint plus ``aput_writes`` of two writes, ``--steps`` times,
  the two savers taking turns every ten steps, each after 40 untimed steps and reads on a
  thread of its own (connections opened, statements prepared: steady state, not start-up);
* **latest**: ``aget_tuple`` of the latest checkpoint, 200 times;
* **list**: ``alist`` of the whole thread, 5 times.

With ``--flat``, only the latest-checkpoint lookup in threads of ``--sizes`` checkpoints (100,
1,000, 10,000) sharing one store, on the memory store and an SQLite file: the head ref and the
checkpoint's own range of pending writes keep it flat (target: the last size within 1.5x of the
first). ``--flat --postgres`` adds PostgreSQL, whose planner reads the writes' id range only once
the table has statistics (before, it walks the time index: linear), so that run ``ANALYZE``s
after writing each thread, as autovacuum does.

With ``--serde``, only serialization: ``SafeSerializer.dumps_typed`` (which reads the names a
state's bytes hold back, so a state that would not load again is refused when stored) against
LangGraph's ``JsonPlusSerializer.dumps_typed``, on a small state and on one of 20 LangChain
messages, the two taking turns, median of 15 rounds of 200. Run::

    .venv/bin/python -m benchmarks.langgraph --postgres   # as a module: the file name is langgraph
    .venv/bin/python -m benchmarks.langgraph --flat [--postgres] [--sizes 100,1000,10000]
    .venv/bin/python -m benchmarks.langgraph --serde
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver, create_checkpoint, empty_checkpoint
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from dualtrack.app.scratch import DEFAULT_POSTGRES_SERVER, PostgresScratch
from dualtrack.integrations.langgraph import DualtrackSaver
from dualtrack.integrations.langgraph.serde import SafeSerializer

#: Untimed steps each saver takes first, on a thread of its own.
WARM_UP = 40


async def _continue(saver: BaseCheckpointSaver[Any], thread: str, start: int, stop: int) -> None:
    """Grow ``thread`` from ``start`` to ``stop`` checkpoints, two writes each."""
    config: Any = {"configurable": {"thread_id": thread, "checkpoint_ns": ""}}
    latest = await saver.aget_tuple(config)
    checkpoint: Any = empty_checkpoint() if latest is None else latest.checkpoint
    if latest is not None:
        config = latest.config
    for step in range(start, stop):
        checkpoint = create_checkpoint(checkpoint, None, step)
        checkpoint["channel_values"] = {"steps": list(range(step % 8))}
        config = await saver.aput(config, checkpoint, {"source": "loop", "step": step}, {})
        await saver.aput_writes(config, [("steps", [step]), ("note", "x")], f"task-{step}")


async def _timed(action: Callable[[], Awaitable[object]], times: int) -> float:
    started = time.perf_counter()
    for _ in range(times):
        await action()
    return time.perf_counter() - started


async def _steps(savers: list[BaseCheckpointSaver[Any]], steps: int) -> list[float]:
    """Seconds per step of each saver, growing one thread each in alternating rounds of ten
    steps (who goes first alternates too), so that drift in the machine's or the server's load
    falls on both sides alike."""
    spent = [0.0] * len(savers)
    for start in range(0, steps, 10):
        stop = min(steps, start + 10)
        order = list(enumerate(savers))
        for place, saver in order if start % 20 else reversed(order):
            began = time.perf_counter()
            await _continue(saver, "bench", start, stop)
            spent[place] += time.perf_counter() - began
    return [seconds / steps for seconds in spent]


async def _reads(saver: BaseCheckpointSaver[Any]) -> dict[str, float]:
    config: Any = {"configurable": {"thread_id": "bench"}}

    async def listing() -> object:
        return [t async for t in saver.alist(config)]

    return {
        "latest": await _timed(lambda: saver.aget_tuple(config), 200) / 200,
        "list": await _timed(listing, 5) / 5,
    }


async def _warmed(saver: BaseCheckpointSaver[Any]) -> None:
    """Steps and reads on a thread of their own, untimed: both sides open their connections
    and prepare their statements (a store's first use of a pooled connection prepares each
    statement and looks up the array types, several milliseconds at first) before any timing."""
    for start in range(0, WARM_UP, 10):  # in rounds, as timed: each begins with a read
        await _continue(saver, "warm-up", start, start + 10)
    config: Any = {"configurable": {"thread_id": "warm-up"}}
    await saver.aget_tuple(config)
    [t async for t in saver.alist(config)]


async def _measure(ours: Any, theirs: Any, steps: int) -> tuple[dict[str, float], ...]:
    """After a warm-up of each, the step (alternating), then the reads of each side."""
    for saver in (ours, theirs):
        await _warmed(saver)
    ours_step, theirs_step = await _steps([ours, theirs], steps)
    return (
        {"step": ours_step, **await _reads(ours)},
        {"step": theirs_step, **await _reads(theirs)},
    )


@asynccontextmanager
async def _sqlite_pair(folder: Path) -> AsyncIterator[tuple[Any, Any]]:
    ours = await DualtrackSaver.from_url(f"sqlite:///{folder / 'dualtrack.db'}")
    async with AsyncSqliteSaver.from_conn_string(str(folder / "langgraph.db")) as theirs:
        yield ours, theirs
    await ours.aclose()


@asynccontextmanager
async def _postgres_pair(scratch: PostgresScratch) -> AsyncIterator[tuple[Any, Any]]:
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

    ours = await DualtrackSaver.from_url(scratch())
    plain = scratch().replace("postgresql+asyncpg://", "postgresql://")
    async with AsyncPostgresSaver.from_conn_string(plain) as theirs:
        await theirs.setup()
        yield ours, theirs
    await ours.aclose()


def _report(name: str, ours: dict[str, float], theirs: dict[str, float]) -> None:
    for key in ours:
        print(
            f"{name:10} {key:7} dualtrack {ours[key] * 1e3:8.3f} ms  "
            f"langgraph {theirs[key] * 1e3:8.3f} ms  ratio {ours[key] / theirs[key]:5.2f}x"
        )


async def _analyze(saver: DualtrackSaver) -> None:
    """Refresh PostgreSQL's statistics, as autovacuum does on a growing table."""
    store: Any = saver.store
    async with store.engine.begin() as connection:
        await connection.exec_driver_sql("ANALYZE")


async def _flatness(
    name: str, url: str, sizes: list[int], calls: int, *, analyze: bool = False
) -> None:
    """``aget_tuple`` of the latest checkpoint of threads of ``sizes`` checkpoints, all in one
    store: timed in alternating rounds, ten of ``calls / 10`` calls per thread, keeping each
    thread's best round, so that the load of shared cores falls on every size alike (with
    ``analyze``, statistics refreshed after each thread is written)."""
    saver = await DualtrackSaver.from_url(url)
    for size in sorted(sizes):
        await _continue(saver, f"flat-{size}", 0, size)
        if analyze:
            await _analyze(saver)
    per_round = max(calls // 10, 1)
    latest = dict.fromkeys(sizes, float("inf"))
    for _ in range(10):
        for size in sizes:
            config: Any = {"configurable": {"thread_id": f"flat-{size}"}}
            spent = await _timed(lambda c=config: saver.aget_tuple(c), per_round)
            latest[size] = min(latest[size], spent / per_round)
    for size in sizes:
        print(f"{name:8} latest of {size:6}: {latest[size] * 1e6:8.1f} us", flush=True)
    first, last = sizes[0], sizes[-1]
    print(f"{name:8} ratio {last}/{first}: {latest[last] / latest[first]:.2f}x", flush=True)
    await saver.aclose()


async def flat(sizes: list[int], calls: int, postgres: bool) -> None:
    """The flatness run: memory, an SQLite file and, with ``postgres``, a scratch database."""
    await _flatness("memory", "memory://", sizes, calls)
    with tempfile.TemporaryDirectory() as folder:
        await _flatness("sqlite", f"sqlite:///{Path(folder) / 'flat.db'}", sizes, calls)
    if postgres:
        with PostgresScratch(DEFAULT_POSTGRES_SERVER) as scratch:
            await _flatness("postgres", scratch(), sizes, calls, analyze=True)


def serialization() -> None:
    """Serializing a state: SafeSerializer against LangGraph's own serializer, in turns."""
    chat = [
        HumanMessage(f"question {n} " * 20) if n % 2 == 0 else AIMessage(f"answer {n} " * 40)
        for n in range(20)
    ]
    states = {"small state": {"n": 3, "steps": ["plan", "act"]}, "20 messages": {"messages": chat}}
    sides = {"SafeSerializer": SafeSerializer(), "JsonPlusSerializer": JsonPlusSerializer()}
    for name, state in states.items():
        times: dict[str, list[float]] = {side: [] for side in sides}
        for _ in range(15):
            for side, serde in sides.items():
                started = time.perf_counter()
                for _ in range(200):
                    serde.dumps_typed(state)
                times[side].append((time.perf_counter() - started) / 200 * 1e6)
        ours, theirs = (statistics.median(times[side]) for side in sides)
        print(f"{name:<12} {ours:8.1f} µs vs {theirs:8.1f} µs: {ours / theirs:.2f}x")


async def main(steps: int, postgres: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with _sqlite_pair(Path(folder)) as (ours, theirs):
            _report("sqlite", *await _measure(ours, theirs, steps))
    if postgres:
        with PostgresScratch(DEFAULT_POSTGRES_SERVER) as scratch:
            async with _postgres_pair(scratch) as (ours, theirs):
                _report("postgres", *await _measure(ours, theirs, steps))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--flat", action="store_true", help="only the latest-checkpoint flatness")
    parser.add_argument("--sizes", default="100,1000,10000", help="thread lengths for --flat")
    parser.add_argument("--calls", type=int, default=500, help="aget_tuple calls per size")
    parser.add_argument("--serde", action="store_true", help="only serialization")
    arguments = parser.parse_args()
    if arguments.serde:
        serialization()
    elif arguments.flat:
        sizes = [int(size) for size in arguments.sizes.split(",")]
        asyncio.run(flat(sizes, arguments.calls, arguments.postgres))
    else:
        asyncio.run(main(arguments.steps, arguments.postgres))
