"""``agent(fn)``: an agent from a plain sync or async callable."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, final, overload

from dualtrack.agents.agent import Agent, Step
from dualtrack.agents.awaiting import PLAIN, awaitable_type
from dualtrack.errors import InvalidInput

T = TypeVar("T")
U = TypeVar("U")


@final
class FunctionAgent(Agent[T, U]):
    """An agent that calls one function; a sync function runs without a coroutine of its own
    when it is a stage of a pipeline."""

    def __init__(self, fn: Callable[[T], Any], name: str, awaits: bool) -> None:
        self._fn = fn
        self._name = name
        self._awaits = awaits

    async def invoke(self, a: T) -> U:
        """Call the function on ``a``, awaiting the result if it is awaitable."""
        if self._awaits:
            return await self._fn(a)  # type: ignore[no-any-return]
        result = self._fn(a)
        if type(result) not in PLAIN and awaitable_type(type(result)):
            return await result  # type: ignore[no-any-return]
        return result  # type: ignore[no-any-return]

    @property
    def name(self) -> str:
        """The function's name, or the name given to ``agent()``."""
        return self._name

    def _step(self) -> Step:
        return (self._fn, self._awaits)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FunctionAgent) and self._fn == other._fn and self._name == other._name
        )

    def __hash__(self) -> int:
        return hash((self._fn, self._name))


def is_async(fn: Callable[..., Any]) -> bool:
    """Whether calling ``fn`` always returns a coroutine (an ``async def`` function or object)."""
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
        getattr(fn, "__call__", None)  # noqa: B004 - the bound __call__ of a callable object
    )


@overload
def agent(fn: Callable[[T], Awaitable[U]], *, name: str | None = None) -> Agent[T, U]: ...
@overload
def agent(fn: Callable[[T], U], *, name: str | None = None) -> Agent[T, U]: ...
def agent(fn: Callable[[Any], Any], *, name: str | None = None) -> Agent[Any, Any]:
    """Lift a sync or async one-argument callable to an agent named after it.

    An awaitable result is awaited, so a sync function returning a coroutine works too.

    >>> import asyncio
    >>> async def double(n: int) -> int:
    ...     return n * 2
    >>> inc = agent(lambda n: n + 1, name="inc")
    >>> both = agent(double) >> inc
    >>> both, asyncio.run(both.invoke(20))
    (Agent(double >> inc), 41)
    """
    if isinstance(fn, Agent):
        return fn if name is None else FunctionAgent(fn.invoke, name, True)
    if not callable(fn):
        raise InvalidInput(
            f"agent() needs a callable taking one argument, got {type(fn).__name__}: {fn!r:.60}"
        )
    label = name if name is not None else getattr(fn, "__name__", type(fn).__name__)
    return FunctionAgent(fn, label, is_async(fn))
