"""``DelegatingDgent``: a store that forwards every call to another, for wrapping one method.

Subclass it and override what you want to change (log, measure, refuse, or plant a defect
that a law must catch); everything else reaches the inner store unchanged, so the wrapper is
a ``DgentProtocol`` store on every interpreter without touching private parts.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterable, Mapping
from types import TracebackType
from typing import Any

from dualtrack.memory.advancing import advance
from dualtrack.memory.cursor import Page
from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol, SearchHit
from dualtrack.memory.query import Order


class DelegatingDgent:
    """Every ``DgentProtocol`` method of ``inner``, forwarded; other attributes (``forget``,
    ``compact``...) are looked up on ``inner`` too.

    >>> import asyncio
    >>> from dualtrack import Datum, MemoryDgent
    >>> class Counting(DelegatingDgent):
    ...     puts = 0
    ...     async def put(self, datum):
    ...         self.puts += 1
    ...         return await super().put(datum)
    >>> store = Counting(MemoryDgent())
    >>> _ = asyncio.run(store.put(Datum.create(b"hi")))
    >>> store.puts, asyncio.run(store.count())
    (1, 1)
    """

    def __init__(self, inner: DgentProtocol) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r})"

    @property
    def namespace(self) -> str:
        """The inner store's namespace."""
        return self.inner.namespace

    async def put(self, datum: Datum) -> Datum:
        """``inner.put``."""
        return await self.inner.put(datum)

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        """``inner.put_many``."""
        return await self.inner.put_many(datums)

    async def get(self, datum_id: str) -> Datum | None:
        """``inner.get``."""
        return await self.inner.get(datum_id)

    async def exists(self, datum_id: str) -> bool:
        """``inner.exists``."""
        return await self.inner.exists(datum_id)

    async def count(self) -> int:
        """``inner.count``."""
        return await self.inner.count()

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
        """``inner.list``."""
        return await self.inner.list(
            prefix=prefix,
            after=after,
            before=before,
            metadata=metadata,
            order=order,
            limit=limit,
            cursor=cursor,
        )

    def scan(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        """``inner.scan``."""
        return self.inner.scan(batch_size=batch_size)

    def scan_causal(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        """``inner.scan_causal``."""
        return self.inner.scan_causal(batch_size=batch_size)

    async def causal_chain(self, datum_id: str) -> builtins.list[Datum]:
        """``inner.causal_chain``."""
        return await self.inner.causal_chain(datum_id)

    async def children(self, datum_id: str) -> builtins.list[Datum]:
        """``inner.children``."""
        return await self.inner.children(datum_id)

    async def search(
        self, text: str, *, limit: int = 10, metadata: Mapping[str, Any] | None = None
    ) -> builtins.list[SearchHit]:
        """``inner.search``."""
        return await self.inner.search(text, limit=limit, metadata=metadata)

    async def get_ref(self, name: str) -> str | None:
        """``inner.get_ref``."""
        return await self.inner.get_ref(name)

    async def set_ref(self, name: str, datum_id: str, *, expected: str | None = None) -> None:
        """``inner.set_ref``."""
        await self.inner.set_ref(name, datum_id, expected=expected)

    async def advance(self, datum: Datum, ref: str, *, expected: str | None = None) -> Datum:
        """:func:`~dualtrack.memory.advancing.advance` on ``inner`` (atomic when ``inner`` is
        :class:`~dualtrack.memory.advancing.Advancing`): a subclass that changes ``put`` or
        ``set_ref`` changes this too, or its change is bypassed here."""
        return await advance(self.inner, datum, ref, expected=expected)

    async def list_refs(
        self, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[tuple[str, str]]:
        """``inner.list_refs``."""
        return await self.inner.list_refs(after=after, limit=limit)

    async def namespaces(self) -> builtins.list[str]:
        """``inner.namespaces``."""
        return await self.inner.namespaces()

    async def close(self) -> None:
        """``inner.close``."""
        await self.inner.close()

    async def __aenter__(self) -> DelegatingDgent:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
