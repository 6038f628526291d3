"""Embedders for ``search``: an offline hashed character n-gram default, and a callable adapter.

The default measures *lexical* similarity (shared character trigrams), not meaning: it needs
no model or download, and a near-miss spelling still scores well. Give a store any
:class:`~dualtrack.memory.protocol.Embedder` (or wrap a function with :class:`CallableEmbedder`)
for semantic search.
"""

from __future__ import annotations

import asyncio
import codecs
import inspect
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from itertools import chain

from dualtrack.errors import InvalidArgument
from dualtrack.memory.limits import finite_number
from dualtrack.memory.protocol import Embedder
from dualtrack.memory.vectors import pack_sparse, pack_vector

Vectors = Sequence[Sequence[float]]

#: Search embeds at most this many leading characters of a text: memory and time stay bounded
#: however long the content (up to ``MAX_CONTENT_BYTES``), and the rest does not change its vector.
MAX_EMBEDDED_CHARS = 65_536

#: Words longer than this are embedded but not remembered, so the word cache stays small.
MAX_CACHED_WORD = 64

#: Above this many content bytes in one call, embedding runs in a worker thread, off the loop.
_THREAD_BYTES = 256 * 1024

_CHECK_CHUNK = 1 << 20


class HashedNgramEmbedder:
    """Lexical embedder: counts of the character n-grams of each lower-cased word (padded with
    a space each side), hashed into ``dimensions`` buckets. Deterministic across processes.

    >>> import asyncio
    >>> e = HashedNgramEmbedder(dimensions=64)
    >>> a, b, c = asyncio.run(e.embed(["the cat sat", "the cat sat down", "quantum flux"]))
    >>> from dualtrack.memory.vectors import cosine, pack_vector
    >>> cosine(pack_vector(a), pack_vector(b)) > cosine(pack_vector(a), pack_vector(c))
    True
    """

    def __init__(self, dimensions: int = 256, n: int = 3) -> None:
        if type(dimensions) is not int or dimensions < 8:
            raise InvalidArgument(f"dimensions must be an int of at least 8, got {dimensions!r}")
        if type(n) is not int or n < 1:
            raise InvalidArgument(f"n must be a positive int, got {n!r}")
        self.dimensions = dimensions
        self.n = n
        self._words: dict[str, tuple[int, ...]] = {}

    def _word_buckets(self, word: str) -> tuple[int, ...]:
        padded = f" {word} "
        grams = (padded[i : i + self.n] for i in range(max(1, len(padded) - self.n + 1)))
        return tuple(
            zlib.crc32(g.encode("utf-8", "surrogatepass")) % self.dimensions for g in grams
        )

    def _counts(self, text: str) -> list[tuple[int, int]]:
        known = self._words
        buckets: list[tuple[int, ...]] = []
        for word in text.lower().split():
            part = known.get(word)
            if part is None:
                part = self._word_buckets(word)
                if len(word) <= MAX_CACHED_WORD:
                    if len(known) >= 100_000:
                        known.clear()
                    known[word] = part
            buckets.append(part)
        return sorted(Counter(chain.from_iterable(buckets)).items())

    def vector(self, text: str) -> list[float]:
        """The (unnormalised) vector of one text."""
        out = [0.0] * self.dimensions
        for bucket, count in self._counts(text):
            out[bucket] = float(count)
        return out

    def packed(self, text: str) -> bytes:
        """``pack_vector(self.vector(text))``, computed without the dense intermediate."""
        counts = self._counts(text)
        if 2 * len(counts) >= self.dimensions:
            return pack_vector(self.vector(text))
        return pack_sparse(self.dimensions, counts)

    async def embed(self, texts: Sequence[str]) -> Vectors:
        """One vector per text."""
        return [self.vector(text) for text in texts]


class CallableEmbedder:
    """Adapts a function ``texts -> vectors`` (sync or async) to the ``Embedder`` protocol.

    >>> import asyncio
    >>> asyncio.run(CallableEmbedder(lambda texts: [[float(len(t))] for t in texts]).embed(["ab"]))
    [[2.0]]
    """

    def __init__(self, function: Callable[[Sequence[str]], Vectors | Awaitable[Vectors]]) -> None:
        if not callable(function):
            raise InvalidArgument(f"CallableEmbedder needs a callable, got {function!r}")
        self._function = function

    async def embed(self, texts: Sequence[str]) -> Vectors:
        """Call the function, awaiting it if it returned an awaitable, and check the shape."""
        result = self._function(texts)
        if inspect.isawaitable(result):
            result = await result
        vectors = list(result)
        if len(vectors) != len(texts):
            raise InvalidArgument(
                f"embedder returned {len(vectors)} vectors for {len(texts)} texts"
            )
        for vector in vectors:
            if not all(finite_number(x) for x in vector):
                raise InvalidArgument(
                    "embedder returned a vector holding a non-finite or non-number"
                )
        return vectors


async def embed_packed(embedder: Embedder, texts: Sequence[str]) -> list[bytes]:
    """The packed vectors of the first ``MAX_EMBEDDED_CHARS`` characters of each of ``texts``
    (see :func:`~dualtrack.memory.vectors.pack_vector`)."""
    if not texts:
        return []
    bounded = [text[:MAX_EMBEDDED_CHARS] for text in texts]
    if isinstance(embedder, HashedNgramEmbedder):
        if sum(map(len, bounded)) > _THREAD_BYTES:
            return await asyncio.to_thread(_packed_all, embedder, bounded)
        return _packed_all(embedder, bounded)
    vectors = await CallableEmbedder(embedder.embed).embed(bounded)
    return [pack_vector(vector) for vector in vectors]


def _packed_all(embedder: HashedNgramEmbedder, texts: Sequence[str]) -> list[bytes]:
    return [embedder.packed(text) for text in texts]


async def embed_contents(embedder: Embedder, contents: Sequence[bytes]) -> list[bytes | None]:
    """The packed vector of each content that is UTF-8 text, ``None`` for binary content."""
    if sum(map(len, contents)) > _THREAD_BYTES:
        texts = await asyncio.to_thread(lambda: [searchable_text(c) for c in contents])
    else:
        texts = [searchable_text(content) for content in contents]
    packed = iter(await embed_packed(embedder, [text for text in texts if text is not None]))
    return [None if text is None else next(packed) for text in texts]


def searchable_text(content: bytes) -> str | None:
    """The text search embeds for a datum: the first ``MAX_EMBEDDED_CHARS`` characters of its
    content when all of it is UTF-8, or ``None`` for binary data.

    Only that prefix is decoded and kept; the rest is checked in bounded chunks.

    >>> searchable_text("café".encode()), searchable_text(bytes([255]))
    ('café', None)
    >>> len(searchable_text(b"a" * (MAX_EMBEDDED_CHARS + 10)) or "") == MAX_EMBEDDED_CHARS
    True
    """
    if len(content) <= MAX_EMBEDDED_CHARS:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # A character takes at most 4 bytes, so this prefix holds the characters embedded.
        head = 4 * MAX_EMBEDDED_CHARS
        text = decoder.decode(content[:head])[:MAX_EMBEDDED_CHARS]
        view = memoryview(content)
        for start in range(head, len(content), _CHECK_CHUNK):
            decoder.decode(view[start : start + _CHECK_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return text
