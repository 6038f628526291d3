"""MemoryDgent, the reference interpreter, passes every agent-memory law."""

from __future__ import annotations

from hypothesis import settings

from dualtrack.memory.embedder import HashedNgramEmbedder
from dualtrack.memory.memory_store import MemoryDgent, MemorySpace
from dualtrack.memory.protocol import DgentProtocol
from laws.dgent import check_dgent

FAST = settings(max_examples=40, deadline=None)
STATEFUL = settings(max_examples=30, stateful_step_count=30, deadline=None)


def test_memory_dgent_passes_the_conformance_kit() -> None:
    space = MemorySpace()

    async def fresh(namespace: str) -> DgentProtocol:
        return MemoryDgent(namespace, space=space)

    check_dgent(fresh, embedder=HashedNgramEmbedder(), settings=FAST, stateful=STATEFUL)
