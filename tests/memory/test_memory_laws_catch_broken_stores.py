"""Every agent-memory law can fail: each planted broken store is caught, and the message names
the law that caught it."""

from __future__ import annotations

import asyncio
import builtins
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest
from hypothesis import Phase, settings

from dualtrack import (
    ConflictError,
    Datum,
    DgentProtocol,
    ImmutableDatumError,
    LawViolation,
    MemoryDgent,
    Page,
    SearchHit,
)
from dualtrack.memory import ListQuery, MemorySpace
from dualtrack.memory.cursor import decode_cursor
from laws import dgent

#: Enough examples to find each planted bug; no shrinking, which only makes the report nicer.
SEARCHING = settings(
    max_examples=400,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
)


class Overwrites(MemoryDgent):
    """put replaces a stored datum instead of refusing a different one."""

    async def put(self, datum: Datum) -> Datum:
        data = self._data()
        data.datums.pop(datum.id, None)
        data.order = [key for key in data.order if key[1] != datum.id]
        data.ids = [held for held in data.ids if held != datum.id]
        return await super().put(datum)


class NotIdempotent(MemoryDgent):
    """putting the same datum again is refused."""

    async def put(self, datum: Datum) -> Datum:
        if await self.exists(datum.id):
            raise ImmutableDatumError("already there")
        return await super().put(datum)


class LeafFirstChains(MemoryDgent):
    """causal_chain comes back in the wrong order."""

    async def causal_chain(self, datum_id: str) -> builtins.list[Datum]:
        return (await super().causal_chain(datum_id))[::-1]


class AcceptsOrphans(MemoryDgent):
    """a datum with a missing parent is stored anyway."""

    async def put(self, datum: Datum) -> Datum:
        if datum.causal_parent is not None and not await self.exists(datum.causal_parent):
            self._data().add(datum)
            return datum
        return await super().put(datum)


class DropsMetadata(MemoryDgent):
    """get loses the metadata."""

    async def get(self, datum_id: str) -> Datum | None:
        found = await super().get(datum_id)
        return (
            None
            if found is None
            else Datum(
                id=found.id,
                content=found.content,
                created_at=found.created_at,
                causal_parent=found.causal_parent,
            )
        )


class CaseInsensitivePrefix(MemoryDgent):
    """prefix matching ignores case, as LIKE does on many databases."""

    async def list(
        self,
        *,
        prefix: str | None = None,
        limit: int | None = 100,
        cursor: str | None = None,
        **rest: Any,
    ) -> Page:
        query = ListQuery.of(prefix=prefix, **rest)
        others = ListQuery.of(**rest)
        start = decode_cursor(query, cursor)
        rows = [
            datum
            for datum in self._data().walk(start, query.order == "desc")
            if others.admits(datum) and datum.id.lower().startswith((prefix or "").lower())
        ]
        return Page.cut(query, rows, limit)


class LikeWildcards(MemoryDgent):
    """prefix is matched with LIKE: ``%`` and ``_`` in it act as wildcards."""

    async def list(
        self,
        *,
        prefix: str | None = None,
        limit: int | None = 100,
        cursor: str | None = None,
        **rest: Any,
    ) -> Page:
        query = ListQuery.of(prefix=prefix, **rest)
        others = ListQuery.of(**rest)
        pattern = "".join(
            ".*" if c == "%" else "." if c == "_" else re.escape(c) for c in prefix or ""
        )
        start = decode_cursor(query, cursor)
        rows = [
            datum
            for datum in self._data().walk(start, query.order == "desc")
            if others.admits(datum) and re.match(pattern, datum.id, re.DOTALL)
        ]
        return Page.cut(query, rows, limit)


class SkipsOnPageBoundaries(MemoryDgent):
    """each next page starts one datum too late."""

    async def list(
        self, *, limit: int | None = 100, cursor: str | None = None, **rest: Any
    ) -> Page:
        page = await super().list(limit=limit, cursor=cursor, **rest)
        if cursor is not None and len(page) > 0:
            return Page(page.items[1:], page.cursor)
        return page


class IgnoresExpected(MemoryDgent):
    """set_ref moves the ref whatever it points at."""

    async def set_ref(self, name: str, datum_id: str, *, expected: str | None = None) -> None:
        current = await self.get_ref(name)
        await super().set_ref(name, datum_id, expected=current)


