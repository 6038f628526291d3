"""Advancing a ref on every store: racing advances lose no increment and leave no losing datum
behind (the step is atomic), and the law catches a store whose advance is two separate calls."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from dualtrack.errors import InvalidArgument
from dualtrack.memory import Datum, DelegatingDgent, DgentProtocol
from dualtrack.memory.advancing import Advancing
from dualtrack.memory.memory_store import MemoryDgent, MemorySpace
from dualtrack.memory.sqlite.store import SQLiteDgent
from laws.dgent import check_advance, check_concurrent_advance
from tests.seeded import caught_on_seeds
from tests.stores.sql_support import postgres_schema, postgres_stores, sqlite_stores

__all__ = ["postgres_schema"]

RACES = settings(max_examples=15, deadline=None)


def test_memory_store_advances_atomically() -> None:
    space = MemorySpace()

    async def fresh(namespace: str) -> DgentProtocol:
        return MemoryDgent(namespace, space=space)

    check_concurrent_advance(fresh, settings=RACES)


def test_sqlite_store_advances_atomically(tmp_path: Path) -> None:
    async def fresh(namespace: str) -> DgentProtocol:
        return await SQLiteDgent.open(tmp_path / "a.db", namespace=namespace)

    check_concurrent_advance(fresh, settings=RACES)


def test_sql_store_on_sqlite_advances_atomically(tmp_path: Path) -> None:
    check_concurrent_advance(sqlite_stores(tmp_path / "b.db"), settings=RACES)


@pytest.mark.postgres
def test_sql_store_on_postgres_advances_atomically(postgres_schema: str) -> None:
    check_concurrent_advance(postgres_stores(postgres_schema), settings=RACES)


class TwoCalls(DelegatingDgent):
    """A planted defect: advance as put, then set_ref (a lost race leaves its datum stored)."""

    async def advance(self, datum: Datum, ref: str, *, expected: str | None = None) -> Datum:
        stored = await self.inner.put(datum)
        await self.inner.set_ref(ref, stored.id, expected=expected)
        return stored


def test_the_race_law_catches_an_advance_made_of_two_calls(tmp_path: Path) -> None:
    async def fresh(namespace: str) -> DgentProtocol:
        return TwoCalls(await SQLiteDgent.open(tmp_path / "c.db", namespace=namespace))

    missed = caught_on_seeds(
        lambda: check_concurrent_advance(fresh, settings=RACES),
        "a refused advance leaves no datum behind",
        seeds=range(5),
    )
    assert missed == []


def test_the_advance_law_catches_a_refusal_that_keeps_the_datum() -> None:
    async def fresh(namespace: str) -> DgentProtocol:
        return TwoCalls(MemoryDgent(namespace))

    missed = caught_on_seeds(
        lambda: check_advance(fresh, settings=settings(max_examples=60, deadline=None)),
        "advance",
        seeds=range(5),
    )
    assert missed == []


def test_the_race_law_refuses_a_store_that_cannot_advance() -> None:
    async def fresh(namespace: str) -> DgentProtocol:
        return _WithoutAdvance(MemoryDgent(namespace))  # type: ignore[return-value]

    assert isinstance(MemoryDgent(), Advancing)
    assert not isinstance(_WithoutAdvance(MemoryDgent()), Advancing)
    with pytest.raises(InvalidArgument, match="Advancing"):
        check_concurrent_advance(fresh, settings=settings(max_examples=1, deadline=None))


class _WithoutAdvance:
    """A store with every protocol method but ``advance``."""

    def __init__(self, inner: MemoryDgent) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        if name == "advance":
            raise AttributeError(name)
        return getattr(self._inner, name)
