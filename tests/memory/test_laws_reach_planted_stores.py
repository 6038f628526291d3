"""Store defects that some seeds used to miss, planted by wrapping a correct store with the
public ``DelegatingDgent``: each is caught on 20 of 20 seeds by the law that names it."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from dualtrack import Datum, DelegatingDgent, DgentProtocol, MemoryDgent, Page, SearchHit
from laws.dgent import checks
from laws.dgent.support import StoreFactory
from tests.seeded import NO_DATABASE, caught_on_seeds


class OneByOneBatches(DelegatingDgent):
    """``put_many`` puts each datum in turn: a bad parent late in a batch leaves the earlier
    datums stored."""

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        return [await self.inner.put(datum) for datum in datums]


class FilterAfterTop(DelegatingDgent):
    """``search`` takes the best ``limit`` hits, then drops those the filter refuses."""

    async def search(
        self, text: str, *, limit: int = 10, metadata: Mapping[str, Any] | None = None
    ) -> builtins.list[SearchHit]:
        hits = await self.inner.search(text, limit=limit)
        wanted = dict(metadata or {})
        return [h for h in hits if all(h.datum.metadata.get(k) == v for k, v in wanted.items())]


class ForcesUnsetRefs(DelegatingDgent):
    """``set_ref(..., expected=None)`` overwrites a ref that exists instead of refusing."""

    async def set_ref(self, name: str, datum_id: str, *, expected: str | None = None) -> None:
        if expected is None:
            expected = await self.inner.get_ref(name)
        await self.inner.set_ref(name, datum_id, expected=expected)


class ShortChains(DelegatingDgent):
    """``causal_chain`` stops after eight ancestors."""

    async def causal_chain(self, datum_id: str) -> builtins.list[Datum]:
        return (await self.inner.causal_chain(datum_id))[-9:]


class LooseMetadataFilter(DelegatingDgent):
    """A whole listing (no limit, no cursor) matches metadata with Python's ``==``, so ``1``,
    ``1.0`` and ``True`` match one another; pages match exactly."""

    async def list(self, *, metadata: Mapping[str, Any] | None = None, **rest: Any) -> Page:
        if not metadata or rest.get("limit", 100) is not None or rest.get("cursor"):
            return await self.inner.list(metadata=metadata, **rest)
        every = await self.inner.list(**rest)
        loose = [
            d
            for d in every
            if all(name in d.metadata and d.metadata[name] == v for name, v in metadata.items())
        ]
        return Page(tuple(loose), None)


def planted(kind: type[DelegatingDgent]) -> StoreFactory:
    async def fresh(namespace: str) -> DgentProtocol:
        return kind(MemoryDgent(namespace=namespace))

    return fresh


CASES = [
    (OneByOneBatches, checks.check_causality, "refused puts store nothing"),
    (FilterAfterTop, checks.check_search, "search returns min(limit, searchable matches)"),
    (ForcesUnsetRefs, checks.check_ref_compare_and_set, "set_ref succeeds exactly when"),
    (ShortChains, checks.check_causality, "causal_chain(id) is the root-first ancestry"),
    (LooseMetadataFilter, checks.check_listing, "metadata filters are type-exact"),
]


@pytest.mark.parametrize(("kind", "check", "law"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_planted_store_is_caught_on_every_seed(kind: Any, check: Any, law: str) -> None:
    missed = caught_on_seeds(lambda: check(planted(kind), settings=NO_DATABASE), law)
    assert missed == []


def test_a_delegating_store_passes_what_its_inner_store_passes() -> None:
    checks.check_causality(planted(DelegatingDgent))
    checks.check_listing(planted(DelegatingDgent))
