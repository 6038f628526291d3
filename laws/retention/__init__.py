"""Retention laws for any ``Retention`` store, as reusable hypothesis checks.

Give each check an async *factory* ``(namespace, clock) -> store``: for a namespace never
used before it returns a fresh, empty store reading "now" from ``clock`` (a
:class:`ManualClock` the law moves); called again with a namespace, another handle on it.
Every check compares the store with :class:`~laws.retention.model.RetentionModel`::

    from laws.retention import check_retention

    def test_my_store_forgets(tmp_path):
        async def fresh(namespace, clock):
            return await SQLiteDgent.open(tmp_path / "m.db", namespace=namespace, clock=clock)

        check_retention(fresh, residue=file_residue(tmp_path / "m.db"))

The checks are plain sync functions running their own event loop; each raises
:class:`~dualtrack.errors.LawViolation` naming the law, the smallest failing input and both
sides.
"""

from hypothesis import settings

from dualtrack.memory import Embedder
from laws.retention.checks import (
    check_compaction,
    check_erasure,
    check_expiry,
    check_forgetting,
)
from laws.retention.concurrency import (
    WriterReport,
    check_concurrent_compaction,
    verify_writers,
    write_chain,
)
from laws.retention.machine import check_retention_against_model
from laws.retention.model import RetentionModel
from laws.retention.residue import file_residue, memory_residue, postgres_residue
from laws.retention.support import ManualClock, Residue, RetentionFactory

__all__ = [
    "ManualClock",
    "Residue",
    "RetentionFactory",
    "RetentionModel",
    "WriterReport",
    "check_compaction",
    "check_concurrent_compaction",
    "check_erasure",
    "check_expiry",
    "check_forgetting",
    "check_retention",
    "check_retention_against_model",
    "file_residue",
    "memory_residue",
    "postgres_residue",
    "verify_writers",
    "write_chain",
]


def check_retention(
    factory: RetentionFactory,
    *,
    residue: Residue | None = None,
    embedder: Embedder | None = None,
    settings: settings | None = None,
    stateful: settings | None = None,
    concurrent: settings | None = None,
) -> None:
    """Every retention law: forgetting, expiry, compaction, erasure (when given the store's
    ``residue``), concurrent compaction and the stateful comparison with the model.
    ``stateful`` and ``concurrent`` tune those two runs apart from the others."""
    check_forgetting(factory, settings=settings)
    check_expiry(factory, settings=settings)
    check_compaction(factory, settings=settings)
    if residue is not None:
        check_erasure(factory, residue, embedder=embedder, settings=settings)
    check_concurrent_compaction(factory, settings=concurrent or settings)
    check_retention_against_model(factory, settings=stateful or settings)
