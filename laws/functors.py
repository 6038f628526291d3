"""The functor laws for anything with ``lift(agent)``, as reusable hypothesis checks.

A functor maps agents to agents and must keep the structure of composition: lifting ``Id``
gives an agent that behaves as ``Id``, and lifting ``f >> g`` behaves as lifting each::

    def test_focus_on_names():
        check_functor(Focus(key("name")), int_agents(), inputs=people)

``inputs`` are values of the lifted type (``Maybe`` values for ``MaybeFunctor``, wholes for
``Focus``). Law checks are sync and run their own event loop: call them from ``def test_...``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack import Agent, Functor, Id
from laws.core import Equivalence, equal, holds, run
from laws.private_loop import event_loop

AnyAgent = Agent[Any, Any]


async def functor_laws(
    functor: Functor, f: AnyAgent, g: AnyAgent, x: Any, *, eq: Equivalence = equal
) -> None:
    """Identity and composition of ``functor.lift``, on one lifted input ``x``."""
    given_ = {"functor": functor, "f": f, "g": g, "x": x}
    lift = functor.lift
    holds("identity: lift(Id)(x) == x", given_, await lift(Id).invoke(x), x, eq)
    holds(
        "composition: lift(f >> g)(x) == (lift(f) >> lift(g))(x)",
        given_,
        await lift(f >> g).invoke(x),
        await (lift(f) >> lift(g)).invoke(x),
        eq,
    )


def check_functor(
    functor: Functor,
    agents: st.SearchStrategy[AnyAgent],
    inputs: st.SearchStrategy[Any],
    *,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """Identity and composition for ``functor``, with agents from ``agents`` (each from the
    inner type to itself) and lifted inputs from ``inputs``.

    >>> from returns.maybe import Nothing, Some
    >>> from dualtrack import MaybeFunctor
    >>> from laws.agent_strategies import int_agents
    >>> check_functor(MaybeFunctor, int_agents(), st.just(Nothing) | st.integers().map(Some))
    """
    with event_loop() as run_async:

        @given(f=agents, g=agents, x=inputs)
        def laws(f: AnyAgent, g: AnyAgent, x: Any) -> None:
            run_async(functor_laws(functor, f, g, x, eq=eq))

        run(laws, settings)
