"""``MemoryDgent``: the in-process reference interpreter of ``DgentProtocol``."""

from __future__ import annotations

import bisect
import builtins
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from dualtrack.errors import UnknownDatum
from dualtrack.memory.causal import CausalOrder
from dualtrack.memory.checks import (
    check_batch,
    check_batch_size,
    check_datum,
    check_expected,
    check_lookup,
    check_name,
    check_ref_page,
    check_text,
    check_top,
    plan_batch,
    refuse_closed,
    refuse_swap,
)
from dualtrack.memory.cursor import Page, Position, decode_cursor
from dualtrack.memory.datum import Datum
from dualtrack.memory.embedder import HashedNgramEmbedder, embed_contents, embed_packed
from dualtrack.memory.protocol import Embedder, SearchHit
from dualtrack.memory.query import ListQuery, Order, check_filter, check_limit, matches_filter
from dualtrack.memory.vectors import top_matches
from dualtrack.memory.views import View
from dualtrack.optics import Optic

K = TypeVar("K", covariant=True)
A = TypeVar("A")


@dataclass
class _Namespace:
    datums: dict[str, Datum] = field(default_factory=dict)
    order: list[tuple[float, str]] = field(default_factory=list)
    children: dict[str, list[str]] = field(default_factory=dict)
    vectors: dict[str, bytes] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)

    def add(self, datum: Datum, vector: bytes | None) -> None:
        self.datums[datum.id] = datum
        bisect.insort(self.order, (datum.created_at, datum.id))
        if datum.causal_parent is not None:
            self.children.setdefault(datum.causal_parent, []).append(datum.id)
        if vector is not None:
            self.vectors[datum.id] = vector

    def walk(self, start: Position | None, descending: bool) -> Iterator[Datum]:
        keys = self.order
        if descending:
            stop = len(keys) if start is None else bisect.bisect_left(keys, start)
            for place in range(stop - 1, -1, -1):
                yield self.datums[keys[place][1]]
        else:
            begin = 0 if start is None else bisect.bisect_right(keys, start)
            for place in range(begin, len(keys)):
                yield self.datums[keys[place][1]]


class MemorySpace:
    """What several ``MemoryDgent`` share, as stores on one database file share the file.

    >>> space = MemorySpace()
    >>> a, b = MemoryDgent("a", space=space), MemoryDgent("b", space=space)
    """

    def __init__(self) -> None:
        self._namespaces: dict[str, _Namespace] = {}

    def namespace(self, name: str) -> _Namespace:
        """The datums and refs of one namespace (created empty on first use)."""
        return self._namespaces.setdefault(name, _Namespace())

    def names(self) -> list[str]:
        """The namespaces holding a datum or a ref, sorted."""
        return sorted(name for name, data in self._namespaces.items() if data.datums or data.refs)


