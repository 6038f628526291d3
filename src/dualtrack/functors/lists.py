"""``ListFunctor``: run an agent on every element of a list, concurrently, keeping order."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from dualtrack.agents import Agent
from dualtrack.functors.lifted import Lifted

A = TypeVar("A")
B = TypeVar("B")


class ListAgent(Lifted[list[Any], list[Any]]):
    """Every element through the inner agent at once (``asyncio.gather``), results in order."""

    functor = "List"

    async def invoke(self, a: list[Any]) -> list[Any]:
        """The list of the inner agent's results, one per element of ``a``."""
        if not isinstance(a, list):
            raise self._refuse(a, "a list")
        run = self._run
        return list(await asyncio.gather(*[run(element) for element in a]))


class ListFunctor:
    """Lifts ``Agent[A, B]`` to ``Agent[list[A], list[B]]``.

    >>> import asyncio
    >>> from dualtrack import agent
    >>> asyncio.run(ListFunctor.lift(agent(str.title)).invoke(["ada", "grace"]))
    ['Ada', 'Grace']
    """

    @staticmethod
    def lift(agent: Agent[A, B], /) -> Agent[list[A], list[B]]:
        """The agent that runs ``agent`` on each element of a list."""
        return ListAgent(agent)
