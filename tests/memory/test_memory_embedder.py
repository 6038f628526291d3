"""Embedders, packed vectors and search ranking."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualtrack import (
    CallableEmbedder,
    Datum,
    HashedNgramEmbedder,
    InvalidArgument,
    MemoryDgent,
    SQLiteDgent,
)
from dualtrack.memory.embedder import embed_packed
from dualtrack.memory.vectors import cosine, pack_vector, unpack_vector

texts = st.text(max_size=300)


@given(text=texts, dimensions=st.sampled_from([8, 64, 256, 1024]))
def test_the_fast_packing_equals_packing_the_vector(text: str, dimensions: int) -> None:
    embedder = HashedNgramEmbedder(dimensions=dimensions)
    assert embedder.packed(text) == pack_vector(embedder.vector(text))


def exact_unit(vector: list[float]) -> list[float]:
    """``vector / |vector|`` computed in 40-digit decimals, which neither overflow nor underflow
    for any float: the oracle the packed vector is compared with."""
    with localcontext(prec=40):
        exact = [Decimal(x) for x in vector]
        norm = sum(x * x for x in exact).sqrt()
        return [float(x / norm) for x in exact]


finite = st.floats(allow_nan=False, allow_infinity=False)
tiny = st.floats(-1e-300, 1e-300, allow_nan=False)


@given(vector=st.lists(finite | tiny, min_size=1, max_size=40))
def test_packed_vectors_are_unit_length_and_keep_direction(vector: list[float]) -> None:
    dimensions, entries = unpack_vector(pack_vector(vector))
    assert dimensions == len(vector)
    if not any(vector):
        assert entries == {}
        return
    length = math.sqrt(math.fsum(x * x for x in entries.values()))
    assert length == pytest.approx(1.0, abs=1e-5)
    for index, expected in enumerate(exact_unit(vector)):
        assert entries.get(index, 0.0) == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize(
    "vector",
    [
        [3.4022865576378056e-161],
        [1e-200, 2e-200],
        [5e-324, 0.0, 0.0],
        [1e300, -1e300],
        [1.7e308, 1.7e308, 1.7e308],
        [1e6, 1e-300, 0.0, 0.0, 0.0],
    ],
)
def test_tiny_and_huge_vectors_are_scaled_before_normalising(vector: list[float]) -> None:
    _, entries = unpack_vector(pack_vector(vector))
    assert math.sqrt(math.fsum(x * x for x in entries.values())) == pytest.approx(1.0, abs=1e-6)
    expected = exact_unit(vector)
    assert all(entries[i] == pytest.approx(expected[i], abs=1e-6) for i in entries)
    assert sorted(entries) == [i for i, x in enumerate(expected) if abs(x) > 1e-30]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_vector_without_a_direction_is_refused(bad: float) -> None:
    with pytest.raises(InvalidArgument, match="no direction"):
        pack_vector([1.0, bad])
    with pytest.raises(InvalidArgument, match="no direction"):
        pack_vector([bad, 0.0, 0.0])


@given(text=st.text(min_size=1, max_size=80).filter(lambda t: len(t.split()) > 0))
def test_a_text_is_most_similar_to_itself(text: str) -> None:
    embedder = HashedNgramEmbedder()
    packed = embedder.packed(text)
    assert cosine(packed, packed) == pytest.approx(1.0, abs=1e-5)
    assert cosine(packed, HashedNgramEmbedder().packed(text)) == pytest.approx(1.0, abs=1e-5)


def test_similar_spellings_score_higher_than_unrelated_text() -> None:
    embedder = HashedNgramEmbedder()
    query = embedder.packed("persistence layer")
    assert cosine(query, embedder.packed("persistance layers")) > 0.5
    assert cosine(query, embedder.packed("quantum chromodynamics")) < 0.2


async def test_callable_embedders_may_be_sync_or_async() -> None:
    def sync(batch: Sequence[str]) -> list[list[float]]:
        return [[float(len(t)), 1.0] for t in batch]

    async def asynchronous(batch: Sequence[str]) -> list[list[float]]:
        return sync(batch)

    assert await CallableEmbedder(sync).embed(["ab"]) == [[2.0, 1.0]]
    assert await CallableEmbedder(asynchronous).embed(["ab"]) == [[2.0, 1.0]]
    with pytest.raises(InvalidArgument, match="2 vectors for 1 texts"):
        await CallableEmbedder(lambda batch: [[1.0], [2.0]]).embed(["x"])
    with pytest.raises(InvalidArgument, match="non-finite"):
        await CallableEmbedder(lambda batch: [[math.nan]]).embed(["x"])
    with pytest.raises(InvalidArgument):
        CallableEmbedder("not callable")  # type: ignore[arg-type]


async def test_search_finds_the_nearest_text_first_in_both_stores(tmp_path: Path) -> None:
    notes = [
        b"the cat sat on the mat",
        b"dogs chase cats",
        b"a treatise on persistence layers",
        b"\xff\xfe binary, not searchable",
    ]
    memory = MemoryDgent()
    async with SQLiteDgent(tmp_path / "search.db") as sqlite:
        for store in (memory, sqlite):
            await store.put_many(
                [Datum(id=f"n{i}", content=c, created_at=float(i)) for i, c in enumerate(notes)]
            )
        for query in ("cat on a mat", "persistence", "zzz"):
            found_memory = await memory.search(query, limit=10)
            found_sqlite = await sqlite.search(query, limit=10)
            assert [(h.datum, h.score) for h in found_memory] == [
                (h.datum, h.score) for h in found_sqlite
            ]
            assert len(found_memory) == 3, "binary content is not searchable"
        best = await sqlite.search("cat on a mat", limit=1)
        assert best[0].datum.id == "n0"
        filtered = await sqlite.search("cat", metadata={"missing": 1})
        assert filtered == []


async def test_a_custom_embedder_drives_search() -> None:
    def by_length(batch: Sequence[str]) -> list[list[float]]:
        return [[1.0, float(len(t))] for t in batch]

    store = MemoryDgent(embedder=CallableEmbedder(by_length))
    await store.put_many(
        [Datum(id=str(n), content=b"x" * n, created_at=float(n)) for n in (1, 10, 100)]
    )
    hits = await store.search("y" * 100, limit=1)
    assert hits[0].datum.id == "100"
    assert await embed_packed(CallableEmbedder(by_length), []) == []
