"""``MemoryDgent``: the in-process reference interpreter of ``DgentProtocol``."""

from __future__ import annotations

import bisect
import builtins
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from dualtrack.errors import UnknownDatum
from dualtrack.memory.advancing import check_head
from dualtrack.memory.causal import CausalOrder
from dualtrack.memory.chain import Chain
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
from dualtrack.memory.embedder import HashedNgramEmbedder, embed_packed
from dualtrack.memory.indexing import NOT_TEXT, index_vectors
from dualtrack.memory.limits import holdable
from dualtrack.memory.protocol import Embedder, SearchHit
from dualtrack.memory.query import (
    ListQuery,
    Order,
    check_filter,
    check_limit,
    matches_filter,
    prefix_end,
)
from dualtrack.memory.retention.expiry import expires_at
from dualtrack.memory.retention.ledger import Ledger
from dualtrack.memory.retention.memory_compaction import compact_namespace
from dualtrack.memory.retention.policy import (
    Clock,
    CompactionPolicy,
    CompactionReceipt,
    DatumState,
    check_clock,
    check_lifetime,
    check_policy,
)
from dualtrack.memory.retention.selection import Selection, refuse_forgotten
from dualtrack.memory.vectors import top_matches
from dualtrack.memory.views import View
from dualtrack.optics import Optic

K = TypeVar("K", covariant=True)
A = TypeVar("A")


