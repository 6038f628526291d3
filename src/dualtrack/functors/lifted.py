"""``Lifted``: the base of agents a functor builds around an inner agent."""

from __future__ import annotations

from typing import Any, TypeVar

from dualtrack.agents import Agent
from dualtrack.errors import InvalidInput

A = TypeVar("A", contravariant=True)
B = TypeVar("B", covariant=True)


class Lifted(Agent[A, B]):
    """An agent running ``inner`` inside some structure, named ``<functor>(<inner>)``."""

    functor: str = "Functor"

    def __init__(self, inner: Agent[Any, Any]) -> None:
        if not isinstance(inner, Agent):
            raise InvalidInput(
                f"{self.functor} lifts agents, got {type(inner).__name__}: {inner!r:.60} "
                "(lift a function with agent(fn) first)"
            )
        self.inner = inner
        self._run = inner.invoke

    @property
    def name(self) -> str:
        """The functor's name around the inner agent's, as in ``Maybe(f >> g)``."""
        return f"{self.functor}({self.inner.name})"

    def _refuse(self, value: object, expected: str) -> InvalidInput:
        return InvalidInput(f"{self!r} takes {expected}, got {type(value).__name__}: {value!r:.60}")
