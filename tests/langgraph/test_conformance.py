"""LangGraph's own checkpointer conformance suite, every capability, over a dualtrack store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

pytest.importorskip("langgraph.checkpoint.conformance")

from langgraph.checkpoint.conformance import checkpointer_test, validate  # noqa: E402

from dualtrack.integrations.langgraph import DualtrackSaver  # noqa: E402
from dualtrack.memory.memory_store import MemoryDgent  # noqa: E402


@checkpointer_test(name="DualtrackSaver[memory]")
async def memory_saver() -> AsyncIterator[DualtrackSaver]:
    yield DualtrackSaver(MemoryDgent())


def test_every_capability_passes_on_memory() -> None:
    report = asyncio.run(validate(memory_saver))
    failures = {
        name: result.failures for name, result in report.results.items() if not result.passed
    }
    assert failures == {}