@dataclass
class _Namespace:
    datums: dict[str, Datum] = field(default_factory=dict)
    order: list[tuple[float, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    children: dict[str, list[str]] = field(default_factory=dict)
    vectors: dict[str, bytes] = field(default_factory=dict)
    unindexed: dict[str, None] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    ledger: Ledger = field(default_factory=Ledger)

    def add(self, datum: Datum) -> None:
        self.datums[datum.id] = datum
        bisect.insort(self.order, (datum.created_at, datum.id))
        bisect.insort(self.ids, datum.id)
        if datum.causal_parent is not None:
            self.children.setdefault(datum.causal_parent, []).append(datum.id)
        self.unindexed[datum.id] = None
        expiry = expires_at(datum)
        if expiry is not None:
            self.ledger.expire(datum.id, expiry)

    def remove(self, removed: frozenset[str]) -> None:
        """Drop the datums ``removed`` names with their vectors (compaction)."""
        for datum_id in removed:
            datum = self.datums.pop(datum_id)
            self.vectors.pop(datum_id, None)
            self.unindexed.pop(datum_id, None)
            siblings = self.children.get(datum.causal_parent or "")
            if siblings is not None:
                siblings.remove(datum_id)
                if not siblings:
                    del self.children[datum.causal_parent or ""]
            self.ledger.erase(datum_id)
        self.order = [key for key in self.order if key[1] not in removed]
        self.ids = [datum_id for datum_id in self.ids if datum_id not in removed]

    def shown(self, datum_id: str, now: float) -> Datum | None:
        """The datum with this id if read paths show it at ``now``."""
        datum = self.datums.get(datum_id)
        return datum if datum is not None and self.ledger.shown(datum, now) else None

    def prefixed(self, prefix: str) -> list[tuple[float, str]]:
        """The ``(created_at, id)`` of every datum whose id starts with ``prefix``, sorted:
        a range of the sorted ids, so the cost follows the matches, not the namespace."""
        begin = bisect.bisect_left(self.ids, prefix)
        bound = prefix_end(prefix)
        end = len(self.ids) if bound is None else bisect.bisect_left(self.ids, bound, begin)
        return sorted((self.datums[i].created_at, i) for i in self.ids[begin:end])

    def walk(
        self, start: Position | None, descending: bool, prefix: str | None = None
    ) -> Iterator[Datum]:
        """The datums in ``(created_at, id)`` order from after ``start``; with ``prefix``,
        only those whose id starts with it."""
        keys = self.order if prefix is None else self.prefixed(prefix)
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
        data = self._namespaces.get(name)
        if data is None:  # not setdefault: that would build an empty namespace on every call
            data = self._namespaces[name] = _Namespace()
        return data

    def holdings(self, name: str) -> builtins.list[bytes]:
        """Every byte string the space keeps for namespace ``name`` (contents, metadata JSON,
        vectors, ids, refs, tombstones): what an erasure check searches."""
        data = self.namespace(name)
        held: builtins.list[bytes] = []
        for datum in data.datums.values():
            held += [datum.id.encode(), datum.content, datum.metadata_json.encode()]
        held += [vector for vector in data.vectors.values() if vector != NOT_TEXT]
        for ref, target in data.refs.items():
            held += [ref.encode(), target.encode()]
        held += data.ledger.holdings()
        return held

    def names(self) -> builtins.list[str]:
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
        clock: Clock | None = None,
    ) -> None:
        self._namespace = check_name(namespace, "namespace")
        self._embedder: Embedder = embedder or HashedNgramEmbedder()
        self._space = space or MemorySpace()
        self._clock = check_clock(clock)
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

    async def _index(self, data: _Namespace) -> None:
        """Embed the datums stored since the last search (see :mod:`dualtrack.memory.indexing`);
        they leave ``unindexed`` only once their vectors are in, so a search running beside
        this one never misses them."""
        waiting = builtins.list(data.unindexed)
        if not waiting:
            return
        contents = [data.datums[datum_id].content for datum_id in waiting]
        vectors = await index_vectors(self._embedder, contents)
        for datum_id, vector in zip(waiting, vectors, strict=True):
            if datum_id in data.unindexed:  # not compacted away meanwhile
                data.vectors[datum_id] = vector
                del data.unindexed[datum_id]

    async def put(self, datum: Datum) -> Datum:
        """Store ``datum`` (append-only, idempotent) and return it."""
        return (await self.put_many([check_datum(datum)]))[0]

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        """Store every datum in one atomic step, or none of them."""
        batch = check_batch(datums)
        for datum in batch:
            expires_at(datum)
        data = self._data()
        for datum in self._plan(batch):
            data.add(datum)
        return [data.datums[datum.id] for datum in batch]

    def _plan(self, batch: builtins.list[Datum]) -> builtins.list[Datum]:
        """The datums of ``batch`` to add, refusing forgotten ids first, then what
        ``plan_batch`` refuses: hidden datums count as absent, and a parent is missing only
        when the namespace never heard of it (a forgotten or erased parent cuts the chain)."""
        data = self._data()
        now = self._clock()
        ledger = data.ledger
        for datum in batch:
            held = data.datums.get(datum.id)
            if ledger.blocks(datum.id, held, now):
                raise refuse_forgotten(self._namespace, datum.id)
        ids = {d.id for d in batch}
        shown = {i: d for i in ids if (d := data.shown(i, now)) is not None}
        parents = {d.causal_parent for d in batch if d.causal_parent}
        known = {p for p in parents if p in data.datums or ledger.heard_of(p)}
        return plan_batch(batch, shown, known)

    def _lookup(self, datum_id: str, include_hidden: bool) -> Datum | None:
        data = self._data()
        if include_hidden:
            return data.datums.get(datum_id)
        return data.shown(datum_id, self._clock())

    async def get(self, datum_id: str, *, include_hidden: bool = False) -> Datum | None:
        """The datum with this id, or ``None`` (hidden ones only with ``include_hidden``)."""
        return self._lookup(check_lookup(datum_id), include_hidden)

    async def exists(self, datum_id: str, *, include_hidden: bool = False) -> bool:
        """Whether the store shows a datum with this id."""
        return self._lookup(check_lookup(datum_id), include_hidden) is not None

    async def count(self, *, include_hidden: bool = False) -> int:
        """How many datums the store shows."""
        data = self._data()
        if include_hidden:
            return len(data.datums)
        now = self._clock()
        return sum(1 for datum in data.datums.values() if data.ledger.shown(datum, now))

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
        include_hidden: bool = False,
    ) -> Page:
        """One page of the datums shown, matching every filter, in ``(created_at, id)`` order."""
        query = ListQuery.of(
            prefix=prefix,
            after=after,
            before=before,
            metadata=metadata,
            order=order,
            scope=self._namespace,
        )
        size = check_limit(limit, None)
        start = decode_cursor(query, cursor)
        data = self._data()
        now = self._clock()
        rows: builtins.list[Datum] = []
        for datum in data.walk(start, order == "desc", query.prefix):
            if query.admits(datum) and (include_hidden or data.ledger.shown(datum, now)):
                rows.append(datum)
                if size is not None and len(rows) > size:
                    break
        return Page.cut(query, rows, size)

    async def scan(
        self, *, batch_size: int = 1000, include_hidden: bool = False
    ) -> AsyncIterator[Datum]:
        """Every datum shown, in ``(created_at, id)`` order."""
        check_batch_size(batch_size)
        position: Position | None = None
        while True:
            data = self._data()
            page = list(islice(data.walk(position, False), batch_size))
            if not page:
                return
            now = self._clock()
            for datum in page:
                if include_hidden or data.ledger.shown(datum, now):
                    yield datum
            position = (page[-1].created_at, page[-1].id)

    async def scan_causal(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        """Every datum shown, each after its causal parent (see
        :mod:`dualtrack.memory.causal`); a datum whose parent is hidden comes in scan order."""
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

    async def causal_chain(self, datum_id: str, *, include_hidden: bool = False) -> Chain:
        """The shown ancestors of ``datum_id``, root first, ending with it; ``[]`` for an id
        not shown; cut just after a missing ancestor (see :class:`Chain`)."""
        check_lookup(datum_id)
        chain: builtins.list[Datum] = []
        current = self._lookup(datum_id, include_hidden)
        while current is not None:
            chain.append(current)
            parent = current.causal_parent
            current = None if parent is None else self._lookup(parent, include_hidden)
        chain.reverse()
        return Chain(chain)

    async def children(
        self, datum_id: str, *, include_hidden: bool = False
    ) -> builtins.list[Datum]:
        """The shown datums whose causal parent is ``datum_id``, in ``(created_at, id)`` order."""
        data = self._data()
        ids = data.children.get(check_lookup(datum_id), ())
        found = [d for i in ids if (d := self._lookup(i, include_hidden)) is not None]
        return sorted(found, key=lambda d: (d.created_at, d.id))

    async def search(
        self,
        text: str,
        *,
        limit: int = 10,
        metadata: Mapping[str, Any] | None = None,
        include_hidden: bool = False,
    ) -> builtins.list[SearchHit]:
        """The ``limit`` shown datums most similar to ``text`` (by the store's embedder),
        best first."""
        check_text(text)
        size = check_top(limit)
        pairs = check_filter(metadata)
        (query,) = await embed_packed(self._embedder, [text])
        data = self._data()
        await self._index(data)
        now = self._clock()
        candidates = (
            (datum_id, data.datums[datum_id].created_at, vector)
            for datum_id, vector in data.vectors.items()
            if vector != NOT_TEXT
            and matches_filter(data.datums[datum_id], pairs)
            and (include_hidden or data.ledger.shown(data.datums[datum_id], now))
        )
        return [
            SearchHit(data.datums[datum_id], score)
            for score, _, datum_id in top_matches(query, candidates, size)
        ]

    async def get_ref(self, name: str, *, include_hidden: bool = False) -> str | None:
        """The datum id the ref ``name`` points at, or ``None`` if it was never set or names a
        hidden datum; with ``include_hidden``, whatever the ref holds."""
        target = self._data().refs.get(check_name(name))
        if target is None or include_hidden:
            return target
        return target if self._lookup(target, False) is not None else None

    async def set_ref(self, name: str, datum_id: str, *, expected: str | None = None) -> None:
        """Point ``name`` at ``datum_id`` if it still points at ``expected`` (compare-and-set);
        a ref naming a hidden datum counts as unset."""
        check_name(name)
        check_lookup(datum_id)
        check_expected(expected)
        data = self._data()
        if self._lookup(datum_id, False) is None:
            raise UnknownDatum(f"ref {name!r} cannot point at {datum_id!r}: no such datum")
        current = await self.get_ref(name)
        if current != expected:
            raise refuse_swap(name, current, expected)
        data.refs[name] = datum_id

    async def advance(self, datum: Datum, ref: str, *, expected: str | None = None) -> Datum:
        """``put(datum)`` and point ``ref`` at it if it still names ``expected``, in one
        step (see :class:`~dualtrack.memory.advancing.Advancing`)."""
        await check_head(self, datum, ref, expected)
        stored = (await self.put_many([datum]))[0]
        self._data().refs[ref] = stored.id
        return stored

    async def list_refs(
        self, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[tuple[str, str]]:
        """``(name, datum id)`` of the refs named after ``after``, in name order (refs naming
        a hidden datum read as unset, as in ``get_ref``)."""
        check_ref_page(after, limit)
        refs = self._data().refs
        now = self._clock()
        names = sorted(
            name
            for name, target in refs.items()
            if (after is None or name > after) and self._data().shown(target, now) is not None
        )
        return [(name, refs[name]) for name in names[:limit]]

    async def namespaces(self) -> builtins.list[str]:
        """The namespaces of this store's space holding a datum or a ref, sorted."""
        self._data()
        return self._space.names()

    # retention

    async def forget(
        self,
        ids: Iterable[str] | None = None,
        *,
        prefix: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        ref: str | None = None,
    ) -> builtins.list[str]:
        """Hide the selected datums from every read path (see ``Retention.forget``); the ids
        newly forgotten, in ``(created_at, id)`` order."""
        selection = Selection.of(ids, prefix=prefix, metadata=metadata, ref=ref)
        if selection.matches_nothing:
            return []
        data = self._data()
        now = self._clock()
        if selection.ids is not None:
            chosen = [data.datums[i] for i in selection.ids if i in data.datums]
            for datum_id in selection.ids:
                if datum_id not in data.datums and not data.ledger.is_erased(datum_id):
                    data.ledger.forget(datum_id, now)
        elif selection.ref is not None:
            chosen = []
            current = data.datums.get(data.refs.get(selection.ref, ""))
            while current is not None:
                chosen.append(current)
                current = data.datums.get(current.causal_parent or "")
        else:
            chosen = [d for d in data.datums.values() if selection.admits(d)]
        fresh = [d for d in chosen if data.ledger.forget(d.id, now)]
        return [d.id for d in sorted(fresh, key=lambda d: (d.created_at, d.id))]

    async def truncations(self) -> builtins.list[str]:
        """The ids at which shown chains stop: parents of shown datums that are not shown."""
        data = self._data()
        now = self._clock()
        return sorted(
            {
                d.causal_parent
                for d in data.datums.values()
                if d.causal_parent is not None
                and data.ledger.shown(d, now)
                and data.shown(d.causal_parent, now) is None
            }
        )

    async def set_lifetime(self, seconds: float | None) -> None:
        """Hide every datum of the namespace once ``created_at <= now - seconds``."""
        self._data().ledger.lifetime = check_lifetime(seconds)

    async def lifetime(self) -> float | None:
        """The namespace lifetime in seconds, or ``None``."""
        return self._data().ledger.lifetime

    async def state_of(self, datum_id: str) -> DatumState:
        """Where ``datum_id`` stands: live, forgotten, expired, erased or unknown."""
        data = self._data()
        if not holdable(check_lookup(datum_id)):
            return "unknown"
        return data.ledger.state(data.datums.get(datum_id), datum_id, self._clock())

    async def compact(
        self, policy: CompactionPolicy | None = None, *, dry_run: bool = False
    ) -> CompactionReceipt:
        """Remove hidden datums (and what ``policy`` prunes) with their vectors and refs."""
        chosen = check_policy(policy, dry_run)
        return compact_namespace(
            self._namespace, self._data(), self._clock(), chosen, dry_run=dry_run
        )

    def focus(
        self, ref: str, optic: Optic[K, bytes, A], *, initial: bytes | None = None
    ) -> View[K, A]:
        """A lens view of the datum ``ref`` points at (see :mod:`dualtrack.memory.views`)."""
        return View(self, ref, optic, initial)

    def holdings(self) -> builtins.list[bytes]:
        """Every byte string this store's space keeps for its namespace (see
        :meth:`MemorySpace.holdings`): what an erasure check searches."""
        return self._space.holdings(self._namespace)

    async def __aenter__(self) -> MemoryDgent:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Forget nothing (the space keeps the data) but refuse further use of this handle."""
        self._closed = True
