"""Agents: flat composition, Id, agent() over every kind of callable, pipeline(), names."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable
from typing import Any

import pytest

from dualtrack import Agent, CompositionError, Id, InvalidInput, agent, each, key, pipeline


class Upper(Agent[str, str]):
    """A hand-written agent: a subclass with its own invoke."""

    async def invoke(self, a: str) -> str:
        await asyncio.sleep(0)
        return a.upper()


def inc(n: int) -> int:
    return n + 1


async def double(n: int) -> int:
    await asyncio.sleep(0)
    return n * 2


def later(n: int) -> Awaitable[int]:
    """A sync function that returns a coroutine: its result is awaited."""
    return double(n)


class Halver:
    async def __call__(self, n: int) -> int:
        return n // 2


async def test_agent_lifts_sync_and_async_functions() -> None:
    assert await agent(inc).invoke(1) == 2
    assert await agent(double).invoke(4) == 8
    assert await agent(later).invoke(5) == 10
    assert await agent(Halver()).invoke(9) == 4
    assert await agent(functools.partial(pow, 2)).invoke(5) == 32


async def test_a_pipeline_runs_its_stages_in_order_over_every_kind_of_stage() -> None:
    chain = agent(inc) >> agent(double) >> agent(later) >> agent(str) >> Upper()
    assert await chain.invoke(1) == "8"
    assert await (agent(str) >> Upper() >> agent(len)).invoke(123) == 3
    assert await (agent(lambda s: s + "x") >> Upper()).invoke("a") == "AX"


def test_composition_is_flat_so_grouping_does_not_matter() -> None:
    f, g, h = agent(inc), agent(double), Upper()
    left, right = (f >> g) >> h, f >> (g >> h)
    assert left.stages() == right.stages() == (f, g, h)
    assert left == right
    assert hash(left) == hash(right)
    assert pipeline(f, g, h) == left


def test_id_disappears_from_pipelines() -> None:
    f, g = agent(inc), agent(double)
    assert Id >> f is f
    assert f >> Id is f
    assert Id >> Id is Id
    assert (f >> Id >> g).stages() == (f, g)
    assert pipeline() is Id
    assert pipeline(Id, f, Id) is f
    assert Id.stages() == ()


async def test_id_returns_its_input_unchanged() -> None:
    value = {"a": [1]}
    assert await Id.invoke(value) is value


def test_names_and_reprs_read_as_the_pipeline() -> None:
    f, g = agent(inc), agent(double, name="twice")
    assert (f >> g >> Upper()).name == "inc >> twice >> Upper"
    assert repr(f >> g) == "Agent(inc >> twice)"
    assert repr(Upper()) == "Agent(Upper)"
    assert repr(Id) == "Id"
    assert agent(lambda n: n).name == "<lambda>"
    assert agent(Halver()).name == "Halver"


def test_agent_of_an_agent_is_that_agent_unless_renamed() -> None:
    upper = Upper()
    assert agent(upper) is upper
    renamed = agent(upper, name="shout")
    assert renamed.name == "shout"
    assert renamed.stages() == (renamed,)


async def test_renamed_agent_still_runs_the_original() -> None:
    assert await agent(Upper(), name="shout").invoke("hi") == "HI"


def test_function_agents_compare_by_function_and_name() -> None:
    assert agent(inc) == agent(inc)
    assert agent(inc) != agent(inc, name="other")
    assert agent(inc) != agent(double)
    assert len({agent(inc), agent(inc)}) == 1


def test_agent_refuses_what_is_not_callable() -> None:
    with pytest.raises(InvalidInput, match=r"agent\(\) needs a callable"):
        agent(42)  # type: ignore[call-overload]


def test_pipeline_refuses_what_is_not_an_agent() -> None:
    with pytest.raises(InvalidInput, match=r"argument 2 is a function.*agent\(fn\)"):
        pipeline(agent(inc), inc)  # type: ignore[call-overload]


def test_agents_and_optics_do_not_compose() -> None:
    optic: Any = key("a")
    with pytest.raises(TypeError):
        agent(inc) >> optic
    with pytest.raises(TypeError):
        optic >> agent(inc)
    with pytest.raises(TypeError):
        Id >> optic


def test_an_agent_subclass_must_define_invoke() -> None:
    class Incomplete(Agent[int, int]):
        pass

    with pytest.raises(TypeError, match="abstract"):
        Incomplete()  # type: ignore[abstract]


async def test_an_exception_in_a_stage_propagates_unchanged_and_stops_the_pipeline() -> None:
    boom = ValueError("boom")
    ran: list[int] = []

    def fail(n: int) -> int:
        raise boom

    chain = agent(inc) >> agent(fail) >> agent(ran.append)
    with pytest.raises(ValueError, match="boom") as caught:
        await chain.invoke(1)
    assert caught.value is boom
    assert ran == []


async def test_a_pipeline_is_reusable_and_safe_to_run_concurrently() -> None:
    chain = agent(double) >> agent(inc) >> agent(double)
    results = await asyncio.gather(*[chain.invoke(n) for n in range(50)])
    assert results == [(n * 2 + 1) * 2 for n in range(50)]


def test_an_optic_then_an_agent_is_a_typed_error_naming_focus() -> None:
    lines = key("lines") >> each() >> key("qty")
    double = agent(lambda n: n * 2, name="double")
    with pytest.raises(CompositionError, match=r"Focus\(key\('lines'\) >> each\(\) >> key"):
        lines >> double  # type: ignore[operator]
    with pytest.raises(CompositionError, match=r"lift\(Id\)"):
        key("a") >> Id  # type: ignore[operator]
    with pytest.raises(TypeError, match="unsupported operand"):
        3 >> double  # type: ignore[operator]
