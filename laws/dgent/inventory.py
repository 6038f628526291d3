"""Laws of taking stock of a store: listing refs and namespaces, and scanning in causal order.

These are what a tool needs to look into a store, copy it or back it up without knowing its
interpreter: ``list_refs`` pages through every ref, ``namespaces`` names what the database
holds, and ``scan_causal`` gives every datum after its parent, so that putting them in that
order into another store is always accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack.memory import Datum, DgentProtocol
from laws.core import holds, run
from laws.dgent.model import DgentModel
from laws.dgent.strategies import contents, forests, metadata
from laws.dgent.support import StoreFactory, fresh_stores, on_fresh_store
from laws.private_loop import RunAsync, event_loop

__all__ = [
    "causal_violations",
    "check_causal_scan",
    "check_namespace_listing",
    "check_ref_listing",
    "tangles",
]

_REF_NAMES = ["head", "Head", "a%_", "x'y", "zz", "é"]


@st.composite
def _backward_chain(draw: st.DrawFn, tag: str) -> list[Datum]:
    """A chain whose every child is older than its parent: each waits in a causal scan."""
    length = draw(st.integers(min_value=2, max_value=6), label="chain length")
    start = draw(st.floats(min_value=-1e6, max_value=1e6), label="chain start")
    made: list[Datum] = []
    for place in range(length):
        made.append(
            Datum(
                id=f"{tag}{place}",
                content=draw(contents),
                created_at=start - place,
                causal_parent=made[-1].id if made else None,
                metadata=draw(metadata),
            )
        )
    return made


@st.composite
def tangles(draw: st.DrawFn, max_size: int = 12) -> list[Datum]:
    """A valid ``put_many`` batch mixing a random forest (arbitrary times, so children are
    often older than their parents) with a chain that runs backwards in time.

    >>> from hypothesis import find
    >>> batch = find(tangles(), lambda made: len(made) > 3)
    >>> all(d.causal_parent in {p.id for p in batch[:i]} for i, d in enumerate(batch) if
    ...     d.causal_parent)
    True
    """
    forest = draw(forests(max_size=max_size))
    taken = {datum.id for datum in forest}
    tag = draw(st.sampled_from(["chain-", "~", "a"]), label="chain tag")
    chain: list[Datum] = []
    for datum in draw(_backward_chain(tag)):
        if datum.id in taken:
            break  # the rest of the chain would lose its parent
        chain.append(datum)
    return forest + chain


def causal_violations(order: Sequence[Datum]) -> list[tuple[str, str | None]]:
    """``(id, parent)`` of every datum in ``order`` not preceded by its parent (when the
    parent is in ``order`` at all), and of every datum given more than once.

    >>> a = Datum(id="a", content=b"", created_at=2.0)
    >>> b = a.derive(b"", created_at=1.0)
    >>> causal_violations([a, b]), causal_violations([b, a]) == [(b.id, "a")]
    ([], True)
    """
    ids = {datum.id for datum in order}
    seen: set[str] = set()
    wrong: list[tuple[str, str | None]] = []
    for datum in order:
        parent = datum.causal_parent
        if datum.id in seen or (parent is not None and parent in ids and parent not in seen):
            wrong.append((datum.id, parent))
        seen.add(datum.id)
    return wrong


def _by_time(datums: Sequence[Datum]) -> list[Datum]:
    return sorted(datums, key=lambda datum: (datum.created_at, datum.id))


def check_causal_scan(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    settings: settings | None = None,
) -> None:
    """``scan_causal`` yields every stored datum exactly once, each after its causal parent,
    whatever the page size, even when children are older than their parents."""

    async def body(store: DgentProtocol, batch: list[Datum], split: int, size: int) -> None:
        cut = split % (len(batch) + 1)
        await store.put_many(batch[:cut])
        await store.put_many(batch[cut:])
        stored = [datum async for datum in store.scan()]
        order = [datum async for datum in store.scan_causal(batch_size=size)]
        given_ = {"batch": batch, "batch_size": size}
        holds(
            "scan_causal yields every datum exactly once",
            given_,
            _by_time(order),
            stored,
        )
        holds(
            "scan_causal yields each datum after its causal parent",
            given_,
            causal_violations(order),
            [],
        )

    on_fresh_store(
        factory,
        {
            "batch": tangles() if batches is None else batches,
            "split": st.integers(min_value=0, max_value=20),
            "size": st.integers(min_value=1, max_value=5),
        },
        body,
        settings,
    )


def check_ref_listing(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    settings: settings | None = None,
) -> None:
    """``list_refs`` gives every ref and where it points, in code point order of names; pages
    by ``after`` and ``limit`` give the same refs, each once."""

    async def body(store: DgentProtocol, batch: list[Datum], data: st.DataObject) -> None:
        await store.put_many(batch)
        model = DgentModel()
        model.put_many(batch)
        names = data.draw(st.lists(st.sampled_from(_REF_NAMES), unique=True), label="refs")
        for name in names:
            target = data.draw(st.sampled_from(batch), label=f"target of {name}").id
            await store.set_ref(name, target, expected=None)
            model.set_ref(name, target, None)
        moves = st.lists(st.sampled_from(names), max_size=2) if names else st.just([])
        for name in data.draw(moves, label="moved"):
            target = data.draw(st.sampled_from(batch), label=f"new target of {name}").id
            await store.set_ref(name, target, expected=model.refs[name])
            model.set_ref(name, target, model.refs[name])
        expected = sorted(model.refs.items())
        given_ = {"refs": dict(model.refs)}
        holds("list_refs gives every ref in name order", given_, await store.list_refs(), expected)
        limit = data.draw(st.integers(min_value=1, max_value=3), label="limit")
        paged: list[tuple[str, str]] = []
        after: str | None = None
        for _ in range(len(expected) + 1):
            page = await store.list_refs(after=after, limit=limit)
            holds("a page of refs holds at most limit refs", given_, len(page) <= limit, True)
            paged.extend(page)
            if len(page) < limit:
                break
            after = page[-1][0]
        holds(
            "list_refs pages by after and limit give the same refs",
            {**given_, "limit": limit},
            paged,
            expected,
        )
        names_after = st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=3)
        start = data.draw(st.sampled_from(_REF_NAMES) | names_after, label="after")
        holds(
            "list_refs(after=name) gives the refs named after it",
            {**given_, "after": start},
            await store.list_refs(after=start),
            [(name, target) for name, target in expected if name > start],
        )

    on_fresh_store(
        factory,
        {"batch": (forests() if batches is None else batches).filter(bool), "data": st.data()},
        body,
        settings,
    )


def check_namespace_listing(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    settings: settings | None = None,
) -> None:
    """``namespaces`` is sorted and distinct; a fresh namespace is not listed until it holds a
    datum, then it is; stores in two namespaces on one database both see both listed."""

    def on_loop(run_async: RunAsync[Any]) -> None:
        @given(batch=(forests() if batches is None else batches).filter(bool))
        def property_(batch: list[Datum]) -> None:
            async def example() -> None:
                async with fresh_stores(factory, 2) as (mine, theirs):
                    await _listing_of_two(mine, theirs, batch)

            run_async(example())

        run(property_, settings)

    with event_loop() as run_async:
        on_loop(run_async)


async def _listing_of_two(mine: DgentProtocol, theirs: DgentProtocol, batch: list[Datum]) -> None:
    given_ = {"namespace": mine.namespace, "batch": batch}
    before = await mine.namespaces()
    holds("namespaces are sorted and distinct", given_, before, sorted(set(before)))
    holds("a namespace holding nothing is not listed", given_, mine.namespace in before, False)
    await mine.put_many(batch)
    after = await mine.namespaces()
    holds("namespaces are sorted and distinct", given_, after, sorted(set(after)))
    holds("a namespace holding datums is listed", given_, mine.namespace in after, True)
    if theirs.namespace == mine.namespace:
        return  # one namespace only (a table adapter): nothing else to list
    seen = await theirs.namespaces()
    holds("another namespace's store lists it too", given_, mine.namespace in seen, True)
    holds("a namespace holding nothing is not listed", given_, theirs.namespace in seen, False)
    await theirs.put_many(batch[:1])
    both = await mine.namespaces()
    holds(
        "every namespace holding datums is listed",
        given_,
        [name for name in both if name in (mine.namespace, theirs.namespace)],
        sorted([mine.namespace, theirs.namespace]),
    )
