"""Defects the category and functor laws missed, planted on purpose: each is caught by the
newer laws (reference, determinism, exceptions, Kleisli) on every one of 20 seeds."""

from __future__ import annotations

import time
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from dualtrack import Agent, ResultFunctor, agent, bind
from laws.agent_strategies import int_agents, raising_int_agents, result_agents
from laws.agents import check_agent_laws, check_agrees_with, check_deterministic
from laws.core import with_defaults
from laws.functors import check_functor, check_kleisli
from tests.seeded import NO_DATABASE, caught_on_seeds

ints = st.integers(-1000, 1000)
results = ints.map(Success) | st.text(max_size=3).map(Failure)


class BucketCache(Agent[int, int]):
    """Squares, remembering each answer under ``n // 10``: right for the first input of each
    bucket, and answering every later input of that bucket with the first one's square."""

    def __init__(self) -> None:
        self.answers: dict[int, int] = {}

    async def invoke(self, a: int) -> int:
        return self.answers.setdefault(a // 10, a * a)


def square(n: int) -> int:
    return n * n


def test_the_category_laws_miss_a_cache_under_colliding_keys() -> None:
    check_agent_laws(BucketCache(), ints, settings=NO_DATABASE)


def test_agreement_with_a_reference_catches_it_on_every_seed() -> None:
    missed = caught_on_seeds(
        lambda: check_agrees_with(BucketCache(), square, ints, settings=NO_DATABASE),
        "extensional equality",
    )
    assert missed == []


def test_determinism_across_histories_catches_it_on_every_seed() -> None:
    missed = caught_on_seeds(
        lambda: check_deterministic(BucketCache, ints, settings=NO_DATABASE), "determinism"
    )
    assert missed == []


def test_correct_agents_pass_the_new_agent_laws() -> None:
    check_agrees_with(agent(square), square, ints)
    check_deterministic(lambda: agent(square), ints)
    check_deterministic(agent(square), ints)


class Swallowing:
    """A Result functor that turns the agent's exception into a ``Failure``: identity and
    composition hold for agents that never raise, and the exception law does not."""

    @staticmethod
    def lift(inner: Agent[Any, Any]) -> Agent[Any, Any]:
        async def run(r: Result[Any, Any]) -> Result[Any, Any]:
            if isinstance(r, Failure):
                return r
            try:
                return Success(await inner.invoke(r.unwrap()))
            except Exception as error:
                return Failure(error)

        return agent(run, name=f"Swallowing({inner.name})")


def test_a_functor_swallowing_exceptions_is_caught_on_every_seed() -> None:
    missed = caught_on_seeds(
        lambda: check_functor(Swallowing, int_agents(), results, settings=NO_DATABASE),
        "exceptions propagate",
    )
    assert missed == []


def test_a_functor_swallowing_exceptions_passes_as_the_safe_functor_it_is() -> None:
    check_functor(Swallowing, raising_int_agents(), results, on_exception=Failure)


def recovering_bind(step: Agent[Any, Any]) -> Agent[Any, Any]:
    """A bind that recovers every failure as ``Success(0)`` instead of passing it through."""

    async def run(r: Result[Any, Any]) -> Result[Any, Any]:
        if isinstance(r, Failure):
            return Success(0)
        answer: Result[Any, Any] = await step.invoke(r.unwrap())
        return answer

    return agent(run, name=f"recovering({step.name})")


def test_a_bind_that_recovers_failures_is_caught_on_every_seed() -> None:
    missed = caught_on_seeds(
        lambda: check_kleisli(result_agents(), ints, bind=recovering_bind, settings=NO_DATABASE),
        "Kleisli right identity",
    )
    assert missed == []


def test_a_users_settings_extend_the_law_defaults() -> None:
    chosen = with_defaults(settings(max_examples=3))
    assert (chosen.max_examples, chosen.deadline) == (3, None)
    slow = settings(with_defaults(None), deadline=1234)
    assert with_defaults(settings(slow, max_examples=2)).deadline.total_seconds() == 1.234


def test_a_slow_correct_agent_passes_under_a_users_max_examples() -> None:
    def slow_square(n: int) -> int:
        time.sleep(0.05)
        return n * n

    check_agent_laws(agent(slow_square), ints, settings=settings(max_examples=2))


def test_the_result_functor_still_passes_every_law() -> None:
    check_functor(ResultFunctor, raising_int_agents(), results)
    check_kleisli(agent(lambda n: Success(n) if n % 3 else Failure("three")), ints)
    assert bind is not None
