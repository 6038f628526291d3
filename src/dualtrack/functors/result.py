"""``ResultFunctor``: run an agent inside ``returns``' ``Result``; a ``Failure`` passes through."""

from __future__ import annotations

from typing import Any, TypeVar

from returns.result import Failure, Result, Success

from dualtrack.agents import Agent
from dualtrack.functors.lifted import Lifted

A = TypeVar("A")
B = TypeVar("B")


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
    agent raises propagates (lifting maps successes, it does not catch).

    >>> import asyncio
    >>> from returns.result import Failure, Success
    >>> from dualtrack import agent
    >>> length = ResultFunctor.lift(agent(len))
    >>> asyncio.run(length.invoke(Success("abc"))), asyncio.run(length.invoke(Failure("no")))
    (<Success: 3>, <Failure: no>)
    """

    @staticmethod
    def lift(agent: Agent[A, B], /) -> Agent[Result[A, Any], Result[B, Any]]:
        """The agent that runs ``agent`` on the value of a ``Success``."""
        return ResultAgent(agent)
