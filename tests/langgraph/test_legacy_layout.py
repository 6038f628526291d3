"""Checkpoints stored by savers that kept pending writes under their own prefix (before writes
followed their checkpoint's id) still load with their writes, and new writes join them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("langgraph.checkpoint.base")

from langgraph.checkpoint.base import create_checkpoint, empty_checkpoint

from dualtrack import Datum, MemoryDgent
from dualtrack.integrations.langgraph import DualtrackSaver
from dualtrack.integrations.langgraph.keys import LAYOUT, Thread, digest

CONFIG: Any = {"configurable": {"thread_id": "old", "checkpoint_ns": ""}}


async def _history(saver: DualtrackSaver) -> list[tuple[Any, ...]]:
    return [
        (t.config, t.checkpoint["id"], t.metadata, t.parent_config, t.pending_writes)
        async for t in saver.alist(CONFIG)
    ]


def _as_legacy(datum: Datum) -> Datum:
    """``datum`` as an older saver stored it: no layout key; writes under their own prefix."""
    meta = dict(datum.metadata)
    if meta["lg.kind"] == "checkpoint":
        del meta[LAYOUT]
        return Datum(datum.id, datum.content, datum.created_at, datum.causal_parent, meta)
    assert datum.causal_parent is None  # regular channels: no revision chains here
    where, checkpoint = Thread.of_metadata(meta), str(meta["lg.checkpoint"])
    revision = digest("r", meta["lg.task"], meta["lg.idx"], meta["lg.revision"])
    old_id = where.legacy_writes_prefix(checkpoint) + revision
    return Datum(old_id, datum.content, datum.created_at, None, meta)


def test_an_older_layout_loads_with_its_writes_and_takes_new_ones() -> None:
    async def scenario() -> None:
        current = DualtrackSaver(MemoryDgent("now"))
        config: Any = CONFIG
        checkpoint: Any = empty_checkpoint()
        for step in range(3):
            checkpoint = create_checkpoint(checkpoint, None, step)
            config = await current.aput(config, checkpoint, {"step": step}, {})
            await current.aput_writes(config, [("a", step), ("b", -step)], f"task-{step}")
        legacy_store = MemoryDgent("then")
        causal = [d async for d in current.store.scan_causal()]
        await legacy_store.put_many([_as_legacy(d) for d in causal])
        head = await current.store.get_ref(Thread("old", "").head_ref())
        assert head is not None
        await legacy_store.set_ref(Thread("old", "").head_ref(), head)
        legacy = DualtrackSaver(legacy_store)

        assert await _history(legacy) == await _history(current)
        latest, old_latest = await current.aget_tuple(CONFIG), await legacy.aget_tuple(CONFIG)
        assert latest is not None
        assert old_latest is not None
        assert old_latest.pending_writes == latest.pending_writes != []

        for saver in (current, legacy):
            await saver.aput_writes(latest.config, [("c", "late")], "task-late")
        assert await _history(legacy) == await _history(current)

    asyncio.run(scenario())
