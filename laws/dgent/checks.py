"""The conformance laws of reading, writing, refs, search and isolation: one check per law."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack.errors import ConflictError, DualtrackError
from dualtrack.memory import Datum, DgentProtocol, Embedder
from dualtrack.memory.embedder import embed_packed
from dualtrack.memory.metadata import canonical_json
from dualtrack.memory.vectors import top_matches
from laws.core import holds, run
from laws.dgent.machine import check_against_model, check_agreement
from laws.dgent.model import DgentModel
from laws.dgent.strategies import contents, forests, metadata, times
from laws.dgent.support import StoreFactory, error_kind, fresh_stores, on_fresh_store, outcome
from laws.private_loop import RunAsync, event_loop
from laws.twins import json_twin

__all__ = [
    "StoreFactory",
    "check_against_model",
    "check_agreement",
    "check_causality",
    "check_concurrent_refs",
    "check_idempotent_put",
    "check_immutability",
    "check_listing",
    "check_namespace_isolation",
    "check_ref_compare_and_set",
    "check_round_trip",
    "check_search",
]


def _in_order(datums: Sequence[Datum]) -> list[Datum]:
    return sorted(datums, key=lambda d: (d.created_at, d.id))


def _close(left: Sequence[float], right: Sequence[float]) -> bool:
    return len(left) == len(right) and all(
        abs(a - b) <= 1e-6 for a, b in zip(left, right, strict=True)
    )


async def _everything(store: DgentProtocol) -> list[Datum]:
    return [datum async for datum in store.scan(batch_size=3)]


def check_idempotent_put(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    settings: settings | None = None,
) -> None:
    """Putting a stored datum again returns it and changes nothing (``put`` and ``put_many``)."""

    async def body(store: DgentProtocol, batch: list[Datum]) -> None:
        await store.put_many(batch)
        before = await _everything(store)
        again = [await outcome(store.put(datum)) for datum in batch]
        holds("put(d) again returns d", batch, again, batch)
        repeated = await outcome(store.put_many(batch))
        holds("put_many(batch) again returns the batch", batch, repeated, batch)
        holds("putting again changes nothing", batch, await _everything(store), before)

    on_fresh_store(factory, {"batch": forests() if batches is None else batches}, body, settings)


def _changed(datum: Datum, how: int, content: bytes, when: float, extra: dict[str, Any]) -> Datum:
    fields: dict[str, Any] = {
        "id": datum.id,
        "content": datum.content,
        "created_at": datum.created_at,
        "causal_parent": datum.causal_parent,
        "metadata": datum.metadata,
    }
    if how == 0:
        fields["content"] = datum.content + (content or b"!")
    elif how == 1:
        fields["created_at"] = when if when != datum.created_at else when + 1.0
    elif how == 2:
        fields["metadata"] = {**datum.metadata, "changed": True, **extra}
    else:
        fields["causal_parent"] = None if datum.causal_parent else datum.id
    return Datum(**fields)


def check_immutability(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    settings: settings | None = None,
) -> None:
    """A different datum under a used id raises ``ImmutableDatumError`` and stores nothing,
    alone or inside a ``put_many`` (which then stores none of its batch)."""

    async def body(
        store: DgentProtocol,
        batch: list[Datum],
        pick: int,
        how: int,
        content: bytes,
        when: float,
        extra: dict[str, Any],
        newcomer: bytes,
    ) -> None:
        await store.put_many(batch)
        before = await _everything(store)
        target = batch[pick % len(batch)]
        changed = _changed(target, how, content, when, extra)
        given_ = {"stored": target, "put": changed}
        holds(
            "a different datum under a used id is refused",
            given_,
            await outcome(store.put(changed)),
            ("raised", "ImmutableDatumError"),
        )
        fresh = Datum.create(newcomer)
        holds(
            "put_many with one refused datum is refused",
            given_,
            await outcome(store.put_many([fresh, changed])),
            ("raised", "ImmutableDatumError"),
        )
        holds("a refused put stores nothing", given_, await _everything(store), before)

    on_fresh_store(
        factory,
        {
            "batch": (forests() if batches is None else batches).filter(bool),
            "pick": st.integers(min_value=0, max_value=99),
            "how": st.integers(min_value=0, max_value=3),
            "content": contents,
            "when": times,
            "extra": metadata,
            "newcomer": contents,
        },
        body,
        settings,
    )


def check_causality(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    settings: settings | None = None,
) -> None:
    """Chains run root first to the datum and follow parents; children are the inverse; a
    missing parent (or a child before its parent) is refused and stores nothing. With the
    default batches (datums of any content) also: a bad parent after good datums in a batch
    stores none of them, and a chain 10 to 40 deep comes back whole."""

    async def body(
        store: DgentProtocol, batch: list[Datum], orphan_content: bytes, depth: int
    ) -> None:
        await store.put_many(batch)
        model = DgentModel()
        model.put_many(batch)
        for datum in batch:
            holds(
                "causal_chain(id) is the root-first ancestry of id",
                datum.id,
                await store.causal_chain(datum.id),
                model.causal_chain(datum.id),
            )
            holds(
                "children(id) are the datums whose parent is id",
                datum.id,
                await store.children(datum.id),
                model.children(datum.id),
            )
        missing = f"missing-{uuid.uuid4().hex}"
        holds("causal_chain of an unknown id is []", missing, await store.causal_chain(missing), [])
        before = await _everything(store)
        orphan = Datum.create(orphan_content, causal_parent=missing)
        holds(
            "a datum with a missing parent is refused",
            orphan,
            await outcome(store.put(orphan)),
            ("raised", "MissingParentError"),
        )
        parent = Datum.create(orphan_content)
        child = parent.derive(orphan_content)
        holds(
            "a batch with a child before its parent is refused",
            [child, parent],
            await outcome(store.put_many([child, parent])),
            ("raised", "MissingParentError"),
        )
        holds("refused puts store nothing", orphan, await _everything(store), before)
        if batches is None:
            await _late_orphan_and_deep_chain(store, orphan, orphan_content, depth, before)

    on_fresh_store(
        factory,
        {
            "batch": forests() if batches is None else batches,
            "orphan_content": contents,
            "depth": st.integers(min_value=10, max_value=40),
        },
        body,
        settings,
    )


async def _late_orphan_and_deep_chain(
    store: DgentProtocol, orphan: Datum, content: bytes, depth: int, before: list[Datum]
) -> None:
    """With datums of any content (the default batches): a bad parent after good datums in a
    batch stores none of them, and a chain ``depth`` long comes back whole."""
    late = [Datum.create(content), Datum.create(content + b"'"), orphan]
    holds(
        "a batch with a missing parent after good datums is refused",
        late,
        await outcome(store.put_many(late)),
        ("raised", "MissingParentError"),
    )
    holds("refused puts store nothing", late, await _everything(store), before)
    deep = [Datum.create(b"deep 0")]
    for step in range(1, depth):
        deep.append(deep[-1].derive(b"deep %d" % step))
    await store.put_many(deep)
    holds(
        "causal_chain(id) is the root-first ancestry of id (a deep chain)",
        {"depth": depth},
        [d.id for d in await store.causal_chain(deep[-1].id)],
        [d.id for d in deep],
    )


def check_round_trip(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    settings: settings | None = None,
) -> None:
    """What ``put_many`` stored, ``get`` returns equal (and its JSON form round-trips);
    ``exists`` and ``count`` agree; unknown ids are ``None``."""

    async def body(store: DgentProtocol, batch: list[Datum]) -> None:
        holds("put_many returns its batch", batch, await store.put_many(batch), batch)
        for datum in batch:
            got = await store.get(datum.id)
            holds("get(put(d).id) == d", datum, got, datum)
            holds("exists(put(d).id)", datum, await store.exists(datum.id), True)
            assert got is not None
            holds("Datum.from_json(d.to_json()) == d", got, Datum.from_json(got.to_json()), got)
        holds("count() is the number of datums", batch, await store.count(), len(batch))
        unknown = f"unknown-{uuid.uuid4().hex}"
        holds("get(unknown) is None", unknown, await store.get(unknown), None)
        holds("exists(unknown) is False", unknown, await store.exists(unknown), False)

    on_fresh_store(factory, {"batch": forests() if batches is None else batches}, body, settings)


@st.composite
def _queries(draw: st.DrawFn, batch: list[Datum]) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if draw(st.integers(min_value=0, max_value=2)) > 0:
        ids = [d.id for d in batch] or ["a"]
        # Half the time an id with letters that have a case, so its other case is a real test.
        cased = [i for i in ids if i != i.swapcase()] or ids
        whole = draw(st.sampled_from(ids) | st.sampled_from(cased))
        cut = draw(st.sampled_from([whole[:1], whole[:2], whole]))
        # The id itself, its other case (of the shortest cut that has one), and the same with
        # SQL wildcards in place of its last character: a store that ignores case, or treats
        # ``%`` or ``_`` as patterns, lists too much on those.
        flipped = next((c.swapcase() for c in (cut, whole[:2], whole) if c != c.swapcase()), cut)
        wildcarded = [cut[:-1] + "_", cut[:-1] + "%"]
        query["prefix"] = draw(st.sampled_from([cut, flipped, *wildcarded]))
    for bound in ("after", "before"):
        if draw(st.integers(min_value=0, max_value=3)) == 0:
            known = [d.created_at for d in batch] or [0.0]
            query[bound] = draw(st.sampled_from(known) | times)
    if draw(st.integers(min_value=0, max_value=2)) == 0:
        sources = [d.metadata for d in batch if d.metadata] or [{"kind": "x"}]
        source = draw(st.sampled_from(sources))
        names = draw(st.lists(st.sampled_from(sorted(source)), max_size=2, unique=True))
        query["metadata"] = {name: source[name] for name in names}
    query["order"] = draw(st.sampled_from(["asc", "desc"]))
    return query


def check_listing(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    settings: settings | None = None,
) -> None:
    """Pages walked by cursor give exactly the filtered datums in order, each at most ``limit``
    long, never skipping or repeating one even when datums arrive between pages; ``scan``
    gives every datum in order; a bad or foreign cursor raises ``InvalidCursor``."""

    async def body(store: DgentProtocol, batch: list[Datum], data: st.DataObject) -> None:
        split = data.draw(st.integers(min_value=0, max_value=len(batch)), label="split")
        first, late = batch[:split], batch[split:]
        await store.put_many(first)
        model = DgentModel()
        model.put_many(first)
        query = data.draw(_queries(first), label="query")
        limit = data.draw(st.integers(min_value=1, max_value=4), label="limit")
        holds(
            "scan() yields every datum in order", first, await _everything(store), model.ordered()
        )
        expected = model.matching(**query)
        seen: list[Datum] = []
        cursor: str | None = None
        pages = 0
        while True:
            page = await store.list(**query, limit=limit, cursor=cursor)
            pages += 1
            holds("a page holds at most limit datums", (query, limit), len(page) <= limit, True)
            seen.extend(page)
            cursor = page.cursor
            if cursor is None:
                break
            if late:
                arrival = late.pop(0)
                await store.put_many([arrival])
                model.put_many([arrival])
            holds("pages end", (query, limit), pages <= len(batch) + 1, True)
        given_ = {"query": query, "limit": limit, "stored first": first}
        ids = [d.id for d in seen]
        holds("pages never repeat a datum", given_, len(ids), len(set(ids)))
        final = model.matching(**query)
        holds(
            "pages hold every datum present throughout, in order",
            given_,
            [d for d in seen if d in expected],
            expected,
        )
        holds(
            "pages hold only matching datums, in order",
            given_,
            seen,
            [d for d in final if d in seen],
        )
        if first:
            # A prefix in the other case, or with a LIKE wildcard, must match literally.
            probe = data.draw(st.sampled_from(first), label="probe").id
            for prefix in dict.fromkeys([probe[:2].swapcase(), probe[:1] + "_", probe[:1] + "%"]):
                holds(
                    "pages hold only matching datums (the prefix is literal and case-sensitive)",
                    {**given_, "prefix": prefix},
                    [d.id for d in await store.list(prefix=prefix, limit=None)],
                    [d.id for d in model.matching(prefix=prefix)],
                )
        twins = [
            (d, name, json_twin(value))
            for d in first
            for name, value in d.metadata.items()
            if canonical_json(json_twin(value)) != canonical_json(value)
        ]
        if twins:
            _, name, twin = data.draw(st.sampled_from(twins), label="look-alike filter")
            holds(
                "metadata filters are type-exact (1, 1.0 and True differ, as in JSON)",
                {**given_, "metadata": {name: twin}},
                [d.id for d in await store.list(metadata={name: twin}, limit=None)],
                [d.id for d in model.matching(metadata={name: twin})],
            )
        holds(
            "a malformed cursor is refused",
            given_,
            await outcome(store.list(**query, cursor="not-a-cursor")),
            ("raised", "InvalidCursor"),
        )
        first_page = await store.list(**query, limit=1)
        if first_page.cursor is not None:
            other = {**query, "order": "desc" if query["order"] == "asc" else "asc"}
            holds(
                "a cursor from another query is refused",
                given_,
                await outcome(store.list(**other, cursor=first_page.cursor)),
                ("raised", "InvalidCursor"),
            )

    on_fresh_store(
        factory,
        {"batch": forests() if batches is None else batches, "data": st.data()},
        body,
        settings,
    )


def check_ref_compare_and_set(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    settings: settings | None = None,
) -> None:
    """``set_ref`` moves a ref only from the ``expected`` datum (``None``: unset), else raises
    ``ConflictError``; a target the store lacks raises ``UnknownDatum``; ``get_ref`` agrees."""

    async def body(store: DgentProtocol, batch: list[Datum], data: st.DataObject) -> None:
        await store.put_many(batch)
        model = DgentModel()
        model.put_many(batch)
        ids = [d.id for d in batch] + ["no-such-datum"]
        steps = data.draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["head", "other", "it's %_"]),
                    st.sampled_from(ids),
                    st.sampled_from([None, *ids]) | st.just("current"),
                ),
                max_size=8,
            ),
            label="steps",
        )
        if batch:
            steps = [("head", batch[0].id, None), ("head", batch[-1].id, None), *steps]
        for name, target, expected in steps:
            if expected == "current":
                expected = model.refs.get(name)
            try:
                model.set_ref(name, target, expected)
                wanted: Any = None
            except DualtrackError as error:
                wanted = ("raised", error_kind(error))
            step = {"name": name, "datum_id": target, "expected": expected}
            holds(
                "set_ref succeeds exactly when the ref holds expected",
                step,
                await outcome(store.set_ref(name, target, expected=expected)),
                wanted,
            )
            holds(
                "get_ref sees the last successful set",
                step,
                await store.get_ref(name),
                model.refs.get(name),
            )

    on_fresh_store(
        factory,
        {"batch": forests() if batches is None else batches, "data": st.data()},
        body,
        settings,
    )


def check_namespace_isolation(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    settings: settings | None = None,
) -> None:
    """Stores in different namespaces (even on one database) never see each other's datums or
    refs, and may hold different datums under the same id."""

    def on_loop(run_async: RunAsync[Any]) -> None:
        @given(batch=(forests() if batches is None else batches).filter(bool))
        def property_(batch: list[Datum]) -> None:
            async def example() -> None:
                async with fresh_stores(factory, 2) as (mine, theirs):
                    await mine.put_many(batch)
                    await mine.set_ref("head", batch[-1].id, expected=None)
                    holds("another namespace counts nothing", batch, await theirs.count(), 0)
                    holds("another namespace lists nothing", batch, list(await theirs.list()), [])
                    holds(
                        "another namespace has no refs", batch, await theirs.get_ref("head"), None
                    )
                    hits = await theirs.search("the cat", limit=3)
                    holds("another namespace finds nothing", batch, hits, [])
                    for datum in batch:
                        holds(
                            "another namespace gets nothing",
                            datum,
                            await theirs.get(datum.id),
                            None,
                        )
                    twins = [
                        Datum(id=d.id, content=d.content + b"~", created_at=d.created_at)
                        for d in batch
                    ]
                    holds(
                        "the same ids may hold other datums elsewhere",
                        twins,
                        await outcome(theirs.put_many(twins)),
                        twins,
                    )
                    holds(
                        "writes elsewhere leave a namespace as it was",
                        batch,
                        await _everything(mine),
                        _in_order(batch),
                    )

            run_async(example())

        run(property_, settings)

    with event_loop() as run_async:
        on_loop(run_async)


def check_search(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    embedder: Embedder | None = None,
    settings: settings | None = None,
) -> None:
    """``search`` returns ``min(limit, searchable matches)`` distinct stored datums matching the
    filter, best score first; given the store's ``embedder``, scores are the cosine similarity
    of stored vectors and no better datum is left out. With the default batches also: a filter
    that refuses the best matches still fills ``limit`` (the filter applies before the limit)."""

    async def body(store: DgentProtocol, batch: list[Datum], data: st.DataObject) -> None:
        await store.put_many(batch)
        model = DgentModel()
        model.put_many(batch)
        texts = [d.content.decode("utf-8", "replace") for d in batch] + ["the cat", ""]
        text = data.draw(st.sampled_from(texts) | st.text(max_size=12), label="text")
        limit = data.draw(st.integers(min_value=1, max_value=5), label="limit")
        query = data.draw(_queries(batch), label="filter").get("metadata")
        given_ = {"text": text, "limit": limit, "metadata": query}
        hits = await store.search(text, limit=limit, metadata=query)
        allowed = model.searchable(query)
        holds(
            "search returns min(limit, searchable matches)",
            given_,
            len(hits),
            min(limit, len(allowed)),
        )
        holds(
            "search hits are stored matching datums",
            given_,
            [h.datum for h in hits if h.datum not in allowed],
            [],
        )
        holds("search hits are distinct", given_, len({h.datum.id for h in hits}), len(hits))
        scores = [h.score for h in hits]
        holds("search hits come best first", given_, scores, sorted(scores, reverse=True))
        if batches is None:
            await _filtered_near_ties(store, limit)
        if embedder is None:
            return
        packed = await embed_packed(embedder, [text] + [d.content.decode() for d in allowed])
        candidates = [(d.id, d.created_at, v) for d, v in zip(allowed, packed[1:], strict=True)]
        best = top_matches(packed[0], candidates, limit)
        exact = {
            id_: score for score, _, id_ in top_matches(packed[0], candidates, len(candidates) or 1)
        }
        holds(
            "search scores are the cosine of the stored vectors",
            given_,
            scores,
            [exact[h.datum.id] for h in hits],
            _close,
        )
        holds(
            "search leaves out no better datum",
            given_,
            scores,
            [score for score, _, _ in best],
            _close,
        )

    on_fresh_store(
        factory,
        {"batch": forests() if batches is None else batches, "data": st.data()},
        body,
        settings,
    )


async def _filtered_near_ties(store: DgentProtocol, limit: int) -> None:
    """A filter that refuses the best matches: the filter applies before the top ``limit``."""
    tag = f"tie-{uuid.uuid4().hex[:8]}"
    near = [Datum.create(b"the cat sat", metadata={tag: "near"}) for _ in range(limit + 1)]
    far = [Datum.create(b"the cat sat %d" % n, metadata={tag: "far"}) for n in range(limit)]
    await store.put_many([*near, *far])
    given_ = {"text": "the cat sat", "limit": limit, "metadata": {tag: "far"}, "near": near}
    hits = await store.search("the cat sat", limit=limit, metadata={tag: "far"})
    holds(
        "search returns min(limit, searchable matches) (the filter applies before the limit)",
        given_,
        sorted(h.datum.id for h in hits),
        sorted(d.id for d in far),
    )


def check_concurrent_refs(
    factory: StoreFactory,
    workers: st.SearchStrategy[int] | None = None,
    increments: st.SearchStrategy[int] | None = None,
    settings: settings | None = None,
) -> None:
    """Concurrent tasks incrementing a counter by compare-and-set (retrying on conflict) lose
    no increment: the final chain holds every value once, in order."""

    async def body(store: DgentProtocol, tasks: int, steps: int) -> None:
        root = await store.put(Datum.create(b"0"))
        await store.set_ref("counter", root.id, expected=None)

        async def increment() -> None:
            for _ in range(steps):
                while True:
                    head = await store.get_ref("counter")
                    assert head is not None
                    current = await store.get(head)
                    assert current is not None
                    new = await store.put(current.derive(str(int(current.content) + 1).encode()))
                    try:
                        await store.set_ref("counter", new.id, expected=head)
                        break
                    except ConflictError:
                        await asyncio.sleep(0)

        await asyncio.gather(*(increment() for _ in range(tasks)))
        head = await store.get_ref("counter")
        assert head is not None
        chain = [int(d.content) for d in await store.causal_chain(head)]
        holds(
            "concurrent compare-and-set increments lose nothing",
            {"tasks": tasks, "increments": steps},
            chain,
            list(range(tasks * steps + 1)),
        )

    on_fresh_store(
        factory,
        {
            "tasks": workers or st.integers(min_value=2, max_value=8),
            "steps": increments or st.integers(min_value=1, max_value=5),
        },
        body,
        settings,
    )
