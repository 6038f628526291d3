"""Compaction of one ``MemoryDgent`` namespace: drop hidden (and pruned) datums with their
vectors, tombstones and refs, keeping the digest of each removed id."""

from __future__ import annotations

from typing import Protocol

from dualtrack.memory.datum import Datum
from dualtrack.memory.retention.ledger import Ledger
from dualtrack.memory.retention.planning import plan_compaction
from dualtrack.memory.retention.policy import CompactionPolicy, CompactionReceipt


class Space(Protocol):
    """What compaction needs of a memory namespace."""

    datums: dict[str, Datum]
    vectors: dict[str, bytes]
    refs: dict[str, str]
    ledger: Ledger

    def remove(self, removed: frozenset[str]) -> None:
        """Drop these datums with their vectors and tombstones."""
        ...


def datum_bytes(datum: Datum) -> int:
    """The bytes of a datum, the same in every store: content and metadata JSON (UTF-8).
    Search vectors and index rows are derived from them and not counted."""
    return len(datum.content) + len(datum.metadata_json.encode())


def compact_namespace(
    namespace: str, data: Space, now: float, policy: CompactionPolicy, *, dry_run: bool
) -> CompactionReceipt:
    """Compact ``data`` at instant ``now`` under ``policy`` (or only plan it: ``dry_run``)."""
    ledger = data.ledger
    plan = plan_compaction(
        data.datums, data.refs, lambda d: ledger.shown(d, now), ledger.forgotten, policy
    )
    removed = plan.removed
    size = sum(datum_bytes(data.datums[i]) for i in removed)
    if not dry_run:
        for name in plan.refs:
            del data.refs[name]
        data.remove(removed)
        for datum_id in [i for i in ledger.tombstones if i not in data.datums]:
            ledger.erase(datum_id)
    return CompactionReceipt(
        namespace=namespace,
        dry_run=dry_run,
        removed=tuple(sorted(removed)),
        forgotten=len(plan.forgotten),
        expired=len(plan.expired),
        unreachable=len(plan.unreachable),
        refs=plan.refs,
        datum_bytes=size,
    )
