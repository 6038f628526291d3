"""The hostile-input law: any value at any public method is a success or a ``DualtrackError``,
and a refused call leaves the store exactly as it was."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from dualtrack.errors import DualtrackError, LawViolation
from dualtrack.memory import Datum, DgentProtocol, Retention
from dualtrack.memory.limits import shown
from laws.dgent.support import StoreFactory, fresh_stores, on_fresh_store
from laws.private_loop import event_loop

__all__ = ["HOSTILE_SCALARS", "check_hostile_catalogue", "check_hostile_inputs", "hostile_values"]

Call = Callable[[DgentProtocol, Any], Awaitable[Any]]


class _Deep:
    """Stands for lists or dicts nested 10,000 deep, built only when called (a short repr)."""

    def __init__(self, as_list: bool) -> None:
        self.as_list = as_list

    def __repr__(self) -> str:
        return f"<{'lists' if self.as_list else 'dicts'} nested 10,000 deep>"

    def build(self) -> Any:
        value: Any = 1
        for _ in range(10_000):
            value = [value] if self.as_list else {"k": value}
        return value


def _built(value: Any) -> Any:
    if isinstance(value, _Deep):
        return value.build()
    if type(value) is list:
        return [_built(part) for part in value]
    if type(value) is dict:
        return {name: _built(part) for name, part in value.items()}
    return value


_DEEP = (_Deep(as_list=False), _Deep(as_list=True))

#: Datum contents a table adapter must decode: deep JSON, huge numbers, bad text, not JSON.
_CONTENTS = (
    b"[" * 10_000 + b"]" * 10_000,
    b'{"k":' * 10_000 + b"1" + b"}" * 10_000,
    b'{"id":"h","n":1e400}',
    b'{"id":"h","n":' + b"9" * 5_000 + b"}",
    b'{"id":"\\ud800"}',
    b"\xff\xfe",
    b"",
)
_NUMBERS = (2**31, 2**31 - 1, 2**63, 10**20, 10**400, 10**5000, -(2**63), 0, -1, True)
_FLOATS = (float("inf"), float("nan"), 1e308, -0.0)


#: Text no id may hold and text that is fine: lone surrogates, empty, NUL, too long, stored ids.
_TEXTS = ("\ud800", "a\udfffb", "", "\x00", "x" * 300, "seed", "r")

#: Values of types no method takes, or takes only in some positions.
_OTHERS = (None, b"seed", object(), 5.5, ("seed",), {"seed"})

#: Every fixed hostile value: numbers past every bound, non-finite floats, deep nesting, bad
#: and edge text, and types no method takes.
HOSTILE_SCALARS: tuple[Any, ...] = (*_NUMBERS, *_FLOATS, *_DEEP, *_TEXTS, *_OTHERS)

#: What the stores hold before each hostile call (unless a law is given other seeds).
_SEED = (Datum(id="seed", content=b"seed", created_at=1.0, metadata={"k": 1}),)


def hostile_values() -> st.SearchStrategy[Any]:
    """Lone surrogates, huge ints and floats, deep nesting and wrong types, alone or inside a
    list or a one-key dict (as a key too)."""
    text = st.sampled_from(_TEXTS) | st.text(max_size=5)
    scalar = st.sampled_from(_NUMBERS + _FLOATS + _DEEP) | text | st.sampled_from(_OTHERS)
    wrapped = st.builds(lambda v: [v], scalar) | st.builds(lambda k, v: {k: v}, text, scalar)
    return scalar | wrapped


async def _drain(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


#: Every public method, with the hostile value in one argument position.
CALLS: dict[str, Call] = {
    "put": lambda s, v: s.put(v),
    "put_many": lambda s, v: s.put_many(v),
    "put_many([v])": lambda s, v: s.put_many([v]),
    "get": lambda s, v: s.get(v),
    "exists": lambda s, v: s.exists(v),
    "causal_chain": lambda s, v: s.causal_chain(v),
    "children": lambda s, v: s.children(v),
    "get_ref": lambda s, v: s.get_ref(v),
    "set_ref(name)": lambda s, v: s.set_ref(v, "seed"),
    "set_ref(target)": lambda s, v: s.set_ref("r", v),
    "set_ref(expected)": lambda s, v: s.set_ref("r", "seed", expected=v),
    "list(prefix)": lambda s, v: s.list(prefix=v),
    "list(after)": lambda s, v: s.list(after=v),
    "list(before)": lambda s, v: s.list(before=v),
    "list(metadata)": lambda s, v: s.list(metadata=v),
    "list(order)": lambda s, v: s.list(order=v),
    "list(limit)": lambda s, v: s.list(limit=v),
    "list(cursor)": lambda s, v: s.list(cursor=v),
    "scan": lambda s, v: _drain(s.scan(batch_size=v)),
    "scan_causal": lambda s, v: _drain(s.scan_causal(batch_size=v)),
    "search(text)": lambda s, v: s.search(v),
    "search(limit)": lambda s, v: s.search("seed", limit=v),
    "search(metadata)": lambda s, v: s.search("seed", metadata=v),
    "list_refs(after)": lambda s, v: s.list_refs(after=v),
    "list_refs(limit)": lambda s, v: s.list_refs(limit=v),
}


RetentionCall = Callable[[Retention, Any], Awaitable[Any]]

#: The ``Retention`` methods, for stores that forget (``MemoryDgent``, ``SQLiteDgent``,
#: ``SQLDgent``); a store without them skips these.
RETENTION_CALLS: dict[str, RetentionCall] = {
    "forget(ids)": lambda s, v: s.forget(ids=v),
    "forget([id])": lambda s, v: s.forget(ids=[v]),
    "forget(prefix)": lambda s, v: s.forget(prefix=v),
    "forget(metadata)": lambda s, v: s.forget(metadata=v),
    "forget(ref)": lambda s, v: s.forget(ref=v),
    "state_of": lambda s, v: s.state_of(v),
    "set_lifetime": lambda s, v: s.set_lifetime(v),
}


async def _dump(store: DgentProtocol) -> tuple[list[Datum], list[Any]]:
    return [d async for d in store.scan()], list(await store.list_refs())


async def _seeded(store: DgentProtocol, seed: Sequence[Datum]) -> DgentProtocol:
    """``store`` holding ``seed``, and ref ``r`` on its first datum."""
    stored = await store.put_many(seed)
    if stored:
        await store.set_ref("r", stored[0].id)
    return store


async def _call_hostile(store: DgentProtocol, method: str, value: Any) -> None:
    """One hostile call: it succeeds, or raises a ``DualtrackError`` and leaves the store's
    dump as it was."""
    if method not in CALLS and not isinstance(store, Retention):
        return
    before = await _dump(store)
    try:
        if method in CALLS:
            await CALLS[method](store, _built(value))
        else:
            assert isinstance(store, Retention)
            await RETENTION_CALLS[method](store, _built(value))
    except DualtrackError:
        after = await _dump(store)
        if after != before:
            raise LawViolation(
                "a refused call changes nothing", (method, shown(value)), after, before
            ) from None
    except Exception as error:  # the law: no builtin error escapes a public method
        raise LawViolation(
            "hostile input raises DualtrackError or succeeds",
            (method, shown(value)),
            f"{type(error).__name__}: {str(error)[:200]}",
            "a DualtrackError",
        ) from error


def check_hostile_inputs(
    factory: StoreFactory,
    settings: settings | None = None,
    seeds: st.SearchStrategy[list[Datum]] | None = None,
) -> None:
    """Each public method (the ``Retention`` ones too, where the store has them), given a
    hostile value in one argument, returns or raises a
    ``DualtrackError`` (never a builtin error); after a refusal the store's dump is unchanged.

    The store first holds ``seeds`` (default: one datum ``seed``) and ref ``r`` on the first.
    Hypothesis samples method and value pairs; :func:`check_hostile_catalogue` tries them all."""

    async def body(store: DgentProtocol, method: str, value: Any, seed: list[Datum]) -> None:
        await _call_hostile(await _seeded(store, seed), method, value)

    strategies = {
        "method": st.sampled_from(sorted([*CALLS, *RETENTION_CALLS])),
        "value": hostile_values(),
        "seed": st.just(list(_SEED)) if seeds is None else seeds,
    }
    on_fresh_store(factory, strategies, body, settings)


#: The methods that may change a store when they succeed: each such call gets a fresh store.
_WRITERS = frozenset(
    {"put", "put_many", "put_many([v])", "set_ref(name)", "set_ref(target)"}
    | {"set_ref(expected)", "set_lifetime"}
    | {name for name in RETENTION_CALLS if name.startswith("forget")}
)


def check_hostile_catalogue(factory: StoreFactory, seed: Sequence[Datum] = _SEED) -> None:
    """The hostile-input law for every public method with every value of
    :data:`HOSTILE_SCALARS`, on stores holding ``seed``: every fixed value
    :func:`check_hostile_inputs` draws, bare (the random law also wraps values in lists and
    dicts, and draws short text). Each call that may write gets a fresh store; the reads of
    one value share one."""
    methods = [*CALLS, *RETENTION_CALLS]

    async def sweep() -> None:
        for value in HOSTILE_SCALARS:
            async with fresh_stores(factory) as (reader,):
                await _seeded(reader, seed)
                for method in methods:
                    if method not in CALLS and not isinstance(reader, Retention):
                        continue  # a store that does not forget has no retention methods
                    if method in _WRITERS:
                        async with fresh_stores(factory) as (writer,):
                            await _call_hostile(await _seeded(writer, seed), method, value)
                    else:
                        await _call_hostile(reader, method, value)

    with event_loop() as run_async:
        run_async(sweep())
