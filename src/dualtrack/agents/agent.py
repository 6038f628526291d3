"""``Agent[A, B]``: an async step from ``A`` to ``B``, composed flat with ``>>``; and ``Id``.

A composition keeps one flat tuple of its stages, so ``(f >> g) >> h`` and ``f >> (g >> h)``
are the same pipeline and the identity agent ``Id`` vanishes from every pipeline it joins.
Running a pipeline loops over its stages' raw functions: no agent object sits between stages.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Generic, NoReturn, TypeAlias, TypeVar, final

from dualtrack.agents.awaiting import PLAIN, awaitable_type
from dualtrack.errors import CompositionError
from dualtrack.optics.optic import Optic

A = TypeVar("A", contravariant=True)
B = TypeVar("B", covariant=True)
C = TypeVar("C")
X = TypeVar("X")
Y = TypeVar("Y")

#: How a pipeline runs one stage: the function, and whether its result is always awaited
#: (a sync function's result is awaited only when it turns out to be awaitable).
Step: TypeAlias = tuple[Callable[[Any], Any], bool]


class Agent(ABC, Generic[A, B]):
    """An async step from ``A`` to ``B``: subclass it and define ``invoke``, or use ``agent()``.

    >>> import asyncio
    >>> from dualtrack import agent
    >>> shout = agent(str.upper) >> agent(lambda s: s + "!")
    >>> asyncio.run(shout.invoke("hi"))
    'HI!'
    """

    @abstractmethod
    async def invoke(self, a: A) -> B:
        """Run the agent on one input."""

    @property
    def name(self) -> str:
        """How the agent reads in a pipeline's name (``a >> b``): its class name by default."""
        return type(self).__name__

    def stages(self) -> tuple[Agent[Any, Any], ...]:
        """The agents this one runs, in order: itself, the stages of a pipeline, none for Id."""
        return (self,)

    def _step(self) -> Step:
        """The raw function a pipeline calls to run this agent as one of its stages."""
        return (self.invoke, True)

    def __rshift__(self, other: Agent[B, C]) -> Agent[A, C]:
        """Run ``self``, then ``other`` on its result."""
        if not isinstance(other, Agent):
            return NotImplemented
        return compose(self, other)

    if not TYPE_CHECKING:  # mypy already rejects ``optic >> agent``; this is the run-time twin

        def __rrshift__(self, other: object) -> NoReturn:
            if isinstance(other, Optic):
                raise _optic_then_agent(other, self)
            return NotImplemented

    def __repr__(self) -> str:
        return f"Agent({self.name})"

    def _repr_svg_(self) -> str:
        """Jupyter's picture of this agent: its stages in order (drawn by dualtrack.display)."""
        from dualtrack.display.agents import pipeline_svg

        return pipeline_svg(self)


def _optic_then_agent(optic: Optic[Any, Any, Any], agent: Agent[Any, Any]) -> CompositionError:
    return CompositionError(
        f"cannot compose {optic!r} >> {agent!r}: an optic is not an agent, so they do not "
        "chain. To run the agent on what the optic focuses, lift it with the optic: "
        f"Focus({optic.path}).lift({agent.name})"
    )


@final
class Pipeline(Agent[Any, Any]):
    """Two or more agents run one after another, kept as one flat tuple of stages."""

    def __init__(self, stages: tuple[Agent[Any, Any], ...]) -> None:
        self._stages = stages
        self._steps = tuple(stage._step() for stage in stages)
        every_async = all(awaits for _, awaits in self._steps)
        #: When every stage is async, the plain tuple of their functions: the fastest loop.
        self._coroutines = tuple(run for run, _ in self._steps) if every_async else None

    async def invoke(self, a: Any) -> Any:
        """Feed ``a`` through every stage in order."""
        if self._coroutines is not None:
            for run in self._coroutines:
                a = await run(a)
            return a
        for run, awaits in self._steps:
            if awaits:
                a = await run(a)
            else:
                a = run(a)
                if type(a) not in PLAIN and awaitable_type(type(a)):
                    a = await a
        return a

    @property
    def name(self) -> str:
        """The stages' names joined by ``>>``."""
        return " >> ".join(stage.name for stage in self._stages)

    def stages(self) -> tuple[Agent[Any, Any], ...]:
        """The agents run, in order."""
        return self._stages

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pipeline) and self._stages == other._stages

    def __hash__(self) -> int:
        return hash(self._stages)


def _same(a: Any) -> Any:
    return a


@final
class IdentityAgent(Agent[Any, Any]):
    """The agent that returns its input; it has no stages, so composing with it adds none."""

    async def invoke(self, a: Any) -> Any:
        """Return ``a``."""
        return a

    @property
    def name(self) -> str:
        """``Id``."""
        return "Id"

    def stages(self) -> tuple[Agent[Any, Any], ...]:
        """None: ``Id`` disappears from every pipeline."""
        return ()

    def _step(self) -> Step:
        return (_same, False)

    def __rshift__(self, other: Agent[X, Y]) -> Agent[X, Y]:
        """``other`` itself."""
        if not isinstance(other, Agent):
            return NotImplemented
        return other

    def __rrshift__(self, other: Agent[X, Y]) -> Agent[X, Y]:
        """``other`` itself."""
        if isinstance(other, Optic):
            raise _optic_then_agent(other, self)
        if not isinstance(other, Agent):
            return NotImplemented
        return other

    def __repr__(self) -> str:
        return "Id"


#: The identity agent: ``Id >> f`` and ``f >> Id`` are ``f`` itself.
Id: Final = IdentityAgent()


def compose(*agents: Agent[Any, Any]) -> Agent[Any, Any]:
    """One agent running ``agents`` in order, flattened: ``Id`` when none, the agent when one.

    >>> from dualtrack import Id, agent
    >>> f, g = agent(abs, name="f"), agent(str, name="g")
    >>> compose(Id, f, Id) is f, compose(), compose(f >> g, Id, g)
    (True, Id, Agent(f >> g >> g))
    """
    stages = tuple(stage for each in agents for stage in each.stages())
    if not stages:
        return Id
    if len(stages) == 1:
        return stages[0]
    return Pipeline(stages)
