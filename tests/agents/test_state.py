"""StateFunctor and MemoryStateBackend: the seed's counter, conflicts and retries, exceptions,
None, falsy and unchanged states, and 200 concurrent invokes that lose no update."""

from __future__ import annotations

import ast
import asyncio
from typing import Any

import pytest

from dualtrack import (
    ConflictError,
    Id,
    InvalidInput,
    MemoryStateBackend,
    StateFunctor,
    agent,
)
from dualtrack.state.backend import Version

# The seed's Pattern 2, verbatim apart from the import line (the seed imported from agents.s).
SEED_COUNTER = """
from dualtrack import StateFunctor, MemoryStateBackend

# Create backend with initial state
backend = MemoryStateBackend(initial={"count": 0})

# Define logic function: (input, state) -> (output, new_state)
def counter(msg: str, state: dict) -> tuple[str, dict]:
    new_count = state["count"] + 1
    return f"Count: {new_count}", {"count": new_count}

# Lift to stateful agent
agent = StateFunctor.lift_logic(counter, backend=backend)

# State threads automatically
await agent.invoke("tick")  # "Count: 1"
await agent.invoke("tick")  # "Count: 2"
"""


async def run_like_the_asyncio_repl(source: str) -> dict[str, Any]:
    """Run ``source`` statement by statement as ``python -m asyncio`` does: top-level await
    allowed, the value of each expression statement printed by ``sys.displayhook``."""
    namespace: dict[str, Any] = {"__name__": "__seed__"}
    for statement in ast.parse(source).body:
        code = compile(
            ast.Interactive(body=[statement]),
            "<seed>",
            "single",
            flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
        )
        result = eval(code, namespace)  # the seed's example, a constant above
        if asyncio.iscoroutine(result):
            await result
    return namespace


async def test_the_seed_counter_runs_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    namespace = await run_like_the_asyncio_repl(SEED_COUNTER)
    assert capsys.readouterr().out == "'Count: 1'\n'Count: 2'\n"
    assert await namespace["backend"].load() == ({"count": 2}, 2)


def counter(msg: str, state: dict[str, int]) -> tuple[str, dict[str, int]]:
    new_count = state["count"] + 1
    return f"{msg} {new_count}", {"count": new_count}


async def test_lift_logic_on_an_instance_and_on_the_class_agree() -> None:
    on_class = StateFunctor.lift_logic(counter, backend=MemoryStateBackend(initial={"count": 0}))
    on_instance = StateFunctor(MemoryStateBackend(initial={"count": 0})).lift_logic(counter)
    for n in range(1, 4):
        assert await on_class.invoke("n") == await on_instance.invoke("n") == f"n {n}"
    assert on_class.name == on_instance.name == "State(counter)"


async def test_async_logic_and_lifted_agents() -> None:
    backend = MemoryStateBackend(initial=10)

    async def take(n: int, state: int) -> tuple[int, int]:
        await asyncio.sleep(0)
        return min(n, state), state - min(n, state)

    taking = StateFunctor.lift_logic(take, backend=backend)
    assert [await taking.invoke(n) for n in (3, 4, 5)] == [3, 4, 3]
    assert await backend.load() == (0, 3)

    step = agent(lambda pair: (pair[0] * pair[1], pair[1] + 1), name="step")
    scaled = StateFunctor(MemoryStateBackend(initial=1)).lift(step)
    assert [await scaled.invoke(n) for n in (5, 5, 5)] == [5, 10, 15]
    assert scaled.name == "State(step)"
    identity = StateFunctor.lift(Id, backend=backend)
    assert await identity.invoke("x") == "x"
    assert await backend.load() == (0, 3)


async def test_a_none_state_and_falsy_states_are_stored_like_any_other() -> None:
    backend: MemoryStateBackend[Any] = MemoryStateBackend(initial=None)

    def become(new: Any, state: Any) -> tuple[Any, Any]:
        return state, new

    becoming = StateFunctor.lift_logic(become, backend=backend)
    states: list[Any] = [0, "", [], {}, False, None, 0.0, {"a": None}, None]
    seen = [await becoming.invoke(state) for state in states]
    assert seen == [None, *states[:-1]]
    loaded, _ = await backend.load()
    assert loaded is None


