"""Large contents: a stated size limit, a bounded embedder, and an event loop that stays free."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from pathlib import Path

import pytest

from dualtrack import (
    ContentTooLarge,
    Datum,
    HashedNgramEmbedder,
    InvalidDatum,
    MemoryDgent,
    open_dgent,
)
from dualtrack.memory.datum import MAX_CONTENT_BYTES
from dualtrack.memory.embedder import (
    MAX_CACHED_WORD,
    MAX_EMBEDDED_CHARS,
    embed_contents,
    embed_packed,
)
from dualtrack.memory.protocol import DgentProtocol, SearchHit
from dualtrack.memory.sqlite.store import SQLiteDgent


def test_content_past_the_limit_is_a_typed_error_before_any_store() -> None:
    at_limit = bytes(MAX_CONTENT_BYTES)
    assert len(Datum(id="ok", content=at_limit).content) == MAX_CONTENT_BYTES
    with pytest.raises(ContentTooLarge, match="MAX_CONTENT_BYTES") as raised:
        Datum(id="big", content=bytearray(MAX_CONTENT_BYTES + 1))
    assert isinstance(raised.value, InvalidDatum)
    with pytest.raises(ContentTooLarge):
        Datum.create(at_limit + b"x")


async def test_a_content_embeds_as_its_bounded_prefix() -> None:
    embedder = HashedNgramEmbedder()
    text = " ".join(f"w{i}" for i in range(MAX_EMBEDDED_CHARS // 2)) + " é tail words"
    (stored,) = await embed_contents(embedder, [text.encode()])
    (prefix,) = await embed_packed(embedder, [text[:MAX_EMBEDDED_CHARS]])
    (whole,) = await embed_packed(embedder, [text])
    assert stored == prefix == whole
    (binary,) = await embed_contents(embedder, [text.encode() + b"\xff"])
    assert binary is None


async def test_distinct_long_words_are_not_remembered() -> None:
    embedder = HashedNgramEmbedder()
    words = [(letter * 200_000).encode() for letter in "abcde"]
    await embed_contents(embedder, words)
    await embed_packed(embedder, [w.decode() + "z" for w in words])
    remembered = sum(map(len, embedder._words))
    assert remembered <= MAX_CACHED_WORD * len(embedder._words)
    assert remembered < 1_000


async def _longest_stall(step: Awaitable[object]) -> float:
    """The longest the event loop went without running a 1 ms ticker while ``step`` ran."""
    stalls: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            stalls.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    try:
        await step
    finally:
        done.set()
        await task
    return max(stalls)


@pytest.mark.parametrize("kind", ["memory", "sqlite", "sql"])
async def test_a_large_text_put_does_not_stall_the_loop(kind: str, tmp_path: Path) -> None:
    words = b" ".join(b"word%d" % i for i in range(2_000_000))  # ~ 19 MB of distinct words
    store: DgentProtocol
    if kind == "memory":
        store = MemoryDgent()
    elif kind == "sqlite":
        store = await SQLiteDgent.open(tmp_path / "large.db")
    else:
        store = await open_dgent(f"sqlite+aiosqlite:///{tmp_path / 'large-sql.db'}")
    try:
        stall = await _longest_stall(store.put(Datum(id="large", content=words)))
        stored = await store.get("large")
        assert stored is not None
        assert stored.content == words
        found: list[SearchHit] = []
        indexing = await _longest_stall(_search_into(store, found))  # embeds the 19 MB text
        assert [hit.datum.id for hit in found] == ["large"]
    finally:
        await store.close()
    assert stall < 1.5, f"a put of {len(words)} bytes blocked the event loop for {stall:.2f} s"
    assert indexing < 1.5, (
        f"indexing {len(words)} bytes blocked the event loop for {indexing:.2f} s"
    )


async def _search_into(store: DgentProtocol, found: list[SearchHit]) -> None:
    found += await store.search("word7", limit=1)
