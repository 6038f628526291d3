"""What running an agent came to: its answer, or the exception it raised, compared as data.

Laws about exceptions compare two runs that each raise a fresh exception object, so two
exceptions count as the same outcome when they have the same class and the same ``args``; a
``Failure`` holding an exception is compared the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from returns.result import Failure

from laws.core import Equivalence, equal


@dataclass(frozen=True)
class Raised:
    """The outcome of a run that raised ``error`` instead of answering."""

    error: BaseException

    def __repr__(self) -> str:
        return f"raised {type(self.error).__name__}{self.error.args!r}"


async def outcome(run: Awaitable[Any]) -> Any:
    """The answer of ``run``, or :class:`Raised` of the ``Exception`` it raised."""
    try:
        return await run
    except Exception as error:
        return Raised(error)


def same_exception(left: BaseException, right: BaseException) -> bool:
    """Same class and same ``args``: how two raises of "the same" exception compare."""
    return type(left) is type(right) and left.args == right.args


def same_outcome(eq: Equivalence = equal) -> Equivalence:
    """``eq`` on answers, extended so that raised exceptions, and exceptions inside a
    ``Failure``, compare by class and ``args``.

    >>> same = same_outcome()
    >>> same(Raised(ValueError(1)), Raised(ValueError(1))), same(Failure(KeyError("k")), 3)
    (True, False)
    """

    def same(left: Any, right: Any) -> bool:
        if isinstance(left, Raised) or isinstance(right, Raised):
            return (
                isinstance(left, Raised)
                and isinstance(right, Raised)
                and same_exception(left.error, right.error)
            )
        if isinstance(left, Failure) and isinstance(right, Failure):
            errors = left.failure(), right.failure()
            if isinstance(errors[0], BaseException) and isinstance(errors[1], BaseException):
                return same_exception(*errors)
        return eq(left, right)

    return same
