"""``Focus(optic)``: run an ``Agent[A, A]`` on the parts an optic focuses inside a whole."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

from returns.maybe import Some

from dualtrack.agents import Agent
from dualtrack.errors import InvalidInput, UnsupportedOperation
from dualtrack.functors.lifted import Lifted
from dualtrack.optics import Optic, Traversal
from dualtrack.optics.kinds import with_article

S = TypeVar("S")
A = TypeVar("A")

Run = Callable[[Any], Awaitable[Any]]


async def _through_lens(optic: Optic[Any, Any, Any], run: Run, whole: Any) -> Any:
    return optic.set(whole, await run(optic.get(whole)))


async def _through_affine(optic: Optic[Any, Any, Any], run: Run, whole: Any) -> Any:
    focus = optic.preview(whole)
    if isinstance(focus, Some):
        return optic.set(whole, await run(focus.unwrap()))
    return whole


async def _through_traversal(optic: Optic[Any, Any, Any], run: Run, whole: Any) -> Any:
    foci = optic.get_all(whole)
    if not foci:
        return whole
    results: Iterator[Any] = iter(await asyncio.gather(*[run(focus) for focus in foci]))
    # modify visits the foci in get_all's order, so each takes its own result back.
    return optic.modify(whole, lambda _: next(results))


_BY_KIND = {
    "Iso": _through_lens,
    "Lens": _through_lens,
    "Prism": _through_affine,
    "Affine": _through_affine,
    "Traversal": _through_traversal,
}


class FocusAgent(Lifted[Any, Any]):
    """The whole, with the inner agent's result put back at each focus of the optic."""

    functor = "Focus"

    def __init__(self, focus: Focus[Any, Any], inner: Agent[Any, Any]) -> None:
        super().__init__(inner)
        self._optic = focus.optic
        self._through = _BY_KIND[focus.optic.kind]

    @property
    def name(self) -> str:
        """``Focus(<optic path>, <inner agent>)``."""
        return f"Focus({self._optic.path}, {self.inner.name})"

    async def invoke(self, a: Any) -> Any:
        """Run the inner agent on what the optic focuses in ``a`` and set the results back."""
        return await self._through(self._optic, self._run, a)


class Focus(Generic[S, A]):
    """Lifts ``Agent[A, A]`` to ``Agent[S, S]`` through a lens, affine, prism or traversal.

    A traversal's foci go through the agent concurrently; a missing affine focus leaves the
    whole as it is.

    >>> import asyncio
    >>> from dualtrack import agent, each, key
    >>> shout = Focus(key("tags") >> each()).lift(agent(str.upper))
    >>> shout
    Agent(Focus(key('tags') >> each(), upper))
    >>> asyncio.run(shout.invoke({"tags": ["a", "b"], "n": 1}))
    {'tags': ['A', 'B'], 'n': 1}
    """

    def __init__(self, optic: Traversal[S, A]) -> None:
        if not isinstance(optic, Optic):
            raise InvalidInput(f"Focus() takes an optic, got {type(optic).__name__}: {optic!r:.60}")
        if optic.kind not in _BY_KIND:
            raise UnsupportedOperation(
                f"Focus needs an optic that reads and writes (Lens, Iso, Prism, Affine or "
                f"Traversal); {with_article(optic.kind)} cannot put the agent's result back",
                optic.path,
            )
        self.optic = optic

    def lift(self, agent: Agent[A, A], /) -> Agent[S, S]:
        """The agent that runs ``agent`` on each focus of the optic."""
        return FocusAgent(self, agent)

    def __repr__(self) -> str:
        return f"Focus({self.optic.path})"
