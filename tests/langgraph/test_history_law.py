"""The saver's history laws (``laws.checkpointer``) on the three interpreters: MemoryDgent,
SQLiteDgent, and SQLDgent on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("langgraph.graph")

from hypothesis import settings

from dualtrack import MemoryDgent, SQLiteDgent
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.urls import open_dgent
from laws.checkpointer import check_saver_history
from tests.scratch_databases import DatabaseFactory

#: Each example compiles a graph and plays up to six runs twice (here and on InMemorySaver).
FEW = settings(max_examples=25, deadline=None)


def test_history_laws_on_memory() -> None:
    async def fresh(namespace: str) -> DgentProtocol:
        return MemoryDgent(namespace)

    check_saver_history(fresh, settings=FEW)


def test_history_laws_on_sqlite(tmp_path: Path) -> None:
    async def fresh(namespace: str) -> DgentProtocol:
        return await SQLiteDgent.open(tmp_path / "history.db", namespace=namespace)

    check_saver_history(fresh, settings=FEW)


def test_history_laws_on_sql(databases: DatabaseFactory) -> None:
    database = databases()

    async def fresh(namespace: str) -> DgentProtocol:
        return await open_dgent(database, namespace=namespace)

    check_saver_history(fresh, settings=FEW)
