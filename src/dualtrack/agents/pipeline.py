"""``pipeline(*agents)``: the agents run one after another, as ``a >> b >> ...`` would."""

from __future__ import annotations

from typing import Any, TypeVar, overload

from dualtrack.agents.agent import Agent, compose
from dualtrack.errors import InvalidInput

T1 = TypeVar("T1")
T2 = TypeVar("T2")
T3 = TypeVar("T3")
T4 = TypeVar("T4")
T5 = TypeVar("T5")
T6 = TypeVar("T6")
T7 = TypeVar("T7")


@overload
def pipeline() -> Agent[Any, Any]: ...
@overload
def pipeline(a: Agent[T1, T2], /) -> Agent[T1, T2]: ...
@overload
def pipeline(a: Agent[T1, T2], b: Agent[T2, T3], /) -> Agent[T1, T3]: ...
@overload
def pipeline(a: Agent[T1, T2], b: Agent[T2, T3], c: Agent[T3, T4], /) -> Agent[T1, T4]: ...
@overload
def pipeline(
    a: Agent[T1, T2], b: Agent[T2, T3], c: Agent[T3, T4], d: Agent[T4, T5], /
) -> Agent[T1, T5]: ...
@overload
def pipeline(
    a: Agent[T1, T2], b: Agent[T2, T3], c: Agent[T3, T4], d: Agent[T4, T5], e: Agent[T5, T6], /
) -> Agent[T1, T6]: ...
@overload
def pipeline(
    a: Agent[T1, T2],
    b: Agent[T2, T3],
    c: Agent[T3, T4],
    d: Agent[T4, T5],
    e: Agent[T5, T6],
    f: Agent[T6, T7],
    /,
) -> Agent[T1, T7]: ...
@overload
def pipeline(
    a: Agent[Any, Any],
    b: Agent[Any, Any],
    c: Agent[Any, Any],
    d: Agent[Any, Any],
    e: Agent[Any, Any],
    f: Agent[Any, Any],
    g: Agent[Any, Any],
    /,
    *more: Agent[Any, Any],
) -> Agent[Any, Any]: ...
def pipeline(*agents: Agent[Any, Any]) -> Agent[Any, Any]:
    """The agents composed left to right, ``Id`` for none; typed stage by stage up to six.

    >>> from dualtrack import Id, agent
    >>> pipeline(agent(abs), Id, agent(str)), pipeline()
    (Agent(abs >> str), Id)
    """
    for position, each in enumerate(agents, 1):
        if not isinstance(each, Agent):
            raise InvalidInput(
                f"pipeline() takes agents; argument {position} is a {type(each).__name__}: "
                f"{each!r:.60} (lift a function with agent(fn))"
            )
    return compose(*agents)
