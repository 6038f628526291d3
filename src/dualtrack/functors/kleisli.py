"""Fallible steps: agents returning ``returns``' ``Result``, chained with ``bind``.

An ``Agent[A, Result[B, E]]`` is a Kleisli arrow of ``Result``. ``bind(f)`` lifts it to
``Agent[Result[A, E], Result[B, E]]`` so that ``f >> bind(g)`` runs ``g`` on ``f``'s success and
passes ``f``'s failure through; ``Succeed`` (``Success`` of its input) is the identity of that
composition (``laws.functors.check_kleisli`` checks both identities and associativity).
"""

from __future__ import annotations

from typing import Any, Final, TypeVar, final

from returns.result import Failure, Result, Success

from dualtrack.agents import Agent
from dualtrack.errors import InvalidInput
from dualtrack.functors.lifted import Lifted

A = TypeVar("A")
B = TypeVar("B")
E = TypeVar("E")


@final
class BoundAgent(Lifted[Result[Any, Any], Result[Any, Any]]):
    """``Success(a)`` becomes ``await inner.invoke(a)`` (itself a ``Result``); a ``Failure``
    is returned as is, and the inner agent is not run."""

    functor = "bind"

    async def invoke(self, a: Result[Any, Any]) -> Result[Any, Any]:
        """Run the inner agent on the value of a success; its ``Result`` is the answer."""
        if isinstance(a, Success):
            answer = await self._run(a.unwrap())
            if isinstance(answer, Result):
                return answer
            raise InvalidInput(
                f"{self!r} binds {self.inner!r}, which must return a Result (Success or "
                f"Failure), got {type(answer).__name__}: {answer!r:.60} (use "
                "ResultFunctor.lift for a step that cannot fail, or safe() for one that raises)"
            )
        if isinstance(a, Failure):
            return a
        raise self._refuse(a, "a Result (Success(value) or Failure(error))")


def bind(agent: Agent[A, Result[B, E]], /) -> Agent[Result[A, E], Result[B, E]]:
    """The agent that runs the fallible ``agent`` on a success and passes a failure through.

    >>> import asyncio
    >>> from returns.result import Failure, Success
    >>> from dualtrack import agent
    >>> def positive(n: int) -> Result[int, str]:
    ...     return Success(n) if n > 0 else Failure(f"{n} is not positive")
    >>> def halve(n: int) -> Result[int, str]:
    ...     return Success(n // 2) if n % 2 == 0 else Failure(f"{n} is odd")
    >>> checked = agent(positive) >> bind(agent(halve))
    >>> [asyncio.run(checked.invoke(n)) for n in (8, 7, -2)]
    [<Success: 4>, <Failure: 7 is odd>, <Failure: -2 is not positive>]
    """
    return BoundAgent(agent)


@final
class SucceedAgent(Agent[Any, Result[Any, Any]]):
    """``Success`` of its input: the identity of fallible steps chained with ``bind``."""

    async def invoke(self, a: Any) -> Result[Any, Any]:
        """``Success(a)``."""
        return Success(a)

    @property
    def name(self) -> str:
        """``Succeed``."""
        return "Succeed"


#: The identity of ``bind`` composition: ``Succeed >> bind(f)`` and ``f >> bind(Succeed)``
#: behave as ``f``.
Succeed: Final = SucceedAgent()
