"""SQLiteDgent passes every agent-memory law, alone and in agreement with MemoryDgent, whether
its lone writes commit on the caller's thread or on its writer thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from dualtrack.memory.memory_store import MemoryDgent
from dualtrack.memory.protocol import DgentProtocol
from dualtrack.memory.sqlite.store import SQLiteDgent
from laws.dgent import check_agreement
from tests.conformance import LAW_NAMES, check_law

FAST = settings(max_examples=40, deadline=None)
STATEFUL = settings(max_examples=25, stateful_step_count=25, deadline=None)


@pytest.mark.parametrize("inline", [True, False], ids=["inline", "thread"])
@pytest.mark.parametrize("law", LAW_NAMES)
def test_sqlite_dgent_keeps_every_conformance_law(law: str, inline: bool, tmp_path: Path) -> None:
    async def fresh(namespace: str) -> DgentProtocol:
        return await SQLiteDgent.open(
            tmp_path / "memory.db", namespace=namespace, inline_commits=inline
        )

    check_law(law, fresh, fast=FAST, stateful=STATEFUL)


def test_sqlite_and_memory_agree(tmp_path: Path) -> None:
    async def sqlite(namespace: str) -> DgentProtocol:
        return await SQLiteDgent.open(tmp_path / "agree.db", namespace=namespace)

    async def memory(namespace: str) -> DgentProtocol:
        return MemoryDgent(namespace)

    check_agreement(memory, sqlite, settings=STATEFUL)