async def test_an_unchanged_state_is_not_written() -> None:
    backend = MemoryStateBackend(initial={"count": 5})

    def peek(_: str, state: dict[str, int]) -> tuple[int, dict[str, int]]:
        return state["count"], state

    peeking = StateFunctor.lift_logic(peek, backend=backend)
    assert [await peeking.invoke("?") for _ in range(3)] == [5, 5, 5]
    assert await backend.load() == ({"count": 5}, 0)


async def test_a_raising_logic_saves_nothing_runs_once_and_its_exception_is_unchanged() -> None:
    backend = MemoryStateBackend(initial={"count": 0})
    calls: list[str] = []
    error = TypeError("not a retryable thing")

    def broken(msg: str, state: dict[str, int]) -> tuple[str, dict[str, int]]:
        calls.append(msg)
        state["count"] = 999  # mutating the loaded copy must not leak into the store
        raise error

    with pytest.raises(TypeError) as caught:
        await StateFunctor.lift_logic(broken, backend=backend).invoke("tick")
    assert caught.value is error
    assert calls == ["tick"]
    assert await backend.load() == ({"count": 0}, 0)


async def test_a_raising_async_logic_and_agent_save_nothing_either() -> None:
    backend = MemoryStateBackend(initial=1)

    async def broken(_: int, state: int) -> tuple[int, int]:
        await asyncio.sleep(0)
        raise KeyError("gone")

    with pytest.raises(KeyError, match="gone"):
        await StateFunctor.lift_logic(broken, backend=backend).invoke(0)

    def failing(pair: tuple[int, int]) -> tuple[int, int]:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        await StateFunctor.lift(agent(failing), backend=backend).invoke(0)
    assert await backend.load() == (1, 0)


async def test_logic_that_does_not_return_a_pair_is_refused_and_saves_nothing() -> None:
    backend = MemoryStateBackend(initial=1)
    for bad in (lambda a, s: s + 1, lambda a, s: (1, 2, 3), lambda a, s: [a, s]):
        with pytest.raises(InvalidInput, match=r"must return an \(output, new_state\) pair"):
            await StateFunctor.lift_logic(bad, backend=backend).invoke(0)
    assert await backend.load() == (1, 0)


class Contended:
    """Wraps a memory backend; before each of the first ``writes`` saves, another writer gets
    in first (it appends to the stored list), so that save conflicts for real."""

    def __init__(self, inner: MemoryStateBackend[list[str]], writes: int) -> None:
        self.inner = inner
        self.writes = writes
        self.saves = 0

    async def load(self) -> tuple[list[str], Version]:
        return await self.inner.load()

    async def save(self, state: list[str], expected_version: Version) -> Version:
        self.saves += 1
        if self.saves <= self.writes:
            current, version = await self.inner.load()
            await self.inner.save([*current, f"other {self.saves}"], version)
        return await self.inner.save(state, expected_version)


def append(item: str, state: list[str]) -> tuple[int, list[str]]:
    return len(state), [*state, item]


async def test_a_conflict_reloads_and_reruns_the_logic_losing_no_update() -> None:
    calls: list[list[str]] = []

    def recording(item: str, state: list[str]) -> tuple[int, list[str]]:
        calls.append(list(state))
        return append(item, state)

    backend = Contended(MemoryStateBackend(initial=[]), writes=3)
    appending = StateFunctor(backend, retries=3, backoff=0).lift_logic(recording)
    assert await appending.invoke("mine") == 3
    assert calls == [[], ["other 1"], ["other 1", "other 2"], ["other 1", "other 2", "other 3"]]
    assert (await backend.load())[0] == ["other 1", "other 2", "other 3", "mine"]


async def test_conflicts_past_the_retry_bound_raise_conflict_error_and_save_nothing() -> None:
    backend = Contended(MemoryStateBackend(initial=[]), writes=10)
    appending = StateFunctor.lift_logic(append, backend=backend, retries=2, backoff=0)
    with pytest.raises(ConflictError, match=r"gave up after 3 attempts.*retries=") as caught:
        await appending.invoke("mine")
    assert isinstance(caught.value.__cause__, ConflictError)
    assert backend.saves == 3
    assert (await backend.load())[0] == ["other 1", "other 2", "other 3"]


