"""The indexing law catches stores that embed at put, embed twice, or embed binary content:
each planted defect on every one of 20 seeds."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from hypothesis import settings

from dualtrack.memory import Datum, DgentProtocol, Embedder, SearchHit
from dualtrack.memory.embedder import HashedNgramEmbedder
from dualtrack.memory.memory_store import MemoryDgent, MemorySpace
from laws.dgent.indexing import check_lazy_indexing
from tests.seeded import NO_DATABASE, caught_on_seeds

QUICK = settings(NO_DATABASE, max_examples=40, deadline=None)


class EmbedsAtPut(MemoryDgent):
    """Computes vectors while putting, as stores did before."""

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        stored = await super().put_many(datums)
        await self._index(self._data())
        return stored


class EmbedsEverySearch(MemoryDgent):
    """Forgets its vectors after each search, so the next one embeds everything again."""

    async def search(
        self,
        text: str,
        *,
        limit: int = 10,
        metadata: Mapping[str, Any] | None = None,
        include_hidden: bool = False,
    ) -> builtins.list[SearchHit]:
        hits = await super().search(text, limit=limit)
        data = self._data()
        data.unindexed.update(dict.fromkeys(data.vectors))
        data.vectors.clear()
        return hits


class DecodesBinary(MemoryDgent):
    """Embeds binary content as text with replacement characters."""

    async def search(
        self,
        text: str,
        *,
        limit: int = 10,
        metadata: Mapping[str, Any] | None = None,
        include_hidden: bool = False,
    ) -> builtins.list[SearchHit]:
        data = self._data()
        for datum_id in list(data.unindexed):
            content = data.datums[datum_id].content
            try:
                content.decode()
            except UnicodeDecodeError:
                replaced = content.decode("utf-8", "replace")
                assert isinstance(self._embedder, HashedNgramEmbedder)
                data.vectors[datum_id] = self._embedder.packed(replaced)
                del data.unindexed[datum_id]
        return await super().search(text, limit=limit)


@pytest.mark.parametrize(
    ("kind", "law"),
    [
        (EmbedsAtPut, "a put embeds nothing"),
        (EmbedsEverySearch, "embedded at most once"),
        (DecodesBinary, "content that is not UTF-8 is never embedded"),
    ],
)
def test_the_indexing_law_catches(kind: type[MemoryDgent], law: str) -> None:
    def check() -> None:
        space = MemorySpace()

        async def fresh(namespace: str, embedder: Embedder) -> DgentProtocol:
            return kind(namespace, space=space, embedder=embedder)

        check_lazy_indexing(fresh, settings=QUICK)

    assert caught_on_seeds(check, law) == []
