"""``DgentProtocol``: what every agent-memory store does, and ``Embedder``, what search uses.

Every store (``MemoryDgent``, ``SQLiteDgent``, ``SQLDgent``, ``TableAdapter``) implements this
protocol and passes the conformance kit in :mod:`laws.dgent`.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol, runtime_checkable

from dualtrack.memory.cursor import Page
from dualtrack.memory.datum import Datum
from dualtrack.memory.query import Order


class SearchHit(NamedTuple):
    """One ``search`` result: the datum and its cosine similarity to the query (higher first)."""

    datum: Datum
    score: float


@runtime_checkable
class Embedder(Protocol):
    """Turns a batch of texts into vectors, one per text, all of one length."""

    async def embed(self, texts: Sequence[str]) -> Sequence[Sequence[float]]:
        """One vector per text, in order."""
        ...


@runtime_checkable
class DgentProtocol(Protocol):
    """An append-only, namespaced store of :class:`Datum`, with named refs for what moves.

    Rules every implementation keeps (checked by :mod:`laws.dgent`):

    * ``put`` is idempotent (the equal datum again returns it and changes nothing), refuses a
      different datum under a used id with ``ImmutableDatumError``, and refuses a
      ``causal_parent`` the store does not hold with ``MissingParentError``; a refused write
      stores nothing. ``put_many`` is all or nothing; a batch may hold a parent before its child.
    * ``list`` orders by ``(created_at, id)``; ``prefix`` is literal and case-sensitive;
      ``after``/``before`` are exclusive bounds on ``created_at``; ``metadata`` matches by JSON
      equality of every given key; a page's ``cursor`` resumes exactly after its last datum.
    * refs move only by compare-and-set: ``set_ref`` raises ``ConflictError`` unless the ref
      currently names ``expected`` (``None``: the ref must not exist yet).
    * stores with different ``namespace`` never see each other's datums or refs.
    * ``scan_causal`` yields every datum once, each after its causal parent; ``list_refs``
      pages through the refs in name order; ``namespaces`` names exactly the namespaces of
      the store's database that hold a datum or a ref.
    """

    @property
    def namespace(self) -> str:
        """The namespace this store reads and writes."""
        ...

    async def put(self, datum: Datum) -> Datum:
        """Store ``datum`` (append-only, idempotent) and return it."""
        ...

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        """Store every datum in one atomic step, or none of them."""
        ...

    async def get(self, datum_id: str) -> Datum | None:
        """The datum with this id, or ``None``."""
        ...

    async def exists(self, datum_id: str) -> bool:
        """Whether the store holds a datum with this id."""
        ...

    async def count(self) -> int:
        """How many datums the store holds."""
        ...

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
        ...

    def scan(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        """Every datum in ``(created_at, id)`` order, fetched in pages (constant memory)."""
        ...

    def scan_causal(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        """Every datum, each after its causal parent, fetched in pages: what a copy needs,
        since ``put`` refuses a datum before its parent. Memory holds only the datums whose
        ``created_at`` is earlier than their parent's (see :mod:`dualtrack.memory.causal`)."""
        ...

    async def causal_chain(self, datum_id: str) -> builtins.list[Datum]:
        """The ancestors of ``datum_id``, root first, ending with it; ``[]`` for an unknown id."""
        ...

    async def children(self, datum_id: str) -> builtins.list[Datum]:
        """The datums whose causal parent is ``datum_id``, in ``(created_at, id)`` order."""
        ...

    async def search(
        self, text: str, *, limit: int = 10, metadata: Mapping[str, Any] | None = None
    ) -> builtins.list[SearchHit]:
        """The ``limit`` datums most similar to ``text`` (by the store's embedder), best first."""
        ...

    async def get_ref(self, name: str) -> str | None:
        """The datum id the ref ``name`` points at, or ``None`` if it was never set."""
        ...

    async def set_ref(self, name: str, datum_id: str, *, expected: str | None = None) -> None:
        """Point ``name`` at ``datum_id`` if it still points at ``expected`` (compare-and-set)."""
        ...

    async def list_refs(
        self, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[tuple[str, str]]:
        """``(name, datum id)`` of the refs named after ``after`` (exclusive), in code point
        order of names, at most ``limit`` of them (``None``: all)."""
        ...

    async def namespaces(self) -> builtins.list[str]:
        """The namespaces of this store's database (or space) holding at least one datum or
        ref, sorted: this store's own among them once it holds anything."""
        ...

    async def close(self) -> None:
        """Release connections and threads; the store is unusable afterwards."""
        ...
