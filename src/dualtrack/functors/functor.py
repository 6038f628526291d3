"""The ``Functor`` protocol: a map from agents to agents that keeps identity and composition."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from dualtrack.agents import Agent


@runtime_checkable
class Functor(Protocol):
    """Anything with ``lift(agent)`` returning an agent over a wrapped type.

    Its laws (checked by ``laws.functors.check_functor``): ``lift(Id)`` behaves as ``Id``, and
    ``lift(f >> g)`` behaves as ``lift(f) >> lift(g)``.
    """

    def lift(self, agent: Agent[Any, Any], /) -> Agent[Any, Any]:
        """The agent that runs ``agent`` inside the wrapped type."""
        ...
