"""Lens views over stored datums: the lens laws hold through the store, writes append derived
datums behind a ref, and concurrent writers through views lose nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.maybe import Nothing, Some

from dualtrack import (
    DgentProtocol,
    MemoryDgent,
    SQLiteDgent,
    UnknownDatum,
    each,
    item,
    json_codec,
    key,
)
from laws.strategies import json_values

START = b'{"tags":[],"name":"ada"}'


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DgentProtocol]:
    made: DgentProtocol = (
        MemoryDgent() if request.param == "memory" else await SQLiteDgent.open(tmp_path / "v.db")
    )
    yield made
    await made.close()


@given(first=json_values(), second=json_values())
@settings(max_examples=40, deadline=None)
def test_lens_laws_hold_through_the_store(first: Any, second: Any) -> None:
    async def scenario() -> None:
        store = MemoryDgent()
        view = store.focus("doc", json_codec() >> key("name"), initial=START)
        written = await view.set(first)
        assert await view.get() == first, "PutGet"
        unchanged = await view.set(await view.get())
        assert unchanged == written, "GetPut: writing back what was read appends nothing"
        await view.set(second)
        await view.set(first)
        direct = await store.focus("other", json_codec() >> key("name"), initial=START).set(first)
        assert (await view.head()) is not None
        head = await view.head()
        assert head is not None
        assert head.content == direct.content, "PutPut: the last set wins"

    asyncio.run(scenario())


async def test_writes_append_derived_datums_behind_the_ref(store: DgentProtocol) -> None:
    view = store.focus("profile", json_codec() >> key("tags"), initial=START)  # type: ignore[attr-defined]
    first = await view.set(["a"])
    second = await view.modify(lambda tags: [*tags, "b"])
    assert first.causal_parent is None
    assert second.causal_parent == first.id
    assert await store.get_ref("profile") == second.id
    assert [d.content for d in await store.causal_chain(second.id)] == [
        b'{"tags":["a"],"name":"ada"}',
        b'{"tags":["a","b"],"name":"ada"}',
    ]
    assert await store.get(first.id) == first, "the older datum is unchanged"


async def test_concurrent_writers_through_views_lose_nothing(store: DgentProtocol) -> None:
    view = store.focus("log", json_codec() >> key("tags"), initial=START)  # type: ignore[attr-defined]

    async def append(n: int) -> None:
        await asyncio.sleep(0)
        await view.modify(lambda tags: [*tags, n])

    await asyncio.gather(*(append(n) for n in range(30)))
    assert sorted(await view.get()) == list(range(30))


async def test_partial_and_many_foci() -> None:
    store = MemoryDgent()
    maybe_age = store.focus("p", json_codec() >> item("age"), initial=START)
    assert await maybe_age.preview() == Nothing
    await maybe_age.set(36)
    assert await maybe_age.preview() == Nothing, "an affine set never adds a missing key"
    maybe_name = store.focus("p", json_codec() >> item("name"), initial=START)
    await maybe_name.set("grace")
    assert await maybe_name.preview() == Some("grace")
    tags = store.focus("p", json_codec() >> key("tags") >> each(), initial=START)
    await store.focus("p", json_codec() >> key("tags"), initial=START).set(["x", "y"])
    await tags.modify(str.upper)
    assert await tags.get_all() == ["X", "Y"]


async def test_a_view_of_an_unset_ref_without_initial_content_says_what_to_do() -> None:
    view = MemoryDgent().focus("nothing", json_codec() >> key("a"))
    with pytest.raises(UnknownDatum, match="initial="):
        await view.get()
    with pytest.raises(UnknownDatum, match="initial="):
        await view.set(1)


@given(values=st.lists(st.integers(), min_size=1, max_size=6))
@settings(max_examples=25, deadline=None)
def test_history_of_a_view_is_its_writes(values: list[int]) -> None:
    async def scenario() -> list[bytes]:
        store = MemoryDgent()
        view = store.focus("n", json_codec(), initial=b"null")
        last = None
        for value in values:
            last = await view.set(value)
        assert last is not None
        return [d.content for d in await store.causal_chain(last.id)]

    expected = [str(v).encode() for i, v in enumerate(values) if i == 0 or values[i - 1] != v]
    assert asyncio.run(scenario()) == expected
