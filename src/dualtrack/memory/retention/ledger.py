"""``Ledger``: the retention state of one namespace held in memory (tombstones, expiry times,
erased digests and the lifetime), used by ``MemoryDgent``; the SQL stores keep the same
facts in tables."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from dualtrack.memory.datum import Datum
from dualtrack.memory.retention.digests import id_digest
from dualtrack.memory.retention.policy import DatumState

#: The ``hides_at`` of a forgotten datum: hidden at every instant, whatever the clock says.
ALWAYS = float("-inf")


class Tombstone(NamedTuple):
    """When a datum stops being shown (``ALWAYS`` once forgotten, else its expiry time), and
    when it was forgotten (``None`` while it only expires)."""

    hides_at: float
    forgotten_at: float | None


@dataclass
class Ledger:
    """Tombstones by datum id, digests of erased ids, and the namespace lifetime.

    >>> ledger = Ledger()
    >>> d = Datum(id="a", content=b"", created_at=10.0)
    >>> ledger.shown(d, now=11.0), ledger.forget("a", now=11.0), ledger.shown(d, now=11.0)
    (True, True, False)
    """

    tombstones: dict[str, Tombstone] = field(default_factory=dict)
    erased: set[str] = field(default_factory=set)
    lifetime: float | None = None

    def shown(self, datum: Datum, now: float) -> bool:
        """Whether read paths show ``datum`` at ``now``."""
        stone = self.tombstones.get(datum.id)
        if stone is not None and stone.hides_at <= now:
            return False
        return self.lifetime is None or datum.created_at > now - self.lifetime

    def forgotten(self, datum_id: str) -> bool:
        """Whether ``datum_id`` was forgotten (not merely expiring)."""
        stone = self.tombstones.get(datum_id)
        return stone is not None and stone.forgotten_at is not None

    def forget(self, datum_id: str, now: float) -> bool:
        """Tombstone ``datum_id``; ``False`` when it was forgotten already."""
        if self.forgotten(datum_id):
            return False
        self.tombstones[datum_id] = Tombstone(ALWAYS, now)
        return True

    def expire(self, datum_id: str, at: float) -> None:
        """Record that ``datum_id`` expires at ``at`` (written when the datum is stored)."""
        self.tombstones.setdefault(datum_id, Tombstone(at, None))

    def blocks(self, datum_id: str, held: Datum | None, now: float) -> bool:
        """Whether ``put`` must refuse ``datum_id`` (stored as ``held``, or not stored):
        hidden, forgotten before it was ever stored, or erased."""
        if held is not None:
            return not self.shown(held, now)
        return self.forgotten(datum_id) or self.is_erased(datum_id)

    def heard_of(self, datum_id: str) -> bool:
        """Whether ``datum_id`` has a tombstone or was erased (so a child may name it)."""
        return datum_id in self.tombstones or self.is_erased(datum_id)

    def is_erased(self, datum_id: str) -> bool:
        """Whether compaction removed ``datum_id`` (only its digest is kept)."""
        return id_digest(datum_id) in self.erased

    def erase(self, datum_id: str) -> None:
        """Replace what names ``datum_id`` by its digest."""
        self.tombstones.pop(datum_id, None)
        self.erased.add(id_digest(datum_id))

    def state(self, datum: Datum | None, datum_id: str, now: float) -> DatumState:
        """Where ``datum_id`` stands, given the stored ``datum`` (``None`` if not held)."""
        if datum is None:
            if self.forgotten(datum_id):
                return "forgotten"
            return "erased" if self.is_erased(datum_id) else "unknown"
        if self.forgotten(datum_id):
            return "forgotten"
        return "live" if self.shown(datum, now) else "expired"

    def holdings(self) -> Iterator[bytes]:
        """Every byte string the ledger keeps (ids of tombstones, digests), for audits."""
        for datum_id in self.tombstones:
            yield datum_id.encode("utf-8")
        for digest in self.erased:
            yield digest.encode("ascii")
