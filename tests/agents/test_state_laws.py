"""The state backend and StateFunctor laws hold for MemoryStateBackend on generated states and
logic, and catch backends planted to break them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hypothesis import strategies as st

from dualtrack import Agent, ConflictError, LawViolation, MemoryStateBackend, StateBackend, agent
from dualtrack.state.backend import Version
from laws.agent_strategies import int_state_logics, state_logics
from laws.state import check_state_backend, check_state_functor
from laws.strategies import json_values

ints = st.integers(-50, 50)
falsy = st.sampled_from([None, 0, False, "", [], {}, 0.0])
states = st.one_of(falsy, json_values(max_leaves=8))


def fresh(initial: Any) -> Callable[[], Awaitable[MemoryStateBackend[Any]]]:
    async def make() -> MemoryStateBackend[Any]:
        return MemoryStateBackend(initial=initial)

    return make


@pytest.mark.parametrize("initial", [None, 0, {"count": 0}, [1, [2]]])
def test_memory_backend_on_json_and_falsy_states(initial: Any) -> None:
    check_state_backend(fresh(initial), states)


def test_memory_backend_on_nested_mutable_states() -> None:
    nested = st.dictionaries(st.text(max_size=3), st.lists(st.sets(ints, max_size=3), max_size=3))
    check_state_backend(fresh({}), nested)


def test_state_functor_over_int_logic() -> None:
    check_state_functor(fresh(0), int_state_logics(), ints)


def test_state_functor_over_arbitrary_pure_logic_and_falsy_states() -> None:
    hashable_states = st.one_of(st.none(), st.booleans(), ints, st.text(max_size=2))
    check_state_functor(
        fresh(None), state_logics(hashable_states, hashable_states), hashable_states
    )


# Planted backends: each keeps a state like MemoryStateBackend but gets one thing wrong.


class Planted:
    """A correct, copying, versioned store, for the broken ones below to bend."""

    def __init__(self, initial: Any) -> None:
        self.inner: MemoryStateBackend[Any] = MemoryStateBackend(initial=initial)

    async def load(self) -> tuple[Any, Version]:
        return await self.inner.load()

    async def save(self, state: Any, expected_version: Version) -> Version:
        return await self.inner.save(state, expected_version)


class LastWriteWins(Planted):
    """Ignores the version: a stale save overwrites."""

    async def save(self, state: Any, expected_version: Version) -> Version:
        _, current = await self.inner.load()
        return await self.inner.save(state, current)


class ByReference:
    """Keeps the caller's object itself, so later mutations leak into the store."""

    def __init__(self, initial: Any) -> None:
        self.state, self.version = initial, 0

    async def load(self) -> tuple[Any, Version]:
        return self.state, self.version

    async def save(self, state: Any, expected_version: Version) -> Version:
        if expected_version != self.version:
            raise ConflictError("stale")
        self.state, self.version = state, self.version + 1
        return self.version


class DropsFalsy(Planted):
    """The seed system's bug: ``if state:`` skips saving falsy states."""

    async def save(self, state: Any, expected_version: Version) -> Version:
        if not state:
            return expected_version
        return await self.inner.save(state, expected_version)


class StaleVersion(Planted):
    """Returns a version from save that is not the stored one."""

    async def save(self, state: Any, expected_version: Version) -> Version:
        version = await self.inner.save(state, expected_version)
        assert isinstance(version, int)
        return version - 1


class Yielding(Planted):
    """Checks the version, yields to other tasks, then writes whatever the version is by then:
    two saves from one version can both pass the check."""

    async def save(self, state: Any, expected_version: Version) -> Version:
        _, current = await self.inner.load()
        if current != expected_version:
            raise ConflictError("stale")
        await asyncio.sleep(0)
        _, current = await self.inner.load()
        return await self.inner.save(state, current)


def factory(kind: type[Any], initial: Any = 0) -> Callable[[], Awaitable[StateBackend[Any]]]:
    async def make() -> StateBackend[Any]:
        backend: StateBackend[Any] = kind(initial)
        return backend

    return make


def test_the_planted_base_backend_obeys_the_laws() -> None:
    check_state_backend(factory(Planted), states)
    check_state_functor(factory(Planted), int_state_logics(), ints)


@pytest.mark.parametrize(
    ("kind", "law"),
    [
        (LastWriteWins, "a stale save raises ConflictError"),
        (ByReference, "changing a saved value afterwards does not change the store"),
        (DropsFalsy, "save then load returns what was saved"),
        (StaleVersion, "load returns the version save returned"),
        (Yielding, "of two saves from one version, exactly one wins"),
    ],
)
def test_a_broken_backend_is_caught_by_the_backend_laws(kind: type[Any], law: str) -> None:
    with pytest.raises(LawViolation) as caught:
        check_state_backend(factory(kind, initial=[1]), states)
    message = str(caught.value)
    assert f"law {law!r} does not hold" in message
    assert "input: {" in message
    assert "left:" in message
    assert "right:" in message


def test_a_backend_dropping_falsy_states_breaks_the_state_functor_fold() -> None:
    stores = r"invokes store the state of folding|stores what lift\(f\) >> lift\(g\) stores"
    with pytest.raises(LawViolation, match=stores):
        check_state_functor(factory(DropsFalsy, initial=5), int_state_logics(), ints)


def test_a_backend_without_compare_and_set_passes_sequential_laws_only() -> None:
    check_state_functor(factory(LastWriteWins), int_state_logics(), ints)
    with pytest.raises(LawViolation, match="stale save"):
        check_state_backend(factory(LastWriteWins), states)


class HandRolledStateFunctor:
    """A user's own state functor: load, run, save with the loaded version."""

    def __init__(self, backend: StateBackend[Any], *, swallow: bool = False) -> None:
        self.backend = backend
        self.swallow = swallow

    def lift_logic(self, logic: Callable[[Any, Any], tuple[Any, Any]]) -> Agent[Any, Any]:
        async def run(a: Any) -> Any:
            state, version = await self.backend.load()
            try:
                output, new_state = logic(a, state)
            except Exception:
                if self.swallow:
                    return None
                raise
            await self.backend.save(new_state, version)
            return output

        return agent(run, name=getattr(logic, "__name__", "logic"))

    def lift(self, inner: Agent[Any, Any]) -> Agent[Any, Any]:
        async def run(a: Any) -> Any:
            state, version = await self.backend.load()
            output, new_state = await inner.invoke((a, state))
            await self.backend.save(new_state, version)
            return output

        return agent(run, name=f"State({inner.name})")


def test_a_users_own_state_functor_is_checked_by_the_same_laws() -> None:
    check_state_functor(
        fresh(0), int_state_logics(), st.integers(-50, 50), functor=HandRolledStateFunctor
    )


def test_a_users_state_functor_swallowing_the_logics_exception_is_caught() -> None:
    def swallowing(backend: StateBackend[Any]) -> HandRolledStateFunctor:
        return HandRolledStateFunctor(backend, swallow=True)

    with pytest.raises(LawViolation, match="exception reaches the caller unchanged"):
        check_state_functor(fresh(0), int_state_logics(), st.integers(-50, 50), functor=swallowing)
