"""Which datums a compaction removes, decided over datums held in memory (``MemoryDgent``);
the SQL stores decide the same in SQL, and :mod:`laws.retention` checks that they agree."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from dualtrack.memory.datum import Datum
from dualtrack.memory.retention.policy import CompactionPolicy


@dataclass(frozen=True, slots=True)
class Plan:
    """The ids to remove by reason, and the refs that name one of them."""

    forgotten: frozenset[str]
    expired: frozenset[str]
    unreachable: frozenset[str]
    refs: tuple[str, ...]

    @property
    def removed(self) -> frozenset[str]:
        """Every id the plan removes."""
        return self.forgotten | self.expired | self.unreachable


def reached(
    datums: Mapping[str, Datum],
    heads: list[str],
    shown: Callable[[Datum], bool],
    history: int | None,
) -> set[str]:
    """The shown datums reached from ``heads``: each head and up to ``history`` of its shown
    ancestors (``None``: all of them)."""
    found: set[str] = set()
    for head in heads:
        current = datums.get(head)
        depth = 0
        while current is not None and shown(current):
            found.add(current.id)
            if history is not None and depth >= history:
                break
            depth += 1
            parent = current.causal_parent
            current = None if parent is None else datums.get(parent)
    return found


def plan_compaction(
    datums: Mapping[str, Datum],
    refs: Mapping[str, str],
    shown: Callable[[Datum], bool],
    forgotten: Callable[[str], bool],
    policy: CompactionPolicy,
) -> Plan:
    """What ``policy`` removes from ``datums`` and ``refs`` (``shown``: the read-path filter
    at the compaction's instant; ``forgotten``: whether an id carries a forget tombstone)."""
    hidden = [d.id for d in datums.values() if not shown(d)]
    gone = frozenset(i for i in hidden if forgotten(i))
    expired = frozenset(hidden) - gone
    unreachable: frozenset[str] = frozenset()
    if policy.unreachable:
        live_heads = [t for t in refs.values() if t in datums and shown(datums[t])]
        keep = reached(datums, live_heads, shown, policy.history)
        unreachable = frozenset(d.id for d in datums.values() if shown(d) and d.id not in keep)
    removed = gone | expired | unreachable
    dropped = tuple(sorted(name for name, target in refs.items() if target in removed))
    return Plan(gone, expired, unreachable, dropped)