async def test_no_retries_means_one_attempt() -> None:
    backend = Contended(MemoryStateBackend(initial=[]), writes=1)
    with pytest.raises(ConflictError):
        await StateFunctor(backend, retries=0).lift_logic(append).invoke("mine")
    assert backend.saves == 1


def test_bad_settings_and_missing_backends_are_refused() -> None:
    backend = MemoryStateBackend(initial=0)
    with pytest.raises(InvalidInput, match="retries and backoff must be >= 0"):
        StateFunctor(backend, retries=-1).lift_logic(append)
    with pytest.raises(InvalidInput, match="need backend="):
        StateFunctor.lift_logic(append)  # type: ignore[call-overload]
    with pytest.raises(InvalidInput, match="needs a callable"):
        StateFunctor(backend).lift_logic(3)  # type: ignore[call-overload]
    with pytest.raises(InvalidInput, match="for a plain function use lift_logic"):
        StateFunctor(backend).lift(append)  # type: ignore[arg-type]


async def increment(_: None, count: int) -> tuple[int, int]:
    await asyncio.sleep(0)  # let every other task load the same version meanwhile
    return count + 1, count + 1


async def test_200_concurrent_invokes_on_one_backend_end_at_exactly_200() -> None:
    # Every conflict an invoke meets is another invoke's success, so with retries >= 199
    # none of the 200 can run out of retries, however the tasks interleave.
    backend = MemoryStateBackend(initial=0)
    counting = StateFunctor.lift_logic(increment, backend=backend, retries=199)
    outputs = await asyncio.gather(*[counting.invoke(None) for _ in range(200)])
    assert sorted(outputs) == list(range(1, 201))
    assert await backend.load() == (200, 200)


async def test_the_default_retries_cover_33_racing_writers() -> None:
    backend = MemoryStateBackend(initial=0)
    counting = StateFunctor(backend).lift_logic(increment)
    outputs = await asyncio.gather(*[counting.invoke(None) for _ in range(33)])
    assert sorted(outputs) == list(range(1, 34))
    assert await backend.load() == (33, 33)


async def test_200_concurrent_invokes_of_sync_logic_end_at_exactly_200() -> None:
    backend = MemoryStateBackend(initial=0)
    counting = StateFunctor.lift_logic(lambda _, n: (n + 1, n + 1), backend=backend)
    await asyncio.gather(*[counting.invoke(None) for _ in range(200)])
    assert await backend.load() == (200, 200)


async def test_memory_backend_keeps_a_private_copy() -> None:
    initial = {"items": [1]}
    backend = MemoryStateBackend(initial=initial)
    initial["items"].append(2)
    loaded, version = await backend.load()
    assert loaded == {"items": [1]}
    loaded["items"].append(3)
    assert (await backend.load())[0] == {"items": [1]}
    mine = {"items": [4]}
    await backend.save(mine, version)
    mine["items"].append(5)
    assert await backend.load() == ({"items": [4]}, 1)


async def test_memory_backend_refuses_a_stale_save_and_keeps_the_winner() -> None:
    backend = MemoryStateBackend(initial="a")
    _, version = await backend.load()
    assert await backend.save("b", version) == 1
    with pytest.raises(ConflictError, match="load it again"):
        await backend.save("c", version)
    assert await backend.load() == ("b", 1)
    assert "version=1" in repr(backend)


def test_help_on_lift_logic_and_lift_shows_their_signatures_and_docstrings() -> None:
    import inspect
    import pydoc

    bound = StateFunctor(MemoryStateBackend(initial=0))
    for method, first in [
        (StateFunctor.lift_logic, "logic"),
        (StateFunctor.lift, "agent"),
        (bound.lift_logic, "logic"),
        (bound.lift, "agent"),
    ]:
        shown = pydoc.render_doc(method, renderer=pydoc.plaintext)
        assert "partial" not in shown
        assert method.__doc__
        assert method.__doc__.startswith("Lift")
        assert method.__qualname__ in ("StateFunctor.lift_logic", "StateFunctor.lift")
        assert next(iter(inspect.signature(method).parameters)) == first
    assert list(inspect.signature(StateFunctor.lift_logic).parameters) == [
        "logic",
        "backend",
        "retries",
        "backoff",
    ]
    assert list(inspect.signature(bound.lift_logic).parameters) == ["logic"]
