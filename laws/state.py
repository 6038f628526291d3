"""The laws of versioned state backends and of ``StateFunctor``, as reusable hypothesis checks.

Backends are made fresh for every example by an async factory you pass, so any
:class:`~dualtrack.StateBackend` (in memory, over agent memory, over a table) is checked the
same way::

    async def fresh_backend():
        return MemoryStateBackend(initial={"count": 0})

    def test_memory_backend():
        check_state_backend(fresh_backend, states=st.dictionaries(st.text(), st.integers()))

Every backend from one factory must start from equal states. States are compared type for
type (``1``, ``1.0`` and ``True`` differ, as in JSON: :func:`dualtrack.exact.same_value`), and
each state is also saved as its look-alike twin (:func:`laws.twins.json_twin`). Law checks
are sync and run their own event loop (see :mod:`laws.private_loop`): call them from plain
``def test_...`` functions.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dualtrack import Agent, ConflictError, Id, StateBackend, StateFunctor, agent
from dualtrack.exact import same_value
from laws.core import Equivalence, holds, run
from laws.private_loop import event_loop
from laws.twins import json_twin

BackendFactory = Callable[[], Awaitable[StateBackend[Any]]]
Logic = Callable[[Any, Any], tuple[Any, Any]]
#: How a state functor is built around a backend: ``StateFunctor`` itself, or your own class
#: whose instances have ``lift(agent)`` and ``lift_logic(logic)``.
StateFunctorFactory = Callable[[StateBackend[Any]], Any]

_SCRAMBLED = "\x00scrambled by the isolation law"


def _scramble(value: Any) -> None:
    """Mutate every list, dict, set and bytearray reachable from ``value``, in place."""
    if isinstance(value, dict):
        for inner in list(value.values()):
            _scramble(inner)
        value[_SCRAMBLED] = _SCRAMBLED
    elif isinstance(value, list):
        for inner in value:
            _scramble(inner)
        value.append(_SCRAMBLED)
    elif isinstance(value, set):
        value.add(_SCRAMBLED)
    elif isinstance(value, bytearray):
        value.extend(b"\x00")
    elif isinstance(value, tuple):
        for inner in value:
            _scramble(inner)


async def _conflicts(save: Awaitable[Any]) -> bool:
    try:
        await save
    except ConflictError:
        return True
    return False


#: What the laws compare states with unless told otherwise: type-exact equality.
SAME: Equivalence = same_value

Twin = Callable[[Any], Any]


async def state_backend_laws(
    make_backend: BackendFactory,
    first: Any,
    second: Any,
    eq: Equivalence = SAME,
    twin: Twin | None = json_twin,
    content_versioned: bool = False,
) -> None:
    """Every backend law, on fresh backends and two states ``first`` and ``second``."""
    states = (first, second) if twin is None else (first, twin(first), second, twin(second))
    await _save_then_load(await make_backend(), states, eq)
    await _load_then_save(await make_backend(), first, eq)
    await _isolation(await make_backend(), first, eq)
    # The last two need states that differ from the initial one (saving an equal state may
    # write nothing, and then a later save from the same version is not stale).
    await _stale_save(await make_backend(), first, second, eq)
    await _one_winner(await make_backend(), first, second, eq)
    await _load_during_save(await make_backend(), first, eq)
    if not content_versioned:
        await _versions_never_repeat(await make_backend(), first, second, eq)


async def _save_then_load(
    backend: StateBackend[Any], states: tuple[Any, ...], eq: Equivalence
) -> None:
    given_ = {"states saved in turn": states}
    _, version = await backend.load()
    for state in states:
        saved = await backend.save(copy.deepcopy(state), version)
        loaded, version = await backend.load()
        holds("save then load returns what was saved", given_, loaded, state, eq)
        holds("load returns the version save returned", given_, version, saved)


async def _load_then_save(backend: StateBackend[Any], first: Any, eq: Equivalence) -> None:
    _, version = await backend.load()
    await backend.save(copy.deepcopy(first), version)
    for _round in range(2):
        before, version = await backend.load()
        await backend.save(before, version)
        after, _ = await backend.load()
        holds("load then save changes nothing", {"first": first}, after, first, eq)


async def _stale_save(backend: StateBackend[Any], first: Any, second: Any, eq: Equivalence) -> None:
    initial, version = await backend.load()
    assume(not eq(first, initial))
    given_ = {"initial": initial, "first": first, "second": second}
    saved = await backend.save(copy.deepcopy(first), version)
    stale = await _conflicts(backend.save(copy.deepcopy(second), version))
    holds("a stale save raises ConflictError", given_, stale, True)
    holds("a stale save stores nothing", given_, await backend.load(), (first, saved), eq)


async def _one_winner(backend: StateBackend[Any], first: Any, second: Any, eq: Equivalence) -> None:
    initial, version = await backend.load()
    assume(not eq(first, initial) and not eq(second, initial))
    given_ = {"initial": initial, "first": first, "second": second}
    lost = await asyncio.gather(
        _conflicts(backend.save(copy.deepcopy(first), version)),
        _conflicts(backend.save(copy.deepcopy(second), version)),
    )
    holds("of two saves from one version, exactly one wins", given_, sorted(lost), [False, True])
    stored, _ = await backend.load()
    holds("the winning save is what is stored", given_, stored, second if lost[0] else first, eq)


async def _load_during_save(backend: StateBackend[Any], first: Any, eq: Equivalence) -> None:
    initial, version = await backend.load()
    assume(not eq(first, initial))
    given_ = {"initial": initial, "first": first}
    racing = asyncio.gather(*(backend.load() for _ in range(3)))
    saving = backend.save(copy.deepcopy(first), version)
    before, saved, after = await asyncio.gather(racing, saving, backend.load())
    for loaded in (*before, after):
        holds(
            "a load racing a save sees the state with its own version, before or after",
            given_,
            loaded,
            (initial, version) if eq(loaded[0], initial) else (first, saved),
            lambda left, right: eq(left[0], right[0]) and left[1] == right[1],
        )


async def _versions_never_repeat(
    backend: StateBackend[Any], first: Any, second: Any, eq: Equivalence
) -> None:
    _, version = await backend.load()
    assume(not eq(first, second))
    given_ = {"saved in turn": [first, second, first], "then stale": second}
    history = []
    for state in (first, second, first):
        version = await backend.save(copy.deepcopy(state), version)
        history.append(version)
    holds(
        "versions never repeat: A, B, A again gets a third version",
        given_,
        len(set(map(repr, history))),
        3,
    )
    stale = await _conflicts(backend.save(copy.deepcopy(second), history[0]))
    holds("a save from a version two changes old raises ConflictError", given_, stale, True)


async def _isolation(backend: StateBackend[Any], first: Any, eq: Equivalence) -> None:
    given_ = {"first": first}
    mine = copy.deepcopy(first)
    _, version = await backend.load()
    await backend.save(mine, version)
    _scramble(mine)
    loaded, _ = await backend.load()
    holds("changing a saved value afterwards does not change the store", given_, loaded, first, eq)
    _scramble(loaded)
    reloaded, _ = await backend.load()
    holds("changing a loaded value does not change the store", given_, reloaded, first, eq)


def check_state_backend(
    make_backend: BackendFactory,
    states: st.SearchStrategy[Any],
    *,
    eq: Equivalence = SAME,
    twin: Twin | None = json_twin,
    content_versioned: bool = False,
    settings: settings | None = None,
) -> None:
    """Save then load returns what was saved, type for type, also when a state's look-alike
    ``twin`` follows it (``None`` for backends whose typed columns store their own type); load
    then save changes nothing; a stale save raises ``ConflictError`` and stores nothing; of two
    saves from one version exactly one wins; a load racing a save sees a state with its own
    version; versions never repeat (A, B, A gets three versions, and a save from the first is
    stale) unless ``content_versioned`` says the version is a digest of the state by design;
    callers mutating states they saved or loaded never change the store.

    >>> from dualtrack import MemoryStateBackend
    >>> async def fresh():
    ...     return MemoryStateBackend(initial=[])
    >>> check_state_backend(fresh, st.lists(st.integers()))
    """
    with event_loop() as run_async:

        @given(first=states, second=states)
        def laws(first: Any, second: Any) -> None:
            run_async(state_backend_laws(make_backend, first, second, eq, twin, content_versioned))

        run(laws, settings)


def _name(logic: Logic) -> str:
    return getattr(logic, "__name__", repr(logic))


def _on_pairs(logic: Logic) -> Agent[tuple[Any, Any], tuple[Any, Any]]:
    def run_on_pair(pair: tuple[Any, Any]) -> tuple[Any, Any]:
        return logic(*pair)

    return agent(run_on_pair, name=getattr(logic, "__name__", "logic"))


async def _run_all(lifted: Agent[Any, Any], inputs: list[Any]) -> list[Any]:
    return [await lifted.invoke(x) for x in inputs]


def _same_object(left: Any, right: Any) -> bool:
    return left is right


class _Planted(Exception):
    """The exception the atomicity law raises from inside the logic."""


async def state_functor_laws(
    make_backend: BackendFactory,
    f: Logic,
    g: Logic,
    inputs: list[Any],
    eq: Equivalence = SAME,
    functor: StateFunctorFactory = StateFunctor,
) -> None:
    """Every StateFunctor law for logic ``f`` and ``g``, on fresh backends and ``inputs``, for
    the state functor ``functor(backend)`` builds."""
    given_ = {"f": _name(f), "g": _name(g), "inputs": inputs}

    backend = await make_backend()
    state, _ = await backend.load()
    expected = []
    for x in inputs:
        output, state = f(x, state)
        expected.append(output)
    outputs = await _run_all(functor(backend).lift_logic(f), inputs)
    holds("n invokes return the outputs of folding the logic", given_, outputs, expected, eq)
    stored, _ = await backend.load()
    holds("n invokes store the state of folding the logic", given_, stored, state, eq)

    backend = await make_backend()
    initial, _ = await backend.load()
    outputs = await _run_all(functor(backend).lift(Id), inputs)
    holds("identity: lift(Id) returns its input", given_, outputs, inputs, eq)
    holds("identity: lift(Id) keeps the state", given_, (await backend.load())[0], initial, eq)

    one, two = await make_backend(), await make_backend()
    fused = functor(one).lift(_on_pairs(f) >> _on_pairs(g))
    apart = functor(two).lift(_on_pairs(f)) >> functor(two).lift(_on_pairs(g))
    holds(
        "composition: lift(f >> g) returns what lift(f) >> lift(g) returns",
        given_,
        await _run_all(fused, inputs),
        await _run_all(apart, inputs),
        eq,
    )
    holds(
        "composition: lift(f >> g) stores what lift(f) >> lift(g) stores",
        given_,
        (await one.load())[0],
        (await two.load())[0],
        eq,
    )
    await _atomicity(functor, await make_backend(), f, inputs, eq)


async def _atomicity(
    functor: StateFunctorFactory,
    backend: StateBackend[Any],
    f: Logic,
    inputs: list[Any],
    eq: Equivalence,
) -> None:
    calls = []
    planted = _Planted()

    def failing(x: Any, state: Any) -> tuple[Any, Any]:
        calls.append(x)
        f(x, state)
        raise planted

    before, _ = await backend.load()
    lifted = functor(backend).lift_logic(failing)
    given_ = {"f": _name(f), "inputs": inputs}
    for x in inputs:
        raised: BaseException | None = None
        try:
            await lifted.invoke(x)
        except Exception as error:
            raised = error
        holds(
            "a raising logic's exception reaches the caller unchanged",
            {"f": _name(f), "input": x},
            raised,
            planted,
            _same_object,
        )
    holds("a raising logic saves nothing", given_, (await backend.load())[0], before, eq)
    holds("a raising logic runs once per invoke", given_, calls, inputs)


def check_state_functor(
    make_backend: BackendFactory,
    logics: st.SearchStrategy[Logic],
    inputs: st.SearchStrategy[Any],
    *,
    max_invokes: int = 8,
    eq: Equivalence = SAME,
    functor: StateFunctorFactory = StateFunctor,
    settings: settings | None = None,
) -> None:
    """n invokes equal a fold of the logic over the inputs; lifting preserves identity and
    composition; a raising logic saves nothing, runs once, and its exception is unchanged.
    ``functor(backend)`` builds the state functor under test (``StateFunctor`` by default).

    Logic from ``logics`` is pure ``(input, state) -> (output, new_state)`` whose output is
    again an input (so two compose). Backends from ``make_backend`` start from equal states.

    >>> from dualtrack import MemoryStateBackend
    >>> from laws.agent_strategies import int_state_logics
    >>> async def fresh():
    ...     return MemoryStateBackend(initial=0)
    >>> check_state_functor(fresh, int_state_logics(), st.integers())
    """
    with event_loop() as run_async:

        @given(f=logics, g=logics, xs=st.lists(inputs, max_size=max_invokes))
        def laws(f: Logic, g: Logic, xs: list[Any]) -> None:
            run_async(state_functor_laws(make_backend, f, g, xs, eq, functor))

        run(laws, settings)
