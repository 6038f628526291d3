"""What every law check shares: comparing two sides, and running a property under hypothesis.

A law check is a plain function. It builds a hypothesis property from the strategies it is
given and runs it at once; hypothesis shrinks a failure, and the :class:`LawViolation` raised
for the smallest input names the law, that input and both sides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings

from dualtrack.errors import LawViolation

Equivalence = Callable[[Any, Any], bool]


def law_settings() -> settings:
    """Settings law checks use unless the caller passes their own: no deadline, since storage
    interpreters are timed by the machine, not by the law. Everything else comes from the
    hypothesis profile loaded when the check runs (so ``--hypothesis-profile`` reaches it)."""
    return settings(
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


#: :func:`law_settings` as they were when ``laws`` was imported.
DEFAULT_SETTINGS = law_settings()


def equal(left: Any, right: Any) -> bool:
    """Plain ``==``, the default notion of "the same" in every law."""
    return bool(left == right)


def holds(law: str, given: object, left: object, right: object, eq: Equivalence = equal) -> None:
    """Raise :class:`LawViolation` unless ``eq(left, right)``.

    >>> holds("PutGet", {"s": 1}, 2, 2)
    >>> holds("PutGet", {"s": 1}, 2, 3)
    Traceback (most recent call last):
    ...
    dualtrack.errors.LawViolation: law 'PutGet' does not hold
      input: {'s': 1}
      left:  2
      right: 3
    """
    if not eq(left, right):
        raise LawViolation(law, given, left, right)


def run(property_: Callable[[], None], custom: settings | None) -> None:
    """Run a ``@given`` property under the caller's settings, or the law defaults."""
    settings(custom or law_settings())(property_)()
