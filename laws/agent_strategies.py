"""Hypothesis strategies for agents built from plain functions, and for state logic.

Every agent is a function lifted with :func:`~dualtrack.agent`, drawn either as the sync
function itself or behind an ``async def``, so laws see both kinds of stage.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from dualtrack import Agent, agent

A = TypeVar("A")
B = TypeVar("B")
S = TypeVar("S")

Logic = Callable[[A, S], tuple[B, S]]


def _named(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    fn.__name__ = fn.__qualname__ = name
    return fn


def _lifted(fn_and_async: tuple[Callable[[A], B], bool]) -> Agent[A, B]:
    fn, asynchronous = fn_and_async
    name = getattr(fn, "__name__", "f")
    if not asynchronous:
        return agent(fn, name=name)

    async def call(a: A) -> B:
        return fn(a)

    return agent(call, name=f"async {name}")


def agents_from(functions: st.SearchStrategy[Callable[[A], B]]) -> st.SearchStrategy[Agent[A, B]]:
    """Agents lifted from ``functions``, each as a sync or an async stage.

    >>> from laws.agents import check_agent_laws
    >>> check_agent_laws(agents_from(st.sampled_from([abs, round])), st.integers())
    """
    return st.tuples(functions, st.booleans()).map(_lifted)


def pipelines(
    stages: st.SearchStrategy[Agent[A, A]], max_stages: int = 4
) -> st.SearchStrategy[Agent[A, A]]:
    """Pipelines of one to ``max_stages`` agents from ``stages``, composed with ``>>``."""
    return st.lists(stages, min_size=1, max_size=max_stages).map(_composed)


def _composed(stages: list[Agent[A, A]]) -> Agent[A, A]:
    return functools.reduce(operator.rshift, stages)


def agents(returns: st.SearchStrategy[B]) -> st.SearchStrategy[Agent[Hashable, B]]:
    """Agents from arbitrary pure functions (``st.functions(pure=True)``) returning ``returns``.

    Pure functions remember their answer per input, so inputs must be hashable.
    """
    return agents_from(st.functions(like=lambda a: a, returns=returns, pure=True))


def _add(k: int) -> Callable[[int], int]:
    return _named(f"add({k})", lambda n: n + k)


def _times(k: int) -> Callable[[int], int]:
    return _named(f"times({k})", lambda n: n * k)


def _mod(k: int) -> Callable[[int], int]:
    return _named(f"mod({k})", lambda n: n % k)


#: Fixed functions on ints, named for readable agents and law messages.
INT_FUNCTIONS: tuple[Callable[[int], int], ...] = (
    _named("negate", lambda n: -n),
    _named("halve", lambda n: n // 2),
    _named("square", lambda n: n * n),
    abs,
)


def int_functions() -> st.SearchStrategy[Callable[[int], int]]:
    """Named pure functions on ints (``add(3)``, ``times(-2)``, ``mod(5)``, ``negate``...)."""
    return st.one_of(
        st.sampled_from(INT_FUNCTIONS),
        st.integers(-5, 5).map(_add),
        st.integers(-3, 3).map(_times),
        st.integers(1, 7).map(_mod),
    )


def int_agents() -> st.SearchStrategy[Agent[int, int]]:
    """Agents over ints from :func:`int_functions`, sync and async."""
    return agents_from(int_functions())


def _refusing(k: int, fn: Callable[[int], int]) -> Callable[[int], int]:
    def refusing(n: int) -> int:
        if n % k == 0:
            raise ValueError(f"{n} is a multiple of {k}")
        return fn(n)

    return _named(f"{getattr(fn, '__name__', 'f')} refusing multiples of {k}", refusing)


def raising_int_agents() -> st.SearchStrategy[Agent[int, int]]:
    """Agents over ints that raise ``ValueError`` on the multiples of some ``k`` (and are
    :func:`int_agents` elsewhere), mixed with agents that never raise: for exception laws."""
    refusing = st.builds(_refusing, st.integers(2, 4), int_functions())
    return st.one_of(int_agents(), agents_from(refusing))


def _arrow(k: int, fn: Callable[[int], int]) -> Callable[[int], Result[int, str]]:
    def arrow(n: int) -> Result[int, str]:
        return Failure(f"{n} is a multiple of {k}") if n % k == 0 else Success(fn(n))

    return _named(f"{getattr(fn, '__name__', 'f')} failing on multiples of {k}", arrow)


def result_agents() -> st.SearchStrategy[Agent[int, Result[int, str]]]:
    """Fallible agents over ints (Kleisli arrows of ``Result``): ``Failure`` on the multiples
    of some ``k``, ``Success`` of a function from :func:`int_functions` elsewhere.

    >>> from laws.functors import check_kleisli
    >>> check_kleisli(result_agents(), st.integers())
    """
    return agents_from(st.builds(_arrow, st.integers(2, 5), int_functions()))


#: Fixed state logic on int inputs and states: ``(input, state) -> (output, new_state)``.
INT_STATE_LOGICS: tuple[Logic[int, int, int], ...] = (
    _named("accumulate", lambda a, s: (s + a, s + a)),
    _named("count", lambda a, s: (s, s + 1)),
    _named("swap", lambda a, s: (s, a)),
    _named("read", lambda a, s: (a * s, s)),
    _named("keep_max", lambda a, s: (max(a, s), max(a, s))),
    _named("reset", lambda a, s: (s, 0)),
)


def _scale(k: int) -> Logic[int, int, int]:
    return _named(f"scale({k})", lambda a, s: (a + s, s * k))


def int_state_logics() -> st.SearchStrategy[Logic[int, int, int]]:
    """Named pure ``(input, state) -> (output, new_state)`` functions over int inputs and
    states (accumulate, count, swap, read, keep_max, reset, scale(k)).

    >>> accumulate = INT_STATE_LOGICS[0]
    >>> accumulate.__name__, accumulate(2, 3)
    ('accumulate', (5, 5))
    """
    return st.one_of(st.sampled_from(INT_STATE_LOGICS), st.integers(-2, 3).map(_scale))


def state_logics(
    outputs: st.SearchStrategy[B], states: st.SearchStrategy[S]
) -> st.SearchStrategy[Logic[Hashable, S, B]]:
    """Arbitrary pure logic returning ``(output, new_state)`` pairs drawn from the strategies.

    Pure functions remember their answer per argument, so inputs and states must be hashable.
    """
    return st.functions(like=lambda a, s: (a, s), returns=st.tuples(outputs, states), pure=True)