class RacySwap(MemoryDgent):
    """set_ref reads, yields to other tasks, then writes: a check-then-act race."""

    async def set_ref(self, name: str, datum_id: str, *, expected: str | None = None) -> None:
        current = await self.get_ref(name)
        await asyncio.sleep(0)
        if current != expected:
            raise ConflictError("moved")
        self._data().refs[name] = datum_id


class PartialBatches(MemoryDgent):
    """put_many stores the datums before the refused one."""

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        stored = []
        for datum in datums:
            stored += await super().put_many([datum])
        return stored


class UnsortedSearch(MemoryDgent):
    """search returns its hits worst first."""

    async def search(
        self, text: str, *, limit: int = 10, metadata: Mapping[str, Any] | None = None
    ) -> builtins.list[SearchHit]:
        return (await super().search(text, limit=limit, metadata=metadata))[::-1]


class MiscountingStore(MemoryDgent):
    """count() is off by one once the store holds three datums."""

    async def count(self) -> int:
        real = await super().count()
        return real + 1 if real >= 3 else real


class LeakyNamespaces(MemoryDgent):
    """every namespace reads and writes the same one."""


def leaky_factory() -> dgent.StoreFactory:
    spaces: list[MemorySpace] = []

    async def fresh(namespace: str) -> DgentProtocol:
        spaces.append(MemorySpace())
        return LeakyNamespaces("everyone", space=spaces[(len(spaces) - 1) // 2 * 2])

    return fresh


def factory(kind: type[MemoryDgent]) -> dgent.StoreFactory:
    if kind is LeakyNamespaces:
        return leaky_factory()

    async def fresh(namespace: str) -> DgentProtocol:
        return kind(namespace)

    return fresh


Check = Callable[[dgent.StoreFactory], None]


def _with(check: Callable[..., None], **options: Any) -> Check:
    return lambda made: check(made, settings=SEARCHING, **options)


@pytest.mark.parametrize(
    ("broken", "check", "law"),
    [
        (
            Overwrites,
            _with(dgent.check_immutability),
            "a different datum under a used id is refused",
        ),
        (PartialBatches, _with(dgent.check_immutability), "a refused put stores nothing"),
        (NotIdempotent, _with(dgent.check_idempotent_put), "put(d) again returns d"),
        (
            LeafFirstChains,
            _with(dgent.check_causality),
            "causal_chain(id) is the root-first ancestry",
        ),
        (AcceptsOrphans, _with(dgent.check_causality), "a datum with a missing parent is refused"),
        (DropsMetadata, _with(dgent.check_round_trip), "get(put(d).id) == d"),
        (CaseInsensitivePrefix, _with(dgent.check_listing), "pages hold only matching datums"),
        (LikeWildcards, _with(dgent.check_listing), "pages hold only matching datums"),
        (SkipsOnPageBoundaries, _with(dgent.check_listing), "pages hold every datum present"),
        (IgnoresExpected, _with(dgent.check_ref_compare_and_set), "set_ref succeeds exactly when"),
        (RacySwap, _with(dgent.check_concurrent_refs), "increments lose nothing"),
        (LeakyNamespaces, _with(dgent.check_namespace_isolation), "another namespace"),
        (UnsortedSearch, _with(dgent.check_search), "search hits come best first"),
        (MiscountingStore, _with(dgent.check_against_model), "count agrees with the model"),
    ],
)
def test_each_law_catches_its_broken_store(
    broken: type[MemoryDgent], check: Check, law: str
) -> None:
    with pytest.raises(LawViolation, match=re.escape(law)) as caught:
        check(factory(broken))
    assert "input:" in str(caught.value)
    assert "left:" in str(caught.value)
    assert "right:" in str(caught.value)


def test_search_scores_are_checked_against_the_embedder() -> None:
    class WrongScores(MemoryDgent):
        async def search(
            self, text: str, *, limit: int = 10, metadata: Mapping[str, Any] | None = None
        ) -> builtins.list[SearchHit]:
            hits = await super().search(text, limit=limit, metadata=metadata)
            return [SearchHit(hit.datum, hit.score / 2 + 0.5) for hit in hits]

    from dualtrack import HashedNgramEmbedder

    with pytest.raises(LawViolation, match="cosine of the stored vectors"):
        dgent.check_search(factory(WrongScores), embedder=HashedNgramEmbedder(), settings=SEARCHING)
