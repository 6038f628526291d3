"""Fallible steps: ``bind`` chains agents returning ``Result``, ``Succeed`` is its identity,
``safe`` turns exceptions into failures and ``SafeFunctor`` lifts with it; their laws hold."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from dualtrack import (
    Agent,
    InvalidArgument,
    InvalidInput,
    ResultFunctor,
    SafeFunctor,
    Succeed,
    agent,
    bind,
    safe,
)
from laws.agent_strategies import int_agents, raising_int_agents, result_agents
from laws.functors import check_functor, check_kleisli

ints = st.integers(-1000, 1000)
results = ints.map(Success) | st.text(max_size=3).map(Failure)


def positive(n: int) -> Result[int, str]:
    return Success(n) if n > 0 else Failure(f"{n} is not positive")


def test_bind_runs_on_success_and_passes_the_very_failure_through() -> None:
    seen: list[int] = []

    def record(n: int) -> Result[int, str]:
        seen.append(n)
        return Success(n + 1)

    chained = agent(positive) >> bind(agent(record))
    assert asyncio.run(chained.invoke(2)) == Success(3)
    failure: Result[int, str] = Failure("kept")
    assert asyncio.run(bind(agent(record)).invoke(failure)) is failure
    assert seen == [2]
    assert repr(bind(agent(record))) == "Agent(bind(record))"


def test_bind_refuses_a_step_that_does_not_return_a_result() -> None:
    with pytest.raises(InvalidInput, match=r"must return a Result .* ResultFunctor.lift"):
        asyncio.run(bind(agent(abs)).invoke(Success(-1)))
    with pytest.raises(InvalidInput, match="takes a Result"):
        asyncio.run(bind(agent(positive)).invoke(3))


def test_succeed_is_success_of_its_input_and_vanishes_into_names() -> None:
    assert asyncio.run(Succeed.invoke("x")) == Success("x")
    assert repr(Succeed >> bind(agent(positive))) == "Agent(Succeed >> bind(positive))"


def test_safe_catches_what_it_is_told_and_lets_the_rest_propagate() -> None:
    parse = safe(agent(int), catching=ValueError)
    assert asyncio.run(parse.invoke("7")) == Success(7)
    caught = asyncio.run(parse.invoke("seven"))
    assert isinstance(caught.failure(), ValueError)
    with pytest.raises(TypeError):
        asyncio.run(parse.invoke(None))
    both = safe(agent(int), catching=(ValueError, TypeError))
    assert isinstance(asyncio.run(both.invoke(None)).failure(), TypeError)


def test_safe_never_catches_cancellation() -> None:
    async def cancelled(_: object) -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(safe(agent(cancelled)).invoke(1))


@pytest.mark.parametrize("catching", [KeyboardInterrupt, BaseException, "ValueError", ()])
def test_safe_refuses_what_is_not_an_exception_class(catching: Any) -> None:
    with pytest.raises(InvalidArgument, match="catching"):
        safe(agent(int), catching=catching)


def test_a_fallible_pipeline_reads_as_the_steps() -> None:
    pipeline = safe(agent(int), catching=ValueError) >> bind(safe(agent(lambda n: 100 // n)))
    assert asyncio.run(pipeline.invoke("4")) == Success(25)
    assert isinstance(asyncio.run(pipeline.invoke("0")).failure(), ZeroDivisionError)
    assert isinstance(asyncio.run(pipeline.invoke("x")).failure(), ValueError)


def test_result_functor_lift_with_an_error_type_runs_as_without() -> None:
    lifted = ResultFunctor.lift(agent(abs), error=KeyError)
    assert asyncio.run(lifted.invoke(Success(-3))) == Success(3)


def test_kleisli_laws_hold_for_bind_and_succeed() -> None:
    check_kleisli(result_agents(), ints)


def test_kleisli_laws_take_one_arrow() -> None:
    check_kleisli(agent(positive), ints)


def test_safe_functor_is_lawful_and_catches() -> None:
    check_functor(SafeFunctor, raising_int_agents(), results, on_exception=Failure)


@pytest.mark.parametrize("inputs", [results, ints.map(Success)])
def test_result_functor_lets_exceptions_propagate(inputs: st.SearchStrategy[Any]) -> None:
    check_functor(ResultFunctor, raising_int_agents(), inputs)


def test_functor_checks_take_one_agent() -> None:
    one: Agent[int, int] = agent(lambda n: n - 1, name="decrement")
    check_functor(ResultFunctor, one, results)
    check_functor(SafeFunctor, int_agents(), results, on_exception=Failure)
