"""Racing writers of the same datums: the law holds where writers really race (PostgreSQL, many
connections), and it catches a store that checks for an id and then inserts it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import pytest
from hypothesis import settings

from dualtrack.errors import ConflictError
from dualtrack.memory import Datum, DelegatingDgent, DgentProtocol
from dualtrack.memory.memory_store import MemoryDgent, MemorySpace
from laws.dgent import check_concurrent_writers
from tests.seeded import NO_DATABASE, caught_on_seeds
from tests.stores.sql_support import postgres_schema, postgres_stores

__all__ = ["postgres_schema"]


@pytest.mark.postgres
def test_racing_writers_on_postgres_each_succeed_and_store_once(postgres_schema: str) -> None:
    check_concurrent_writers(
        postgres_stores(postgres_schema, pool_size=6),
        settings=settings(max_examples=60, deadline=None),
    )


class CheckThenInsert(DelegatingDgent):
    """A planted defect: ``put_many`` looks for its ids, yields, then refuses any that another
    writer stored meanwhile as a duplicate."""

    async def put_many(self, datums: Iterable[Datum]) -> list[Datum]:
        batch = list(datums)
        fresh = [datum for datum in batch if not await self.inner.exists(datum.id)]
        await asyncio.sleep(0)
        for datum in fresh:
            if await self.inner.exists(datum.id):
                raise ConflictError(f"duplicate key {datum.id!r}")
        return await self.inner.put_many(batch)


def test_the_law_catches_a_store_that_checks_then_inserts() -> None:
    space = MemorySpace()

    async def fresh(namespace: str) -> DgentProtocol:
        return CheckThenInsert(MemoryDgent(namespace, space=space))

    missed = caught_on_seeds(
        lambda: check_concurrent_writers(fresh, settings=NO_DATABASE),
        "racing writers each get back the datums they stored",
    )
    assert missed == []
