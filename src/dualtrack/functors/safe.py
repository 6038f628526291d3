"""``safe``: an agent whose exceptions become ``Failure`` values; ``SafeFunctor`` lifts with it.

Every other functor lets the inner agent's exception propagate (a law says so); ``safe`` is
the one place where an exception turns into data, so a pipeline chooses where it does.
"""

from __future__ import annotations

from typing import Any, TypeVar, final, overload

from returns.result import Failure, Result, Success

from dualtrack.agents import Agent
from dualtrack.errors import InvalidArgument
from dualtrack.functors.kleisli import bind
from dualtrack.functors.lifted import Lifted

A = TypeVar("A")
B = TypeVar("B")
E = TypeVar("E", bound=Exception)


@final
class SafeAgent(Lifted[Any, Result[Any, Any]]):
    """``Success`` of the inner agent's answer, or ``Failure`` of the exception it raised, when
    that exception is one of ``catching``; any other exception propagates."""

    functor = "safe"

    def __init__(self, inner: Agent[Any, Any], catching: tuple[type[Exception], ...]) -> None:
        super().__init__(inner)
        self.catching = catching

    async def invoke(self, a: Any) -> Result[Any, Any]:
        """Run the inner agent; its answer is a success, a caught exception a failure."""
        try:
            return Success(await self._run(a))
        except self.catching as error:
            return Failure(error)


def _exception_classes(
    catching: type[Exception] | tuple[type[Exception], ...],
) -> tuple[type[Exception], ...]:
    classes = catching if isinstance(catching, tuple) else (catching,)
    for cls in classes:
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            raise InvalidArgument(
                f"safe(catching=...) takes subclasses of Exception, got {cls!r:.60} (BaseException "
                "subclasses such as CancelledError and KeyboardInterrupt must propagate)"
            )
    if not classes:
        raise InvalidArgument("safe(catching=()) would catch nothing: name at least one class")
    return classes


@overload
def safe(agent: Agent[A, B], /) -> Agent[A, Result[B, Exception]]: ...
@overload
def safe(
    agent: Agent[A, B], /, *, catching: type[E] | tuple[type[E], ...]
) -> Agent[A, Result[B, E]]: ...
def safe(
    agent: Agent[Any, Any],
    /,
    *,
    catching: type[Exception] | tuple[type[Exception], ...] = Exception,
) -> Agent[Any, Result[Any, Any]]:
    """The agent that answers ``Success(agent(a))``, or ``Failure(error)`` when ``agent`` raises
    one of ``catching`` (``Exception`` by default; other exceptions still propagate).

    >>> import asyncio
    >>> from dualtrack import agent
    >>> parse = safe(agent(int), catching=ValueError)
    >>> asyncio.run(parse.invoke("42")), asyncio.run(parse.invoke("forty-two"))
    (<Success: 42>, <Failure: invalid literal for int() with base 10: 'forty-two'>)
    """
    return SafeAgent(agent, _exception_classes(catching))


class SafeFunctor:
    """Lifts ``Agent[A, B]`` to ``Agent[Result[A, Exception], Result[B, Exception]]``: a success
    runs the agent and an exception it raises becomes a ``Failure``; a failure passes through.
    ``SafeFunctor.lift(f)`` is ``bind(safe(f))``.

    >>> import asyncio
    >>> from returns.result import Success
    >>> from dualtrack import agent
    >>> inverse = SafeFunctor.lift(agent(lambda n: 1 / n, name="inverse"))
    >>> inverse, asyncio.run(inverse.invoke(Success(4))), asyncio.run(inverse.invoke(Success(0)))
    (Agent(bind(safe(inverse))), <Success: 0.25>, <Failure: division by zero>)
    """

    @staticmethod
    def lift(agent: Agent[A, B], /) -> Agent[Result[A, Exception], Result[B, Exception]]:
        """The agent that runs ``agent`` on a success, catching its exceptions as failures."""
        return bind(safe(agent))
