"""The category laws of agents, as reusable hypothesis checks.

Agents compose with ``>>`` and have an identity, ``Id``; together these must form a category,
and ``>>`` must mean "run one, then the other"::

    def test_my_agents():
        check_agent_laws(agents_from(st.sampled_from([parse, enrich, render])), inputs=texts)

Law checks are sync functions that run their own event loop (see :mod:`laws.private_loop`):
call them from plain ``def test_...`` functions. Agents must be deterministic: an agent whose
answer depends on how often it was called breaks the identity laws, and that is reported.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack import Agent, Id
from laws.core import Equivalence, equal, holds, run
from laws.private_loop import event_loop

AnyAgent = Agent[Any, Any]


async def agent_laws(
    f: AnyAgent,
    g: AnyAgent,
    h: AnyAgent,
    x: Any,
    *,
    identity: AnyAgent = Id,
    eq: Equivalence = equal,
) -> None:
    """Left and right identity, associativity and sequencing of ``>>``, on one input ``x``."""
    given_ = {"f": f, "g": g, "h": h, "x": x}
    fx = await f.invoke(x)
    holds("left identity: (Id >> f)(x) == f(x)", given_, await (identity >> f).invoke(x), fx, eq)
    holds("right identity: (f >> Id)(x) == f(x)", given_, await (f >> identity).invoke(x), fx, eq)
    holds(
        "associativity: ((f >> g) >> h)(x) == (f >> (g >> h))(x)",
        given_,
        await ((f >> g) >> h).invoke(x),
        await (f >> (g >> h)).invoke(x),
        eq,
    )
    holds(
        "sequencing: (f >> g)(x) == g(f(x))",
        given_,
        await (f >> g).invoke(x),
        await g.invoke(await f.invoke(x)),
        eq,
    )


def check_agent_laws(
    agents: st.SearchStrategy[AnyAgent],
    inputs: st.SearchStrategy[Any],
    *,
    identity: AnyAgent = Id,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """Identity, associativity and sequencing for agents drawn from ``agents`` (each taking
    and returning the type of ``inputs``), with ``identity`` as the identity agent.

    >>> from laws.agent_strategies import int_agents
    >>> check_agent_laws(int_agents(), st.integers())
    """
    with event_loop() as run_async:

        @given(f=agents, g=agents, h=agents, x=inputs)
        def laws(f: AnyAgent, g: AnyAgent, h: AnyAgent, x: Any) -> None:
            run_async(agent_laws(f, g, h, x, identity=identity, eq=eq))

        run(laws, settings)
