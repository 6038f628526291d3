"""``ResultFunctor``: run an agent inside ``returns``' ``Result``; a ``Failure`` passes through."""

from __future__ import annotations

from typing import Any, overload

from returns.result import Failure, Result, Success
from typing_extensions import TypeVar

from dualtrack.agents import Agent
from dualtrack.functors.lifted import Lifted

A = TypeVar("A")
B = TypeVar("B")
#: The error type: kept when the checker knows it from context or from ``error=``, else ``Any``.
E = TypeVar("E", default=Any)


class ResultAgent(Lifted[Result[Any, Any], Result[Any, Any]]):
    """``Success(a)`` becomes ``Success(await inner.invoke(a))``; a ``Failure`` is returned as
    is (the same object)."""

    functor = "Result"

    async def invoke(self, a: Result[Any, Any]) -> Result[Any, Any]:
        """Run the inner agent on the value of a success."""
        if isinstance(a, Success):
            return Success(await self._run(a.unwrap()))
        if isinstance(a, Failure):
            return a
        raise self._refuse(a, "a Result (Success(value) or Failure(error))")


class ResultFunctor:
    """Lifts ``Agent[A, B]`` to ``Agent[Result[A, E], Result[B, E]]``; an exception the inner
    agent raises propagates (lifting maps successes, it does not catch: see ``safe``).

    The error type ``E`` is the one of the step before when mypy sees it (``parse >>
    ResultFunctor.lift(f)``); ``lift(f, error=ParseError)`` names it for every checker.

    >>> import asyncio
    >>> from returns.result import Failure, Success
    >>> from dualtrack import agent
    >>> length = ResultFunctor.lift(agent(len))
    >>> asyncio.run(length.invoke(Success("abc"))), asyncio.run(length.invoke(Failure("no")))
    (<Success: 3>, <Failure: no>)
    """

    @overload
    @staticmethod
    def lift(agent: Agent[A, B], /) -> Agent[Result[A, E], Result[B, E]]: ...
    @overload
    @staticmethod
    def lift(agent: Agent[A, B], /, *, error: type[E]) -> Agent[Result[A, E], Result[B, E]]: ...
    @staticmethod
    def lift(
        agent: Agent[Any, Any], /, *, error: type[Any] = object
    ) -> Agent[Result[Any, Any], Result[Any, Any]]:
        """The agent that runs ``agent`` on the value of a ``Success`` (``error`` only types)."""
        return ResultAgent(agent)
