"""The functor laws for anything with ``lift(agent)``, and the Kleisli laws of ``bind``, as
reusable hypothesis checks.

A functor maps agents to agents and must keep the structure of composition: lifting ``Id``
gives an agent that behaves as ``Id``, and lifting ``f >> g`` behaves as lifting each. It must
also say what it does with an exception the agent raises: every functor here lets it
propagate, unchanged; ``SafeFunctor`` turns it into a ``Failure``::

    def test_focus_on_names():
        check_functor(Focus(key("name")), int_agents(), inputs=people)

    def test_safe():
        check_functor(SafeFunctor, raising_int_agents(), results, on_exception=Failure)

``inputs`` are values of the lifted type (``Maybe`` values for ``MaybeFunctor``, wholes for
``Focus``). Law checks are sync and run their own event loop: call them from ``def test_...``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dualtrack import Agent, Functor, Id, Succeed, agent, bind
from laws.core import Equivalence, as_strategy, equal, holds, run
from laws.outcomes import Raised, outcome, same_outcome
from laws.private_loop import event_loop

AnyAgent = Agent[Any, Any]
#: What a functor turns the exception of its agent into (``Failure`` for ``SafeFunctor``).
OnException = Callable[[Exception], Any]
Bind = Callable[[AnyAgent], AnyAgent]


class PlantedError(Exception):
    """The exception the exception laws' agent raises, a fresh one on every call."""


async def exception_laws(
    functor: Functor, x: Any, *, on_exception: OnException | None = None, eq: Equivalence = equal
) -> None:
    """What ``functor.lift(boom)(x)`` does when ``boom`` raises: propagate that very exception
    (``on_exception=None``) or answer ``on_exception(error)``; when the lifted agent never runs
    ``boom`` (``Nothing``, an empty list, a prism that misses), it answers as ``lift(Id)``."""
    raised: list[PlantedError] = []

    def boom(a: Any) -> Any:
        error = PlantedError(f"planted failure #{len(raised)} on {a!r:.40}")
        raised.append(error)
        raise error

    given_ = {"functor": functor, "x": x}
    answer = await outcome(functor.lift(agent(boom, name="boom")).invoke(x))
    if not raised:
        holds(
            "exceptions: lift(boom)(x) that never runs boom answers as lift(Id)(x)",
            given_,
            answer,
            await outcome(functor.lift(Id).invoke(x)),
            same_outcome(eq),
        )
    elif on_exception is None:
        holds(
            "exceptions propagate: lift(boom)(x) raises the very exception boom raised",
            given_,
            answer,
            Raised(raised[0]),
            lambda left, _: isinstance(left, Raised) and any(left.error is e for e in raised),
        )
    else:
        holds(
            "exceptions are caught: lift(boom)(x) answers on_exception(the exception raised)",
            given_,
            answer,
            on_exception(raised[0]),
            lambda left, _: any(eq(left, on_exception(e)) for e in raised),
        )


async def functor_laws(
    functor: Functor,
    f: AnyAgent,
    g: AnyAgent,
    x: Any,
    *,
    eq: Equivalence = equal,
    on_exception: OnException | None = None,
) -> None:
    """Identity, composition and the exception law of ``functor.lift``, on one lifted input
    ``x``; a side that raises is compared as the exception (class and ``args``)."""
    given_ = {"functor": functor, "f": f, "g": g, "x": x}
    lift = functor.lift
    same = same_outcome(eq)
    holds("identity: lift(Id)(x) == x", given_, await outcome(lift(Id).invoke(x)), x, same)
    holds(
        "composition: lift(f >> g)(x) == (lift(f) >> lift(g))(x)",
        given_,
        await outcome(lift(f >> g).invoke(x)),
        await outcome((lift(f) >> lift(g)).invoke(x)),
        same,
    )
    await exception_laws(functor, x, on_exception=on_exception, eq=eq)


def check_functor(
    functor: Functor,
    agents: st.SearchStrategy[AnyAgent] | AnyAgent,
    inputs: st.SearchStrategy[Any],
    *,
    eq: Equivalence = equal,
    on_exception: OnException | None = None,
    settings: settings | None = None,
) -> None:
    """Identity, composition and exceptions for ``functor``, with agents from ``agents`` (each
    from the inner type to itself; one agent is taken as the strategy drawing only it) and
    lifted inputs from ``inputs``. ``on_exception`` says what the functor turns an agent's
    exception into; by default it must propagate unchanged.

    >>> from returns.maybe import Nothing, Some
    >>> from dualtrack import MaybeFunctor
    >>> from laws.agent_strategies import int_agents
    >>> check_functor(MaybeFunctor, int_agents(), st.just(Nothing) | st.integers().map(Some))
    """
    agents = as_strategy(agents)
    with event_loop() as run_async:

        @given(f=agents, g=agents, x=inputs)
        def laws(f: AnyAgent, g: AnyAgent, x: Any) -> None:
            run_async(functor_laws(functor, f, g, x, eq=eq, on_exception=on_exception))

        run(laws, settings)


async def kleisli_laws(
    f: AnyAgent,
    g: AnyAgent,
    h: AnyAgent,
    x: Any,
    *,
    bind: Bind = bind,
    unit: AnyAgent = Succeed,
    eq: Equivalence = equal,
) -> None:
    """Left and right identity and associativity of fallible steps chained with ``bind``."""
    given_ = {"f": f, "g": g, "h": h, "x": x}
    same = same_outcome(eq)
    fx = await outcome(f.invoke(x))
    holds(
        "Kleisli left identity: (unit >> bind(f))(x) == f(x)",
        given_,
        await outcome((unit >> bind(f)).invoke(x)),
        fx,
        same,
    )
    holds(
        "Kleisli right identity: (f >> bind(unit))(x) == f(x)",
        given_,
        await outcome((f >> bind(unit)).invoke(x)),
        fx,
        same,
    )
    holds(
        "Kleisli associativity: (f >> bind(g) >> bind(h))(x) == (f >> bind(g >> bind(h)))(x)",
        given_,
        await outcome(((f >> bind(g)) >> bind(h)).invoke(x)),
        await outcome((f >> bind(g >> bind(h))).invoke(x)),
        same,
    )


def check_kleisli(
    arrows: st.SearchStrategy[AnyAgent] | AnyAgent,
    inputs: st.SearchStrategy[Any],
    *,
    bind: Bind = bind,
    unit: AnyAgent = Succeed,
    eq: Equivalence = equal,
    settings: settings | None = None,
) -> None:
    """The Kleisli laws for fallible agents from ``arrows`` (each ``A -> Result[A, E]``) chained
    with ``bind`` (dualtrack's by default; pass your own with its ``unit``).

    >>> from laws.agent_strategies import result_agents
    >>> check_kleisli(result_agents(), st.integers())
    """
    arrows = as_strategy(arrows)
    with event_loop() as run_async:

        @given(f=arrows, g=arrows, h=arrows, x=inputs)
        def laws(f: AnyAgent, g: AnyAgent, h: AnyAgent, x: Any) -> None:
            run_async(kleisli_laws(f, g, h, x, bind=bind, unit=unit, eq=eq))

        run(laws, settings)
