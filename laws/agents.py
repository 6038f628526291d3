"""The category laws of agents, as reusable hypothesis checks.

Agents compose with ``>>`` and have an identity, ``Id``; together these must form a category,
and ``>>`` must mean "run one, then the other"::

    def test_my_agents():
        check_agent_laws(agents_from(st.sampled_from([parse, enrich, render])), inputs=texts)

Law checks are sync functions that run their own event loop (see :mod:`laws.private_loop`):
call them from plain ``def test_...`` functions. Agents must be deterministic: an agent whose
answer depends on how often it was called breaks the identity laws, and that is reported.

The category laws compare an agent with compositions of itself, so an agent that is wrong the
same way every time passes them. Two more checks look across inputs:
:func:`check_agrees_with` compares the agent with a reference function on several inputs per
example, and :func:`check_deterministic` compares its answers after different call histories
(an agent caching answers under colliding keys answers one input with another's result).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack import Agent, Id
from laws.core import Equivalence, as_strategy, equal, holds, run
from laws.outcomes import outcome, same_outcome
from laws.private_loop import event_loop

AnyAgent = Agent[Any, Any]
#: An agent, or a function making a fresh one (so runs can start with no history).
AgentOrFactory = AnyAgent | Callable[[], AnyAgent]


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
    agents: st.SearchStrategy[AnyAgent] | AnyAgent,
    inputs: st.SearchStrategy[Any],
    *,
    identity: AnyAgent = Id,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """Identity, associativity and sequencing for agents drawn from ``agents`` (each taking
    and returning the type of ``inputs``; one agent is taken as the strategy drawing only it),
    with ``identity`` as the identity agent.

    >>> from laws.agent_strategies import int_agents
    >>> check_agent_laws(int_agents(), st.integers())
    """
    agents = as_strategy(agents)
    with event_loop() as run_async:

        @given(f=agents, g=agents, h=agents, x=inputs)
        def laws(f: AnyAgent, g: AnyAgent, h: AnyAgent, x: Any) -> None:
            run_async(agent_laws(f, g, h, x, identity=identity, eq=eq))

        run(laws, settings)


def _fresh(agent_or_factory: AgentOrFactory) -> AnyAgent:
    if isinstance(agent_or_factory, Agent):
        return agent_or_factory
    return agent_or_factory()


async def _answers(agent: AnyAgent, xs: list[Any]) -> list[Any]:
    return [await outcome(agent.invoke(x)) for x in xs]


async def agreement_laws(
    agent: AnyAgent, reference: Callable[[Any], Any], xs: list[Any], *, eq: Equivalence = equal
) -> None:
    """``agent(x)`` equals ``reference(x)`` for every ``x`` of ``xs``, run in order on one
    agent; an exception counts as an answer (same class and ``args`` on both sides)."""
    same = same_outcome(eq)
    answers = await _answers(agent, xs)
    for position, (x, answer) in enumerate(zip(xs, answers, strict=True)):

        async def expected(x: Any = x) -> Any:
            value = reference(x)
            return await value if inspect.isawaitable(value) else value

        holds(
            "extensional equality: agent(x) == reference(x)",
            {"agent": agent, "reference": reference, "inputs": xs, "position": position, "x": x},
            answer,
            await outcome(expected()),
            same,
        )


def check_agrees_with(
    agent: AnyAgent,
    reference: Callable[[Any], Any],
    inputs: st.SearchStrategy[Any],
    *,
    max_inputs: int = 8,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """``agent`` answers as the plain (sync or async) function ``reference`` does, on lists of
    up to ``max_inputs`` inputs run in turn through the same agent.

    >>> from dualtrack import agent
    >>> check_agrees_with(agent(lambda n: n * 2), lambda n: n + n, st.integers())
    """
    with event_loop() as run_async:

        @given(xs=st.lists(inputs, min_size=1, max_size=max_inputs))
        def laws(xs: list[Any]) -> None:
            run_async(agreement_laws(agent, reference, xs, eq=eq))

        run(laws, settings)


async def determinism_laws(
    agent_or_factory: AgentOrFactory,
    xs: list[Any],
    *,
    veteran: AnyAgent | None = None,
    eq: Equivalence = equal,
) -> None:
    """Each input gets the same answer whatever was asked before: run in order and in reverse
    through one agent, and (given a factory) on a fresh agent per input and on ``veteran``, an
    agent that has answered every earlier example of the check."""
    same = same_outcome(eq)
    given_ = {"agent": agent_or_factory, "inputs": xs}
    in_order = await _answers(_fresh(agent_or_factory), xs)
    reversed_ = (await _answers(_fresh(agent_or_factory), xs[::-1]))[::-1]
    alone, seasoned = in_order, in_order
    if not isinstance(agent_or_factory, Agent):
        alone = [(await _answers(agent_or_factory(), [x]))[0] for x in xs]
        seasoned = await _answers(veteran or agent_or_factory(), xs)
    for position, x in enumerate(xs):
        at = {**given_, "position": position, "x": x}
        laws = (
            ("with no history", alone),
            ("after xs[i+1:] reversed", reversed_),
            ("after every earlier example", seasoned),
        )
        for history, answers in laws:
            holds(
                f"determinism: agent(x) after xs[:i] == agent(x) {history}",
                at,
                in_order[position],
                answers[position],
                same,
            )


def check_deterministic(
    agent_or_factory: AgentOrFactory,
    inputs: st.SearchStrategy[Any],
    *,
    max_inputs: int = 8,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """An agent's answer to an input does not depend on what it was asked before. Pass a
    function making a fresh agent to compare with answers given with no history and after
    the whole check's history (what catches a cache under colliding keys); one agent is
    compared across orders only.

    >>> from dualtrack import agent
    >>> check_deterministic(lambda: agent(abs), st.integers())
    """
    veteran = None if isinstance(agent_or_factory, Agent) else agent_or_factory()
    with event_loop() as run_async:

        @given(xs=st.lists(inputs, min_size=2, max_size=max_inputs))
        def laws(xs: list[Any]) -> None:
            run_async(determinism_laws(agent_or_factory, xs, veteran=veteran, eq=eq))

        run(laws, settings)
