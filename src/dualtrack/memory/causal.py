"""Causal order from a keyset scan: each datum after its parent, holding back only the few
datums stored with an earlier ``created_at`` than their parent.

``created_at`` is the writer's clock, so a child may sort before its parent in
``(created_at, id)`` order. :class:`CausalOrder` takes datums in that order, each with whether
its parent sorts before it (stores compute this in the same query, with the same collation as
their ordering), and hands them on parents first. A datum whose parent is still ahead waits,
and is released right after its parent, so memory holds the waiting datums only: none at all
when every parent is older than its children, which is how datums are normally made.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

from dualtrack.memory.datum import Datum


class CausalOrder:
    """Reorders a ``(created_at, id)`` stream of one namespace into a causal one.

    >>> order = CausalOrder()
    >>> child = Datum(id="b", content=b"", created_at=1.0, causal_parent="a")
    >>> parent = Datum(id="a", content=b"", created_at=2.0)
    >>> order.admit(child, parent_first=False), [d.id for d in order.admit(parent, False)]
    ([], ['a', 'b'])
    """

    def __init__(self) -> None:
        self._waiting: dict[str, list[Datum]] = {}
        self._held: set[str] = set()

    def admit(self, datum: Datum, parent_first: bool | None) -> list[Datum]:
        """The datums ready to go once ``datum`` arrived: none while its parent has not gone,
        else ``datum`` followed by every waiting descendant it releases.

        ``parent_first`` says whether the parent sorts before ``datum`` in the scan, so it
        has arrived already (``None`` or ``False``: it is still ahead).
        """
        parent = datum.causal_parent
        if parent is not None and (not parent_first or parent in self._held):
            self._waiting.setdefault(parent, []).append(datum)
            self._held.add(datum.id)
            return []
        ready: list[Datum] = []
        stack = [datum]
        while stack:
            current = stack.pop()
            ready.append(current)
            self._held.discard(current.id)
            stack.extend(reversed(self._waiting.pop(current.id, ())))
        return ready

    @property
    def waiting(self) -> int:
        """How many datums are held back for a parent not seen yet."""
        return len(self._held)

    def leftovers(self) -> list[Datum]:
        """Datums whose parent never arrived (none in a store that refuses orphans), in the
        order they arrived, so that nothing a scan saw is silently dropped."""
        left = sorted(
            (datum for datums in self._waiting.values() for datum in datums),
            key=lambda datum: (datum.created_at, datum.id),
        )
        self._waiting.clear()
        self._held.clear()
        return left


async def causal_stream(
    pages: AsyncIterator[Iterable[tuple[Datum, bool | None]]],
) -> AsyncIterator[Datum]:
    """Every datum of ``pages`` (``(datum, parent_first)`` in ``(created_at, id)`` order),
    parents before children."""
    order = CausalOrder()
    async for page in pages:
        for datum, parent_first in page:
            for ready in order.admit(datum, parent_first):
                yield ready
    for datum in order.leftovers():
        yield datum
