"""The agent category laws hold for generated agents, and catch agents planted to break them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import strategies as st

from dualtrack import Agent, LawViolation, agent
from laws.agent_strategies import agents, agents_from, int_agents, int_functions, pipelines
from laws.agents import check_agent_laws

ints = st.integers(-1000, 1000)


class Clamp(Agent[int, int]):
    """A hand-written agent with a parameter."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    async def invoke(self, a: int) -> int:
        await asyncio.sleep(0)
        return max(self.low, min(self.high, a))

    @property
    def name(self) -> str:
        return f"clamp({self.low}, {self.high})"


clamps = st.tuples(ints, ints).map(lambda bounds: Clamp(min(bounds), max(bounds)))


def test_agents_lifted_from_int_functions_form_a_category() -> None:
    check_agent_laws(int_agents(), ints)


def test_pipelines_and_hand_written_agents_form_a_category() -> None:
    check_agent_laws(pipelines(st.one_of(int_agents(), clamps)), ints)


def test_agents_from_arbitrary_pure_functions_form_a_category() -> None:
    check_agent_laws(agents(returns=st.text(max_size=3)), st.text(max_size=3))


def test_agents_over_structured_values_form_a_category() -> None:
    def first_half(xs: tuple[int, ...]) -> tuple[int, ...]:
        return xs[: len(xs) // 2 + 1]

    pool = st.sampled_from([tuple, sorted, first_half, lambda xs: (*xs, 0)])
    check_agent_laws(agents_from(pool.map(lambda f: lambda xs: tuple(f(xs)))), st.tuples(ints))


# Planted breakage: each must be reported, naming the law it breaks.


class Counting(Agent[int, int]):
    """Answers differently on every call: not a function of its input."""

    def __init__(self) -> None:
        self.calls = 0

    async def invoke(self, a: int) -> int:
        self.calls += 1
        return a + self.calls


def test_an_agent_with_hidden_state_breaks_identity() -> None:
    with pytest.raises(LawViolation) as caught:
        check_agent_laws(st.builds(Counting), ints)
    message = str(caught.value)
    assert "left identity: (Id >> f)(x) == f(x)" in message
    assert "input: {'f': Agent(Counting)" in message
    assert caught.value.left != caught.value.right


def _named(fn: Any) -> str:
    return str(getattr(fn, "__name__", fn))


class Backwards(Agent[int, int]):
    """``f >> g`` builds an ordinary pipeline, but the wrong way round: ``g`` runs first."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn

    async def invoke(self, a: int) -> int:
        return int(self.fn(a))

    @property
    def name(self) -> str:
        return f"backwards {_named(self.fn)}"

    def __rshift__(self, other: Agent[int, Any]) -> Agent[int, Any]:
        return Agent.__rshift__(other, self)


def test_an_agent_that_composes_backwards_is_caught() -> None:
    with pytest.raises(LawViolation, match=r"associativity|sequencing") as caught:
        check_agent_laws(int_functions().map(Backwards), ints)
    assert "Agent(backwards " in str(caught.value)


class Reversed(Agent[int, int]):
    """A consistent opposite: ``f >> g`` means ``f(g(x))``. Identity and associativity still
    hold (it is a category, the opposite one); only sequencing tells it apart."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn

    async def invoke(self, a: int) -> int:
        return int(self.fn(a))

    def __rshift__(self, other: Agent[int, Any]) -> Agent[int, Any]:
        if not isinstance(other, Reversed):
            return Agent.__rshift__(self, other)
        first, then = other.fn, self.fn
        return Reversed(lambda a: then(first(a)))


def test_an_agent_composing_in_the_opposite_order_breaks_sequencing() -> None:
    with pytest.raises(LawViolation) as caught:
        check_agent_laws(int_functions().map(Reversed), ints)
    assert "sequencing: (f >> g)(x) == g(f(x))" in str(caught.value)


class Forgetful(Agent[int, int]):
    """``f >> g`` forgets ``f``."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn

    async def invoke(self, a: int) -> int:
        return int(self.fn(a))

    def __rshift__(self, other: Agent[int, Any]) -> Agent[int, Any]:
        return other


def test_an_agent_that_forgets_itself_when_composed_breaks_right_identity() -> None:
    with pytest.raises(LawViolation, match=r"right identity: \(f >> Id\)\(x\) == f\(x\)"):
        check_agent_laws(int_functions().map(Forgetful), ints)


def test_an_identity_that_changes_its_input_is_caught() -> None:
    off_by_one = agent(lambda n: n + 1, name="off_by_one")
    with pytest.raises(LawViolation, match=r"left identity: \(Id >> f\)\(x\) == f\(x\)"):
        check_agent_laws(int_agents(), ints, identity=off_by_one)


def test_law_checks_refuse_to_run_inside_an_event_loop() -> None:
    async def inside() -> None:
        check_agent_laws(int_agents(), ints)

    with pytest.raises(RuntimeError, match="call them from a sync test"):
        asyncio.run(inside())
