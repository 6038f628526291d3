"""The latest checkpoint costs the same at any thread length: ``get_tuple`` makes the same
store calls, gets the same rows back, and the stores examine the same rows, at 20 and at 200
checkpoints (counted, not timed)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langgraph.checkpoint.base")

from langgraph.checkpoint.base import create_checkpoint, empty_checkpoint

from dualtrack import Datum, MemoryDgent, SQLiteDgent
from dualtrack.integrations.langgraph import DualtrackSaver
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.query import ListQuery

CONFIG: Any = {"configurable": {"thread_id": "long"}}


class Recorder:
    """A store seen through: each call's name and how many datums it returned."""

    def __init__(self, store: DgentProtocol) -> None:
        self.store = store
        self.calls: list[tuple[str, int]] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.store, name)

        async def recorded(*args: Any, **kwargs: Any) -> Any:
            result = await method(*args, **kwargs)
            rows = len(result) if isinstance(result, list | tuple) or name == "list" else 1
            self.calls.append((name, rows))
            return result

        return recorded


async def _grow(saver: DualtrackSaver, start: int, stop: int) -> None:
    latest = await saver.aget_tuple(CONFIG)
    config: Any = latest.config if latest else {"configurable": {"thread_id": "long"}}
    checkpoint: Any = latest.checkpoint if latest else empty_checkpoint()
    for step in range(start, stop):
        checkpoint = create_checkpoint(checkpoint, None, step)
        config = await saver.aput(config, checkpoint, {"step": step}, {})
        await saver.aput_writes(config, [("a", step), ("b", -step)], f"task-{step}")


async def _cost(
    recorder: Recorder, saver: DualtrackSaver, examined: Callable[[], int]
) -> tuple[list[tuple[str, int]], int]:
    recorder.calls.clear()
    before = examined()
    found = await saver.aget_tuple(CONFIG)
    assert found is not None
    assert len(found.pending_writes or []) == 2
    return sorted(recorder.calls), examined() - before


async def _short_and_long(store: DgentProtocol, examined: Callable[[], int]) -> list[Any]:
    # a datum sorting after every saver id: a range scan then always ends on a row beyond its
    # range, also when the latest checkpoint's id (a digest) happens to sort last
    await store.put(Datum(id="~ after every lg- id", content=b"", created_at=0.0))
    recorder = Recorder(store)
    saver = DualtrackSaver(recorder)  # type: ignore[arg-type]
    await _grow(saver, 0, 20)
    short = await _cost(recorder, saver, examined)
    await _grow(saver, 20, 200)
    long = await _cost(recorder, saver, examined)
    return [short, long]


def test_memory_store_examines_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    admitted = [0]
    admits = ListQuery.admits

    def counting(query: ListQuery, datum: Any) -> bool:
        admitted[0] += 1
        return admits(query, datum)

    monkeypatch.setattr(ListQuery, "admits", counting)
    short, long = asyncio.run(_short_and_long(MemoryDgent(), lambda: admitted[0]))
    assert short == long
    assert short[0] == [("get_ref", 1), ("list", 3)]


def test_sqlite_store_runs_the_same_instructions(tmp_path: Path) -> None:
    async def main() -> list[Any]:
        async with SQLiteDgent(tmp_path / "flat.db") as store:
            steps = [0]

            def tick() -> int:
                steps[0] += 1
                return 0

            store._reader().set_progress_handler(tick, 1)
            return await _short_and_long(store, lambda: steps[0])

    short, long = asyncio.run(main())
    assert short == long
