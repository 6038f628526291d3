"""Search vectors off the write path: a datum is stored unindexed and embedded, once, by the
first search that reads it.

A put pays only for writing the datum; content no one searches (binary blobs, serialized
checkpoints) is never embedded. The first search after a bulk load pays for the indexing
of what it reads, in bounded batches, and stores the vectors so no datum is embedded twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence

from dualtrack.memory.embedder import embed_contents
from dualtrack.memory.protocol import Embedder

#: The stored "vector" of content that is not UTF-8 text: indexed, and matched by no search.
NOT_TEXT = b""

#: At most this many datums, or this many content bytes, are embedded per indexing batch.
BATCH_ROWS = 2_000
BATCH_BYTES = 16 * 1024 * 1024


async def index_vectors(embedder: Embedder, contents: Sequence[bytes]) -> list[bytes]:
    """The vector to store for each content: its packed embedding, or :data:`NOT_TEXT`."""
    vectors = await embed_contents(embedder, contents)
    return [NOT_TEXT if vector is None else vector for vector in vectors]


def index_batches(pending: Sequence[tuple[str, int]]) -> Iterator[list[str]]:
    """The ids of ``(id, content size)`` pairs in batches of at most :data:`BATCH_ROWS` ids
    and about :data:`BATCH_BYTES` bytes (a larger content goes alone), so indexing a whole
    store holds one batch of contents in memory at a time.

    >>> [len(batch) for batch in index_batches([(str(n), 10) for n in range(4_500)])]
    [2000, 2000, 500]
    """
    batch: list[str] = []
    size = 0
    for datum_id, length in pending:
        if batch and (len(batch) >= BATCH_ROWS or size + length > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(datum_id)
        size += length
    if batch:
        yield batch


#: ``(id, created_at, content length)`` of a datum no search has indexed yet.
Unindexed = tuple[str, float, int]

#: ``(id, created_at, packed vector)``: a text datum just indexed, ready to rank.
Indexed = tuple[str, float, bytes]


async def index_unindexed(
    embedder: Embedder,
    unindexed: Sequence[Unindexed],
    contents: Callable[[list[str]], Awaitable[Sequence[tuple[str, bytes]]]],
    store: Callable[[list[tuple[str, bytes]]], Awaitable[None]],
) -> list[Indexed]:
    """Embed and store the vectors of ``unindexed`` datums a batch at a time: ``contents``
    reads the ``(id, content)`` of a batch's ids still unindexed, ``store`` writes their
    ``(id, vector)`` pairs. Returns the text datums indexed, for the search that asked."""
    times = {datum_id: created_at for datum_id, created_at, _ in unindexed}
    fresh: list[Indexed] = []
    for ids in index_batches([(datum_id, length) for datum_id, _, length in unindexed]):
        rows = await contents(ids)
        vectors = await index_vectors(embedder, [content for _, content in rows])
        pairs = [(str(row[0]), vector) for row, vector in zip(rows, vectors, strict=True)]
        if pairs:
            await store(pairs)
        fresh += [(i, times[i], vector) for i, vector in pairs if vector != NOT_TEXT]
    return fresh
