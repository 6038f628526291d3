"""LangGraph's own checkpointer conformance suite, every capability, on the three interpreters."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import pytest

pytest.importorskip("langgraph.checkpoint.conformance")

from langgraph.checkpoint.conformance import checkpointer_test, validate

from dualtrack.integrations.langgraph import DualtrackSaver
from tests.scratch_databases import DatabaseFactory


def _suite(url: Callable[[], str]) -> dict[str, list[str]]:
    @checkpointer_test(name=f"DualtrackSaver-{uuid.uuid4().hex}")
    async def saver() -> AsyncIterator[DualtrackSaver]:
        opened = await DualtrackSaver.from_url(url(), namespace=f"lg-{uuid.uuid4().hex[:12]}")
        try:
            yield opened
        finally:
            await opened.store.close()

    report = asyncio.run(validate(saver))
    assert set(report.results) == {
        "put", "put_writes", "get_tuple", "list", "delete_thread",
        "delete_for_runs", "copy_thread", "prune",
    }  # fmt: skip
    return {name: list(r.failures) for name, r in report.results.items() if not r.passed}


def test_every_capability_passes_on_memory() -> None:
    assert _suite(lambda: "memory://") == {}


def test_every_capability_passes_on_sqlite(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "lg.db"
    assert _suite(lambda: f"sqlite:///{path}") == {}


def test_every_capability_passes_on_sql(databases: DatabaseFactory) -> None:
    database = databases()
    assert _suite(lambda: database) == {}
