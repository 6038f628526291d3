"""Similarity search over a table's rows: each row's JSON content embedded by the adapter's
embedder, ranked as every store ranks (:func:`~dualtrack.memory.vectors.top_matches`).

A typed table has no vector column, and other code may change rows at any time, so vectors are
computed from the rows a search reads, remembered by content (a changed row is a new content,
embedded again), and a search reads the whole table page by page, keeping only the best
``limit`` rows at any moment: its time grows with the table, its memory with ``limit``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from dualtrack.memory.datum import Datum
from dualtrack.memory.embedder import embed_packed
from dualtrack.memory.protocol import Embedder, SearchHit
from dualtrack.memory.vectors import top_matches

#: How many contents' vectors an adapter remembers before it forgets them all and starts over.
CACHE_SIZE = 50_000


class VectorCache:
    """The packed vectors of row contents, by content, computed by ``embedder`` on demand."""

    def __init__(self, embedder: Embedder, size: int = CACHE_SIZE) -> None:
        self.embedder = embedder
        self.size = size
        self._known: dict[bytes, bytes] = {}

    async def vectors(self, contents: Sequence[bytes]) -> list[bytes]:
        """One packed vector per content (row content is always UTF-8 JSON text)."""
        missing = list(dict.fromkeys(c for c in contents if c not in self._known))
        texts = [content.decode("utf-8") for content in missing]
        fresh = dict(zip(missing, await embed_packed(self.embedder, texts), strict=True))
        found = [fresh[c] if c in fresh else self._known[c] for c in contents]
        if len(self._known) + len(fresh) > self.size:
            self._known.clear()
        self._known.update(fresh)
        return found


async def best_rows(
    cache: VectorCache, text: str, pages: AsyncIterator[list[Datum]], limit: int
) -> list[SearchHit]:
    """The ``limit`` datums of ``pages`` most similar to ``text``, best first."""
    (query,) = await embed_packed(cache.embedder, [text])
    kept: dict[str, tuple[Datum, bytes]] = {}
    async for page in pages:
        vectors = await cache.vectors([datum.content for datum in page])
        pool = dict(kept)
        pool.update(
            {datum.id: (datum, vector) for datum, vector in zip(page, vectors, strict=True)}
        )
        candidates = ((key, datum.created_at, vector) for key, (datum, vector) in pool.items())
        kept = {key: pool[key] for _, _, key in top_matches(query, candidates, limit)}
    ranked = top_matches(
        query, ((key, datum.created_at, vector) for key, (datum, vector) in kept.items()), limit
    )
    return [SearchHit(kept[key][0], score) for score, _, key in ranked]
