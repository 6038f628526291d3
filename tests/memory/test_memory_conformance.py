"""MemoryDgent, the reference interpreter, passes every agent-memory law."""

from __future__ import annotations

import pytest
from hypothesis import settings

from dualtrack.memory.memory_store import MemoryDgent, MemorySpace
from dualtrack.memory.protocol import DgentProtocol
from tests.conformance import LAW_NAMES, check_law

FAST = settings(max_examples=40, deadline=None)
STATEFUL = settings(max_examples=30, stateful_step_count=30, deadline=None)


@pytest.mark.parametrize("law", LAW_NAMES)
def test_memory_dgent_keeps_every_conformance_law(law: str) -> None:
    space = MemorySpace()

    async def fresh(namespace: str) -> DgentProtocol:
        return MemoryDgent(namespace, space=space)

    check_law(law, fresh, fast=FAST, stateful=STATEFUL)
