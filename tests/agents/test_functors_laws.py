"""The functor laws hold for every functor on generated agents and inputs, and catch functors
planted to break them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import strategies as st
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Success

from dualtrack import (
    Agent,
    Focus,
    LawViolation,
    ListFunctor,
    MaybeFunctor,
    ResultFunctor,
    attr,
    each,
    index,
    item,
    key,
    lens,
)
from laws.agent_strategies import agents, int_agents
from laws.functors import check_functor

ints = st.integers(-1000, 1000)
maybes = st.just(Nothing) | ints.map(Some)
results = ints.map(Success) | st.text(max_size=3).map(Failure)


def test_maybe_functor() -> None:
    check_functor(MaybeFunctor, int_agents(), maybes)


def test_result_functor() -> None:
    check_functor(ResultFunctor, int_agents(), results)


def test_list_functor() -> None:
    check_functor(ListFunctor, int_agents(), st.lists(ints, max_size=5))


def test_list_functor_with_agents_from_arbitrary_pure_functions() -> None:
    check_functor(ListFunctor, agents(returns=st.text(max_size=2)), st.lists(st.text(max_size=2)))


def test_focus_through_a_lens() -> None:
    wholes = st.fixed_dictionaries({"a": st.fixed_dictionaries({"b": ints}), "c": ints})
    check_functor(Focus(key("a") >> key("b")), int_agents(), wholes)


def test_focus_through_an_affine() -> None:
    wholes = st.dictionaries(st.sampled_from(["n", "m"]), ints)
    check_functor(Focus(item("n")), int_agents(), wholes)


@dataclass(frozen=True)
class Basket:
    owner: str
    counts: tuple[int, ...]


def test_focus_through_traversals() -> None:
    baskets = st.builds(Basket, st.text(max_size=3), st.lists(ints, max_size=4).map(tuple))
    check_functor(Focus(attr("counts") >> each()), int_agents(), baskets)
    nested = st.lists(st.lists(ints, min_size=1, max_size=3), max_size=3)
    check_functor(Focus(each() >> index(0)), int_agents(), nested)


# Planted breakage.


class Twice:
    """Runs the agent twice: ``lift(f) = f >> f``. Identity still holds; composition does not."""

    @staticmethod
    def lift(inner: Agent[Any, Any]) -> Agent[Any, Any]:
        return MaybeFunctor.lift(inner >> inner)


def test_a_functor_that_runs_the_agent_twice_breaks_composition() -> None:
    with pytest.raises(LawViolation) as caught:
        check_functor(Twice, int_agents(), maybes)
    message = str(caught.value)
    assert "composition: lift(f >> g)(x) == (lift(f) >> lift(g))(x)" in message
    assert "'functor': <class" in message
    assert "Twice" in message


class NoneAsSome(Agent[Maybe[Any], Maybe[Any]]):
    """A Maybe functor that turns ``Nothing`` into ``Some(None)`` before running the agent."""

    def __init__(self, inner: Agent[Any, Any]) -> None:
        self.inner = inner

    async def invoke(self, a: Maybe[Any]) -> Maybe[Any]:
        value = a.value_or(None)
        return Some(value if value is None else await self.inner.invoke(value))


class LeakyMaybe:
    @staticmethod
    def lift(inner: Agent[Any, Any]) -> Agent[Any, Any]:
        return NoneAsSome(inner)


def test_a_functor_that_does_not_pass_nothing_through_breaks_identity() -> None:
    with pytest.raises(LawViolation, match=r"identity: lift\(Id\)\(x\) == x") as caught:
        check_functor(LeakyMaybe, int_agents(), maybes)
    assert caught.value.left == Some(None)
    assert caught.value.right == Nothing


def test_focus_through_a_lens_that_breaks_get_put_breaks_identity() -> None:
    stamping = lens(lambda s: s["n"], lambda s, a: {**s, "n": a, "stamped": True}, name="stamp")
    with pytest.raises(LawViolation, match="identity"):
        check_functor(Focus(stamping), int_agents(), st.fixed_dictionaries({"n": ints}))


def test_focus_through_a_lens_that_breaks_put_put_breaks_composition() -> None:
    def remembering(s: dict[str, int], a: int) -> dict[str, int]:
        return s if a == s["n"] else {"n": a, "previous": s["n"]}

    history = lens(lambda s: s["n"], remembering, name="history")
    with pytest.raises(LawViolation, match="composition"):
        check_functor(Focus(history), int_agents(), st.fixed_dictionaries({"n": ints}))
