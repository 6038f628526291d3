"""A saver reads the latest checkpoint beside the head ref from the head it remembers: whatever
other savers of the same store did meanwhile, it answers as a saver that remembers nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langgraph.checkpoint.base")

from hypothesis import given, settings
from hypothesis import strategies as st
from langgraph.checkpoint.base import create_checkpoint, empty_checkpoint

from dualtrack import MemoryDgent, SQLiteDgent
from dualtrack.integrations.langgraph import DualtrackSaver
from dualtrack.memory.protocol import DgentProtocol

THREADS = ("t1", "t2")

#: (what, which saver, which thread): extend the thread, read its latest, or delete it
actions = st.lists(
    st.tuples(
        st.sampled_from(["put", "put", "get", "delete"]),
        st.integers(min_value=0, max_value=1),
        st.sampled_from(THREADS),
    ),
    max_size=12,
)


def _config(thread: str) -> Any:
    return {"configurable": {"thread_id": thread, "checkpoint_ns": ""}}


async def _play(store: DgentProtocol, plan: list[tuple[str, int, str]]) -> None:
    savers = [DualtrackSaver(store), DualtrackSaver(store)]
    for step, (what, who, thread) in enumerate(plan):
        saver = savers[who]
        if what == "delete":
            await saver.adelete_thread(thread)
            continue
        latest = await DualtrackSaver(store).aget_tuple(_config(thread))
        if what == "get":
            assert await saver.aget_tuple(_config(thread)) == latest
            continue
        config = latest.config if latest else _config(thread)
        checkpoint = create_checkpoint(
            latest.checkpoint if latest else empty_checkpoint(), None, step
        )
        config = await saver.aput(config, checkpoint, {"step": step}, {})
        await saver.aput_writes(config, [("c", step)], f"task-{step}")
    for thread in THREADS:
        fresh = await DualtrackSaver(store).aget_tuple(_config(thread))
        for saver in savers:
            assert await saver.aget_tuple(_config(thread)) == fresh


@settings(max_examples=60, deadline=None)
@given(plan=actions)
def test_remembered_heads_answer_as_a_fresh_saver_on_memory(plan: list[Any]) -> None:
    asyncio.run(_play(MemoryDgent(), plan))


@settings(max_examples=25, deadline=None)
@given(plan=actions)
def test_remembered_heads_answer_as_a_fresh_saver_on_sqlite(
    plan: list[Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder: Path = tmp_path_factory.mktemp("heads")

    async def main() -> None:
        async with SQLiteDgent(folder / "heads.db") as store:
            await _play(store, plan)

    asyncio.run(main())
