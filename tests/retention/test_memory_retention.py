"""MemoryDgent, the reference interpreter, keeps every retention law."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import settings

from dualtrack.memory.embedder import HashedNgramEmbedder
from dualtrack.memory.memory_store import MemoryDgent, MemorySpace
from dualtrack.memory.retention import Retention
from laws.retention import check_retention, memory_residue

FAST = settings(max_examples=30, deadline=None)
STATEFUL = settings(max_examples=25, stateful_step_count=30, deadline=None)
CONCURRENT = settings(max_examples=10, deadline=None)


def test_memory_dgent_keeps_the_retention_laws() -> None:
    space = MemorySpace()

    async def fresh(namespace: str, clock: Callable[[], float]) -> Retention:
        return MemoryDgent(namespace, space=space, clock=clock)

    check_retention(
        fresh,
        residue=memory_residue,
        embedder=HashedNgramEmbedder(),
        settings=FAST,
        stateful=STATEFUL,
        concurrent=CONCURRENT,
    )
