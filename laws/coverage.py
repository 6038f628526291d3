"""Laws about strategies: every value drawn is valid, and the interesting cases are reached.

A law check is only as good as its inputs. A strategy that never draws an empty list cannot
find a bug that needs one, and a strategy drawing invalid inputs makes a correct law fail.
Check both before trusting a law run on your own strategy::

    check_generates(orders, lambda order: order["lines"] != [])
    check_reaches(orders, lambda order: len(order["lines"]) >= 3, "an order of 3 lines")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from dualtrack.errors import LawViolation
from laws.core import holds, run, with_defaults


def check_generates(
    strategy: st.SearchStrategy[Any],
    valid: Callable[[Any], bool],
    *,
    settings: settings | None = None,
) -> None:
    """Every value ``strategy`` draws satisfies ``valid``.

    >>> check_generates(st.integers(min_value=0), lambda n: n >= 0)
    """

    @given(value=strategy)
    def generates(value: Any) -> None:
        holds(
            f"every drawn value is valid ({getattr(valid, '__name__', 'valid')})",
            {"value": value},
            bool(valid(value)),
            True,
        )

    run(generates, settings)


def check_reaches(
    strategy: st.SearchStrategy[Any],
    condition: Callable[[Any], bool],
    description: str,
    *,
    settings: settings | None = None,
) -> None:
    """``strategy`` draws, within the examples the settings allow, a value satisfying
    ``condition`` (``description`` says which case that is).

    >>> check_reaches(st.lists(st.integers()), lambda xs: len(xs) >= 3, "a list of 3")
    """
    chosen = with_defaults(settings)
    try:
        find(strategy, condition, settings=chosen)
    except NoSuchExample:
        raise LawViolation(
            f"the strategy reaches {description}",
            {"examples tried": chosen.max_examples},
            "never drawn",
            description,
        ) from None
