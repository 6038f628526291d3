"""``MaybeFunctor``: run an agent inside ``returns``' ``Maybe``; ``Nothing`` passes through."""

from __future__ import annotations

from typing import Any, TypeVar

from returns.maybe import Maybe, Some

from dualtrack.agents import Agent
from dualtrack.functors.lifted import Lifted

A = TypeVar("A")
B = TypeVar("B")


class MaybeAgent(Lifted[Maybe[Any], Maybe[Any]]):
    """``Some(a)`` becomes ``Some(await inner.invoke(a))``; ``Nothing`` is returned as is."""

    functor = "Maybe"

    async def invoke(self, a: Maybe[Any]) -> Maybe[Any]:
        """Run the inner agent on the value in ``a``, if there is one."""
        if isinstance(a, Some):
            return Some(await self._run(a.unwrap()))
        if isinstance(a, Maybe):
            return a
        raise self._refuse(a, "a Maybe (Some(value) or Nothing)")


class MaybeFunctor:
    """Lifts ``Agent[A, B]`` to ``Agent[Maybe[A], Maybe[B]]``.

    >>> import asyncio
    >>> from returns.maybe import Nothing, Some
    >>> from dualtrack import agent
    >>> double = MaybeFunctor.lift(agent(lambda n: n * 2, name="double"))
    >>> double, asyncio.run(double.invoke(Some(21))), asyncio.run(double.invoke(Nothing))
    (Agent(Maybe(double)), <Some: 42>, <Nothing>)
    """

    @staticmethod
    def lift(agent: Agent[A, B], /) -> Agent[Maybe[A], Maybe[B]]:
        """The agent that runs ``agent`` on the value of a ``Some``."""
        return MaybeAgent(agent)
