"""What the retention laws share: a clock moved by hand, the store factory type, and reads of
every read path at once (of a store, and of the model) so that two snapshots compare."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from dualtrack.memory import Datum
from dualtrack.memory.retention import Retention
from dualtrack.memory.retention.memory_compaction import datum_bytes
from dualtrack.memory.views import focus
from dualtrack.optics import identity
from laws.retention.model import RetentionModel


class ManualClock:
    """A clock that moves only when told: stores made by a law read "now" from it.

    >>> clock = ManualClock(10.0)
    >>> clock.advance(2.5)
    >>> clock()
    12.5
    """

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``."""
        self.now += seconds


#: Makes a store for ``namespace`` reading time from ``clock``: fresh and empty for a
#: namespace never used before, and another handle on the same namespace when called again
#: with one (that is how the concurrency law opens several writers).
RetentionFactory = Callable[[str, Callable[[], float]], Awaitable[Retention]]

#: Reads the bytes a store keeps at rest (its files, or everything it holds in memory), so
#: the erasure law can search them for what was compacted away.
Residue = Callable[[Retention], Awaitable[bytes]]


@asynccontextmanager
async def fresh_store(factory: RetentionFactory, clock: ManualClock) -> AsyncIterator[Retention]:
    """A fresh store in a new namespace, closed afterwards."""
    store = await factory(f"forget-{uuid.uuid4().hex[:20]}", clock)
    try:
        yield store
    finally:
        await store.close()


@dataclass(frozen=True)
class Snapshot:
    """Every read path's answer, keyed so two snapshots compare field by field."""

    fields: dict[str, Any]

    def differences(self, other: Snapshot) -> dict[str, tuple[Any, Any]]:
        """The fields whose values differ, with both values."""
        keys = sorted(set(self.fields) | set(other.fields))
        return {
            key: (self.fields.get(key), other.fields.get(key))
            for key in keys
            if self.fields.get(key) != other.fields.get(key)
        }


def _chain_view(chain: Any) -> tuple[list[Datum], Any]:
    return list(chain), getattr(chain, "truncated", "<no truncation marker>")


async def read_store(
    store: Retention,
    ids: list[str],
    refs: list[str],
    *,
    include_hidden: bool = False,
) -> Snapshot:
    """What every read path of ``store`` answers about ``ids`` and ``refs``."""
    hidden = include_hidden
    fields: dict[str, Any] = {"count": await store.count(include_hidden=hidden)}
    fields["scan"] = [d async for d in store.scan(batch_size=2, include_hidden=hidden)]
    for order in ("asc", "desc"):
        walked: list[Datum] = []
        cursor: str | None = None
        while True:
            page = await store.list(order=order, limit=3, cursor=cursor, include_hidden=hidden)
            walked.extend(page)
            cursor = page.cursor
            if cursor is None or len(walked) > len(fields["scan"]) + 3:
                break
        fields[f"list {order}"] = walked
    if not hidden:
        fields["truncations"] = await store.truncations()
    hits = await store.search("the cat", limit=len(fields["scan"]) + 1, include_hidden=hidden)
    fields["search"] = sorted(hit.datum.id for hit in hits)
    for datum_id in ids:
        fields[f"get {datum_id!r}"] = await store.get(datum_id, include_hidden=hidden)
        fields[f"exists {datum_id!r}"] = await store.exists(datum_id, include_hidden=hidden)
        chain = await store.causal_chain(datum_id, include_hidden=hidden)
        fields[f"causal_chain {datum_id!r}"] = _chain_view(chain)
        fields[f"children {datum_id!r}"] = await store.children(datum_id, include_hidden=hidden)
    for name in refs:
        fields[f"get_ref {name!r}"] = await store.get_ref(name, include_hidden=hidden)
        if not hidden:
            fields[f"focus {name!r}"] = await focus(store, name, identity()).head()
    return Snapshot(fields)


def read_model(
    model: RetentionModel,
    now: float,
    ids: list[str],
    refs: list[str],
    *,
    include_hidden: bool = False,
) -> Snapshot:
    """What every read path must answer, by the model."""
    plain = model.plain(now, include_hidden)
    ordered = plain.ordered()
    fields: dict[str, Any] = {"count": len(ordered), "scan": ordered}
    fields["list asc"] = ordered
    fields["list desc"] = ordered[::-1]
    fields["search"] = sorted(d.id for d in plain.searchable())
    if not include_hidden:
        fields["truncations"] = model.truncations(now)
    for datum_id in ids:
        held = plain.datums.get(datum_id)
        fields[f"get {datum_id!r}"] = held
        fields[f"exists {datum_id!r}"] = held is not None
        chain = model.causal_chain(datum_id, now, include_hidden)
        fields[f"causal_chain {datum_id!r}"] = (
            chain,
            chain[0].causal_parent if chain else None,
        )
        fields[f"children {datum_id!r}"] = plain.children(datum_id)
    for name in refs:
        target = model.get_ref(name, now, include_hidden)
        fields[f"get_ref {name!r}"] = target
        if not include_hidden:
            fields[f"focus {name!r}"] = None if target is None else plain.datums[target]
    return Snapshot(fields)


def stored_bytes(datums: list[Datum]) -> int:
    """Content and metadata JSON (UTF-8) bytes of ``datums``: a receipt's ``datum_bytes``."""
    return sum(datum_bytes(datum) for datum in datums)
