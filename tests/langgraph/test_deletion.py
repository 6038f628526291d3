"""LangGraph deletions go through retention: hidden at once, bytes removed by compaction."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("langgraph.checkpoint.base")

from langgraph.checkpoint.base import create_checkpoint, empty_checkpoint

from dualtrack.integrations.langgraph import DualtrackSaver
from dualtrack.memory.retention.protocol import retention_of


async def _thread(saver: DualtrackSaver, thread: str, steps: int) -> None:
    config: Any = {"configurable": {"thread_id": thread, "checkpoint_ns": ""}}
    checkpoint = empty_checkpoint()
    for step in range(steps):
        checkpoint = create_checkpoint(checkpoint, None, step)
        config = await saver.aput(config, checkpoint, {"step": step}, {})
        await saver.aput_writes(config, [("c", step)], "task")


@pytest.mark.parametrize("url", ["memory://", "sqlite:///{tmp}/d.db"])
def test_delete_thread_hides_then_compaction_removes(url: str, tmp_path: Any) -> None:
    async def main() -> None:
        saver = await DualtrackSaver.from_url(url.format(tmp=tmp_path))
        store = retention_of(saver.store)
        await _thread(saver, "gone", 3)
        await _thread(saver, "kept", 2)
        await saver.adelete_thread("gone")
        assert await saver.aget_tuple({"configurable": {"thread_id": "gone"}}) is None
        assert await saver.aget_tuple({"configurable": {"thread_id": "kept"}}) is not None
        assert await store.count() == 4
        assert await store.count(include_hidden=True) == 10
        await store.compact()
        assert await store.count(include_hidden=True) == 4
        await saver.aclose()

    asyncio.run(main())
