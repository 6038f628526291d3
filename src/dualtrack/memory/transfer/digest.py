"""A content digest of one namespace that any two stores compute alike, to check a copy.

The digest is the sha-256 of every datum's JSON form (:meth:`Datum.to_json`, one line each)
in ``(created_at, id)`` order, followed by one JSON line ``[name, datum id]`` per ref in name
order. Stores agree on that order and on each datum's JSON (the conformance kit checks both),
so equal namespaces give equal digests, and any difference in a byte of content, a time, a
parent, metadata or a ref gives another.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from dualtrack.memory.protocol import DgentProtocol

#: How many refs one ``list_refs`` call asks for while digesting or copying.
REF_PAGE = 1000


@dataclass(frozen=True)
class NamespaceDigest:
    """What a namespace holds, in short: how many datums and refs, and the sha-256 of all."""

    namespace: str
    datums: int
    refs: int
    sha256: str


async def digest(store: DgentProtocol, *, batch_size: int = 1000) -> NamespaceDigest:
    """The digest of ``store``'s namespace, read in pages (memory stays flat).

    >>> import asyncio
    >>> from dualtrack import Datum, MemoryDgent
    >>> async def demo():
    ...     store = MemoryDgent()
    ...     await store.put(Datum(id="a", content=b"hi", created_at=1.0))
    ...     return await digest(store)
    >>> found = asyncio.run(demo())
    >>> found.datums, found.refs, found.sha256[:12]
    (1, 0, 'b9b81f328784')
    """
    hasher = hashlib.sha256()
    datums = 0
    async for datum in store.scan(batch_size=batch_size):
        hasher.update(datum.to_json().encode())
        hasher.update(b"\n")
        datums += 1
    refs = 0
    after: str | None = None
    while True:
        page = await store.list_refs(after=after, limit=REF_PAGE)
        for name, target in page:
            hasher.update(json.dumps([name, target], ensure_ascii=False).encode())
            hasher.update(b"\n")
        refs += len(page)
        if len(page) < REF_PAGE:
            break
        after = page[-1][0]
    return NamespaceDigest(store.namespace, datums, refs, hasher.hexdigest())
