"""The indexing law: search vectors stay off the write path.

A put never calls the store's embedder. Each datum is embedded at most once, by the first
search that reads it, and a store opened again on the same data does not embed it again;
content that is not UTF-8 text is never embedded; and every search ranks exactly as if each
vector had been computed when its datum was put.

Give :func:`check_lazy_indexing` a factory that opens a store for a namespace with the
embedder it is given; called twice with one namespace, it must open the same data (the law
reopens the store between steps).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack.memory import Datum, DgentProtocol, Embedder
from dualtrack.memory.embedder import HashedNgramEmbedder
from dualtrack.memory.vectors import top_matches
from laws.core import holds, run
from laws.private_loop import RunAsync, event_loop

#: Opens a store on ``namespace`` that searches with ``embedder``.
EmbeddingStoreFactory = Callable[[str, Embedder], Awaitable[DgentProtocol]]

_WORDS = ("cat", "sat", "mat", "dog", "log", "fog", "pattern", "agent", "noticed", "logs")


class CountingEmbedder(HashedNgramEmbedder):
    """The default embedder, counting every text it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: Counter[str] = Counter()

    def packed(self, text: str) -> bytes:
        """Count ``text``, then embed it as the default embedder does."""
        self.seen[text] += 1
        return super().packed(text)


def _close(left: float, right: float) -> bool:
    return abs(left - right) <= 1e-6


_TEXT = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5).map(" ".join)
_BINARY = st.binary(max_size=12).map(lambda tail: b"\xff\xfe" + tail)  # never valid UTF-8

#: A datum to put: its words (text content), or bytes (binary), text twice as often.
_CONTENTS = st.one_of(_TEXT, _TEXT, _BINARY)

_PUT = st.tuples(st.just("put"), st.lists(_CONTENTS, min_size=1, max_size=6))
_SEARCH = st.tuples(
    st.just("search"),
    st.lists(st.sampled_from(_WORDS), max_size=3).map(" ".join),
    st.integers(min_value=1, max_value=5),
)

#: Puts, searches (twice as likely: a datum must be read by several) and reopenings.
_STEPS = st.lists(
    st.one_of(_PUT, _SEARCH, _SEARCH, st.tuples(st.just("reopen"))), min_size=2, max_size=10
)


def _datums(contents: list[str | bytes], start: int) -> list[Datum]:
    """Datums for drawn contents, each text unique (numbered from ``start``)."""
    return [
        Datum.create(
            f"note {start + n} {content}".encode() if isinstance(content, str) else content
        )
        for n, content in enumerate(contents)
    ]


def _ranked(query: str, stored: Sequence[Datum], limit: int) -> list[tuple[str, float]]:
    """What search must return: every text datum's vector computed as if at put."""
    plain = HashedNgramEmbedder()
    texts: list[Datum] = []
    for datum in stored:
        try:
            datum.content.decode("utf-8")
        except UnicodeDecodeError:
            continue
        texts.append(datum)
    candidates = [(d.id, d.created_at, plain.packed(d.content.decode())) for d in texts]
    best = top_matches(plain.packed(query), candidates, limit)
    return [(datum_id, score) for score, _, datum_id in best]


def check_lazy_indexing(
    factory: EmbeddingStoreFactory,
    steps: st.SearchStrategy[list[tuple[Any, ...]]] | None = None,
    settings: settings | None = None,
) -> None:
    """Puts never embed; each datum is embedded at most once (reopening included), binary
    content never; searches rank as if every vector were computed at put."""

    async def body(drawn: list[tuple[Any, ...]]) -> None:
        namespace = f"law-{uuid.uuid4().hex[:20]}"
        embedder = CountingEmbedder()
        store = await factory(namespace, embedder)
        stored: list[Datum] = []
        try:
            for step in drawn:
                given_ = {"steps": drawn, "step": step}
                if step[0] == "put":
                    batch = _datums(step[1], len(stored))
                    before = embedder.seen.total()
                    await store.put_many(batch)
                    stored += batch
                    holds("a put embeds nothing", given_, embedder.seen.total() - before, 0)
                elif step[0] == "search":
                    _, text, limit = step
                    hits = await store.search(text, limit=limit)
                    holds(
                        "content that is not UTF-8 is never embedded",
                        given_,
                        [seen for seen in embedder.seen if "\ufffd" in seen],
                        [],
                    )
                    found = [(hit.datum.id, hit.score) for hit in hits]
                    holds(
                        "search ranks as if every vector were computed at put",
                        given_,
                        found,
                        _ranked(text, stored, limit),
                        lambda left, right: (
                            [i for i, _ in left] == [i for i, _ in right]
                            and all(
                                _close(a, b) for (_, a), (_, b) in zip(left, right, strict=True)
                            )
                        ),
                    )
                else:
                    await store.close()
                    store = await factory(namespace, embedder)
            # every datum is read by two more searches, with a reopening between them
            await store.search(_WORDS[0], limit=1)
            await store.close()
            store = await factory(namespace, embedder)
            await store.search(_WORDS[0], limit=1)
        finally:
            await store.close()
        contents = {d.content.decode(): d.id for d in stored if not d.content.startswith(b"\xff")}
        holds(
            "each datum is embedded at most once",
            {"steps": drawn},
            sorted(
                contents[text]
                for text, count in embedder.seen.items()
                if count > 1 and text in contents
            ),
            [],
        )

    def on_loop(run_async: RunAsync[None]) -> None:
        @given(steps or _STEPS)
        def property_(drawn: list[tuple[Any, ...]]) -> None:
            run_async(body(drawn))

        run(property_, settings)

    with event_loop() as run_async:
        on_loop(run_async)