class MemoryDgent:
    """Agent memory held in this process: the reference model every other store must match.

    >>> import asyncio
    >>> async def demo():
    ...     store = MemoryDgent()
    ...     root = await store.put(Datum(id="r", content=b"first", created_at=1.0))
    ...     await store.put(root.derive(b"second"))
    ...     return [d.content for d in await store.causal_chain((await store.children("r"))[0].id)]
    >>> asyncio.run(demo())
    [b'first', b'second']
    """

    def __init__(
        self,
        namespace: str = "default",
        *,
        embedder: Embedder | None = None,
        space: MemorySpace | None = None,
    ) -> None:
        self._namespace = check_name(namespace, "namespace")
        self._embedder: Embedder = embedder or HashedNgramEmbedder()
        self._space = space or MemorySpace()
        self._closed = False

    def __repr__(self) -> str:
        return f"MemoryDgent(namespace={self._namespace!r})"

    @property
    def namespace(self) -> str:
        """The namespace this store reads and writes."""
        return self._namespace

    def _data(self) -> _Namespace:
        if self._closed:
            raise refuse_closed(self)
        return self._space.namespace(self._namespace)

    async def _vectors(self, datums: builtins.list[Datum]) -> builtins.list[bytes | None]:
        return await embed_contents(self._embedder, [datum.content for datum in datums])

    async def put(self, datum: Datum) -> Datum:
        """Store ``datum`` (append-only, idempotent) and return it."""
        return (await self.put_many([check_datum(datum)]))[0]

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        """Store every datum in one atomic step, or none of them."""
        batch = check_batch(datums)
        data = self._data()
        plan_batch(batch, data.datums, data.datums)
        vectors = await self._vectors(batch)
        data = self._data()
        fresh = {d.id for d in plan_batch(batch, data.datums, data.datums)}
        for datum, vector in zip(batch, vectors, strict=True):
            if datum.id in fresh:
                data.add(datum, vector)
                fresh.discard(datum.id)
        return [data.datums[datum.id] for datum in batch]

    async def get(self, datum_id: str) -> Datum | None:
        """The datum with this id, or ``None``."""
        return self._data().datums.get(check_lookup(datum_id))

    async def exists(self, datum_id: str) -> bool:
        """Whether the store holds a datum with this id."""
        return check_lookup(datum_id) in self._data().datums

    async def count(self) -> int:
        """How many datums the store holds."""
        return len(self._data().datums)

    async def list(
        self,
        *,
        prefix: str | None = None,
        after: float | None = None,
        before: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        order: Order = "asc",
        limit: int | None = 100,
        cursor: str | None = None,
    ) -> Page:
        """One page of datums matching every filter, in ``(created_at, id)`` order."""
        query = ListQuery.of(
            prefix=prefix, after=after, before=before, metadata=metadata, order=order
        )
        size = check_limit(limit, None)
        start = decode_cursor(query, cursor)
        rows: builtins.list[Datum] = []
        for datum in self._data().walk(start, order == "desc"):
            if query.admits(datum):
                rows.append(datum)
                if size is not None and len(rows) > size:
                    break
        return Page.cut(query, rows, size)

    async def scan(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        """Every datum in ``(created_at, id)`` order."""
        check_batch_size(batch_size)
        position: Position | None = None
        while True:
            data = self._data()
            page = list(islice(data.walk(position, False), batch_size))
            if not page:
                return
            for datum in page:
                yield datum
            position = (page[-1].created_at, page[-1].id)

    async def scan_causal(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        """Every datum, each after its causal parent (see :mod:`dualtrack.memory.causal`)."""
        check_batch_size(batch_size)
        order = CausalOrder()
        async for datum in self.scan(batch_size=batch_size):
            parent = self._data().datums.get(datum.causal_parent or "")
            first = parent is not None and (parent.created_at, parent.id) < (
                datum.created_at,
                datum.id,
            )
            for ready in order.admit(datum, first):
                yield ready
        for datum in order.leftovers():
            yield datum

    async def causal_chain(self, datum_id: str) -> builtins.list[Datum]:
        """The ancestors of ``datum_id``, root first, ending with it; ``[]`` for an unknown id."""
        datums = self._data().datums
        chain: builtins.list[Datum] = []
        current = datums.get(check_lookup(datum_id))
        while current is not None:
            chain.append(current)
            parent = current.causal_parent
            current = None if parent is None else datums[parent]
        chain.reverse()
        return chain

    async def children(self, datum_id: str) -> builtins.list[Datum]:
        """The datums whose causal parent is ``datum_id``, in ``(created_at, id)`` order."""
        data = self._data()
        found = [data.datums[i] for i in data.children.get(check_lookup(datum_id), ())]
        return sorted(found, key=lambda d: (d.created_at, d.id))

    async def search(
        self, text: str, *, limit: int = 10, metadata: Mapping[str, Any] | None = None
    ) -> builtins.list[SearchHit]:
        """The ``limit`` datums most similar to ``text`` (by the store's embedder), best first."""
        check_text(text)
        size = check_top(limit)
        pairs = check_filter(metadata)
        (query,) = await embed_packed(self._embedder, [text])
        data = self._data()
        candidates = (
            (datum_id, data.datums[datum_id].created_at, vector)
            for datum_id, vector in data.vectors.items()
            if matches_filter(data.datums[datum_id], pairs)
        )
        return [
            SearchHit(data.datums[datum_id], score)
            for score, _, datum_id in top_matches(query, candidates, size)
        ]

    async def get_ref(self, name: str) -> str | None:
        """The datum id the ref ``name`` points at, or ``None`` if it was never set."""
        return self._data().refs.get(check_name(name))

    async def set_ref(self, name: str, datum_id: str, *, expected: str | None = None) -> None:
        """Point ``name`` at ``datum_id`` if it still points at ``expected`` (compare-and-set)."""
        check_name(name)
        check_lookup(datum_id)
        check_expected(expected)
        data = self._data()
        if datum_id not in data.datums:
            raise UnknownDatum(f"ref {name!r} cannot point at {datum_id!r}: no such datum")
        current = data.refs.get(name)
        if current != expected:
            raise refuse_swap(name, current, expected)
        data.refs[name] = datum_id

    async def list_refs(
        self, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[tuple[str, str]]:
        """``(name, datum id)`` of the refs named after ``after``, in name order."""
        check_ref_page(after, limit)
        refs = self._data().refs
        names = sorted(name for name in refs if after is None or name > after)
        return [(name, refs[name]) for name in names[:limit]]

    async def namespaces(self) -> builtins.list[str]:
        """The namespaces of this store's space holding a datum or a ref, sorted."""
        self._data()
        return self._space.names()

    def focus(
        self, ref: str, optic: Optic[K, bytes, A], *, initial: bytes | None = None
    ) -> View[K, A]:
        """A lens view of the datum ``ref`` points at (see :mod:`dualtrack.memory.views`)."""
        return View(self, ref, optic, initial)

    async def __aenter__(self) -> MemoryDgent:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Forget nothing (the space keeps the data) but refuse further use of this handle."""
        self._closed = True
