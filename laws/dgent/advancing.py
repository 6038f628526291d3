"""The laws of advancing a ref (:func:`dualtrack.memory.advancing.advance`): put and move as
one step, and, on an ``Advancing`` store, atomic under racing writers."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from dualtrack.errors import ConflictError, DualtrackError, InvalidArgument
from dualtrack.memory import Datum, DgentProtocol
from dualtrack.memory.advancing import Advancing, advance
from laws.core import holds
from laws.dgent.model import DgentModel
from laws.dgent.strategies import datums, forests
from laws.dgent.support import StoreFactory, error_kind, on_fresh_store, outcome

_NAMES = ["head", "Head", "x'y"]


def _candidate(data: st.DataObject, model: DgentModel) -> Datum:
    """A datum to advance with: new (its parent known, or missing), stored again, or a
    changed copy of a stored one."""
    stored = model.ordered()
    choice = data.draw(st.integers(min_value=0, max_value=5), label="kind")
    if stored and choice == 0:
        return data.draw(st.sampled_from(stored), label="again")
    if stored and choice == 1:
        old = data.draw(st.sampled_from(stored), label="changed")
        return Datum(old.id, old.content + b"*", old.created_at, old.causal_parent, old.metadata)
    parents = tuple(model.datums) + (("missing-parent",) if choice == 2 else ())
    return data.draw(datums(parents), label="datum")


def check_advance(
    factory: StoreFactory,
    batches: st.SearchStrategy[list[Datum]] | None = None,
    settings: settings | None = None,
) -> None:
    """``advance(store, d, ref, expected=e)`` is ``put(d)`` then ``set_ref(ref, d.id,
    expected=e)`` as one step: it succeeds exactly when both would, a moved ref refuses with
    ``ConflictError`` before ``put``'s refusals, and a refused advance changes nothing."""

    async def body(store: DgentProtocol, batch: list[Datum], data: st.DataObject) -> None:
        await store.put_many(batch)
        model = DgentModel()
        model.put_many(batch)
        for _ in range(data.draw(st.integers(min_value=1, max_value=6), label="steps")):
            datum = _candidate(data, model)
            name = data.draw(st.sampled_from(_NAMES), label="ref")
            pool = [model.refs.get(name), None, *list(model.datums)[:3], "no-such-datum"]
            expected = data.draw(st.sampled_from(pool), label="expected")
            try:
                wanted: Any = model.advance(datum, name, expected)
            except DualtrackError as error:
                wanted = ("raised", error_kind(error))
            step = {"datum": datum, "ref": name, "expected": expected}
            answer = await outcome(advance(store, datum, name, expected=expected))
            holds("advance succeeds exactly when put and set_ref both would", step, answer, wanted)
            refs = {n: await store.get_ref(n) for n in _NAMES}
            holds(
                "advance moves its ref or nothing",
                step,
                refs,
                {n: model.refs.get(n) for n in _NAMES},
            )
            everything = [d async for d in store.scan(batch_size=4)]
            holds("advance stores its datum or nothing", step, everything, model.ordered())

    on_fresh_store(
        factory,
        {"batch": forests(max_size=6) if batches is None else batches, "data": st.data()},
        body,
        settings,
    )


def check_concurrent_advance(
    factory: StoreFactory,
    workers: st.SearchStrategy[int] | None = None,
    increments: st.SearchStrategy[int] | None = None,
    settings: settings | None = None,
) -> None:
    """Racing tasks each extend one chain by ``advance`` from the head they read (retrying on
    ``ConflictError``): the chain gets every increment once, in order, and no losing attempt
    leaves its datum behind. Only an :class:`~dualtrack.memory.advancing.Advancing` store can
    keep the second half; others are refused with ``InvalidArgument``."""

    async def body(store: DgentProtocol, tasks: int, steps: int) -> None:
        if not isinstance(store, Advancing):
            raise InvalidArgument(
                f"{store!r} has no advance method: check_concurrent_advance is for Advancing "
                "stores (advance() on others is two calls, not atomic)"
            )
        root = await advance(store, Datum.create(b"0"), "counter")
        lost: list[str] = []

        async def increment(task: int) -> None:
            for _ in range(steps):
                attempt = 0
                while True:
                    head = await store.get_ref("counter")
                    assert head is not None
                    current = await store.get(head)
                    assert current is not None
                    value = int(current.content.split(b":")[0]) + 1
                    new = current.derive(f"{value}:{task}:{attempt}".encode())
                    try:
                        await store.advance(new, "counter", expected=head)
                        break
                    except ConflictError:
                        lost.append(new.id)
                        attempt += 1
                        await asyncio.sleep(0)

        await asyncio.gather(*(increment(task) for task in range(tasks)))
        head = await store.get_ref("counter")
        assert head is not None
        chain = [int(d.content.split(b":")[0]) for d in await store.causal_chain(head)]
        given_ = {"tasks": tasks, "increments": steps}
        holds(
            "racing advances lose no increment",
            given_,
            chain,
            list(range(tasks * steps + 1)),
        )
        left = [datum_id for datum_id in lost if await store.exists(datum_id)]
        holds("a refused advance leaves no datum behind", given_, left, [])
        holds(
            "the chain starts at the first advance",
            given_,
            (await store.causal_chain(head))[0],
            root,
        )

    on_fresh_store(
        factory,
        {
            "tasks": workers or st.integers(min_value=2, max_value=6),
            "steps": increments or st.integers(min_value=1, max_value=4),
        },
        body,
        settings,
    )
