"""The law of racing writers: storing the same new datums at once is no conflict.

Two processes that store one datum at the same moment (an agent retried, two workers replaying
one log) must both succeed, and the store must hold it once. A store that checks "is it there?"
and then inserts can lose that race with an error or a duplicate; this law starts the writers
together so the race actually happens on stores with real concurrency.
"""

from __future__ import annotations

import asyncio

from hypothesis import settings
from hypothesis import strategies as st

from dualtrack.memory import Datum, DgentProtocol
from dualtrack.memory.advancing import advance
from laws.core import holds
from laws.dgent.model import DgentModel
from laws.dgent.strategies import forests
from laws.dgent.support import StoreFactory, on_fresh_store, outcome

#: How a writer stores its part: one ``put_many``, one ``put`` per datum, or ``put_many`` of
#: all but the last, which it then advances a ref of its own to.
MODES = ("batch", "each", "advance")

Plan = tuple[str, int]


@st.composite
def _races(
    draw: st.DrawFn, batches: st.SearchStrategy[list[Datum]], writers: st.SearchStrategy[int]
) -> tuple[list[Datum], list[Plan]]:
    """A forest, and for each writer a mode and how long a prefix of the forest it stores."""
    forest = draw(batches.filter(bool))
    plans = [
        (
            draw(st.sampled_from(MODES)),
            draw(st.integers(min_value=1, max_value=len(forest))),
        )
        for _ in range(draw(writers))
    ]
    return forest, plans


async def _write(store: DgentProtocol, part: list[Datum], mode: str, ref: str) -> list[Datum]:
    if mode == "batch":
        return await store.put_many(part)
    if mode == "each":
        return [await store.put(datum) for datum in part]
    stored = await store.put_many(part[:-1])
    return [*stored, await advance(store, part[-1], ref)]


def check_concurrent_writers(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    writers: st.SearchStrategy[int] | None = None,
    settings: settings | None = None,
) -> None:
    """Writers started together, each storing a prefix of one causal forest (so their datums
    overlap), all succeed with the datums they gave; the store then holds each datum once,
    and each advancing writer's ref names its last datum. ``batches`` draws the forests
    (valid ``put_many`` batches; empty ones are skipped)."""

    async def body(store: DgentProtocol, race: tuple[list[Datum], list[Plan]]) -> None:
        forest, plans = race
        results = await asyncio.gather(
            *(
                outcome(_write(store, forest[:size], mode, f"ref-{n}"))
                for n, (mode, size) in enumerate(plans)
            )
        )
        given_ = {"forest": forest, "writers": plans}
        holds(
            "racing writers each get back the datums they stored",
            given_,
            results,
            [forest[:size] for _, size in plans],
        )
        model = DgentModel()
        model.put_many(forest[: max(size for _, size in plans)])
        everything = [d async for d in store.scan(batch_size=4)]
        holds("racing writers store each datum once", given_, everything, model.ordered())
        refs = {f"ref-{n}": await store.get_ref(f"ref-{n}") for n in range(len(plans))}
        holds(
            "each advancing writer's ref names its last datum",
            given_,
            refs,
            {
                f"ref-{n}": forest[size - 1].id if mode == "advance" else None
                for n, (mode, size) in enumerate(plans)
            },
        )

    on_fresh_store(
        factory,
        {
            "race": _races(
                forests(max_size=8) if batches is None else batches,
                writers or st.integers(min_value=2, max_value=6),
            )
        },
        body,
        settings,
    )
