"""LangGraph checkpointer benchmark: ``DualtrackSaver`` against LangGraph's own savers, one run.

Pairs: dualtrack over an SQLite file against ``AsyncSqliteSaver``; with ``--postgres``, dualtrack
over PostgreSQL (SQLDgent) against ``AsyncPostgresSaver``, each in a fresh scratch database.
Measured per pair, as the ratio dualtrack / LangGraph (lower is better):

* **step**: ``aput`` of a checkpoint plus ``aput_writes`` of two writes, ``--steps`` times;
* **latest**: ``aget_tuple`` of the latest checkpoint, 200 times;
* **list**: ``alist`` of the whole thread, 5 times.

Also the latest-checkpoint lookup with 100 and with ``--large`` checkpoints in one thread
(memory store): the head ref keeps it flat. Run::

    .venv/bin/python -m benchmarks.langgraph --postgres   # as a module: the file name is langgraph
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver, create_checkpoint, empty_checkpoint
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from dualtrack.app.scratch import DEFAULT_POSTGRES_SERVER, PostgresScratch
from dualtrack.integrations.langgraph import DualtrackSaver


async def _fill(saver: BaseCheckpointSaver[Any], thread: str, steps: int) -> float:
    config: Any = {"configurable": {"thread_id": thread, "checkpoint_ns": ""}}
    checkpoint = empty_checkpoint()
    started = time.perf_counter()
    for step in range(steps):
        checkpoint = create_checkpoint(checkpoint, None, step)
        checkpoint["channel_values"] = {"steps": list(range(step % 8))}
        config = await saver.aput(config, checkpoint, {"source": "loop", "step": step}, {})
        await saver.aput_writes(config, [("steps", [step]), ("note", "x")], f"task-{step}")
    return time.perf_counter() - started


async def _timed(action: Callable[[], Awaitable[object]], times: int) -> float:
    started = time.perf_counter()
    for _ in range(times):
        await action()
    return time.perf_counter() - started


async def _measure(saver: BaseCheckpointSaver[Any], steps: int) -> dict[str, float]:
    config: Any = {"configurable": {"thread_id": "bench"}}
    step = await _fill(saver, "bench", steps)

    async def listing() -> object:
        return [t async for t in saver.alist(config)]

    return {
        "step": step / steps,
        "latest": await _timed(lambda: saver.aget_tuple(config), 200) / 200,
        "list": await _timed(listing, 5) / 5,
    }


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


async def _flatness(large: int) -> None:
    latest: dict[int, float] = {}
    for size in (100, large):
        saver = await DualtrackSaver.from_url("memory://")
        await _fill(saver, "flat", size)
        config: Any = {"configurable": {"thread_id": "flat"}}
        latest[size] = await _timed(lambda s=saver, c=config: s.aget_tuple(c), 200) / 200
    print(
        f"latest of 100: {latest[100] * 1e6:.1f} us; of {large}: {latest[large] * 1e6:.1f} us; "
        f"ratio {latest[large] / latest[100]:.2f}x"
    )


async def main(steps: int, postgres: bool, large: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with _sqlite_pair(Path(folder)) as (ours, theirs):
            _report("sqlite", await _measure(ours, steps), await _measure(theirs, steps))
    if postgres:
        with PostgresScratch(DEFAULT_POSTGRES_SERVER) as scratch:
            async with _postgres_pair(scratch) as (ours, theirs):
                _report("postgres", await _measure(ours, steps), await _measure(theirs, steps))
    await _flatness(large)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.steps, arguments.postgres, arguments.large))
