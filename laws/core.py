"""What every law check shares: comparing two sides, and running a property under hypothesis.

A law check is a plain function. It builds a hypothesis property from the strategies it is
given and runs it at once; hypothesis shrinks a failure, and the :class:`LawViolation` raised
for the smallest input names the law, that input and both sides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from dualtrack.errors import LawViolation

Equivalence = Callable[[Any, Any], bool]
T = TypeVar("T")

#: Every field a ``settings`` object carries.
_FIELDS = (
    "max_examples",
    "derandomize",
    "database",
    "verbosity",
    "phases",
    "stateful_step_count",
    "report_multiple_bugs",
    "suppress_health_check",
    "deadline",
    "print_blob",
    "backend",
)


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


def _is_profile(node: settings) -> bool:
    profiles: dict[str, settings] = getattr(settings, "_profiles", {})
    return any(node is profile for profile in profiles.values())


def _chosen(custom: settings) -> dict[str, Any]:
    """The fields ``custom`` or its own parents set, up to the hypothesis profile it was built
    on: ``settings(max_examples=3)`` chose ``max_examples`` and nothing else."""
    chosen: dict[str, Any] = {}
    node: settings | None = custom
    while node is not None and not _is_profile(node):
        parent: settings | None = getattr(node, "_fallback", None)
        for name in _FIELDS:
            if name not in chosen and (
                parent is None or getattr(node, name) != getattr(parent, name)
            ):
                chosen[name] = getattr(custom, name)
        node = parent
    return chosen


def with_defaults(custom: settings | None, base: settings | None = None) -> settings:
    """``base`` (the law defaults when ``None``) with what ``custom`` chose laid over it, so a
    caller's ``settings(max_examples=3)`` keeps the laws' ``deadline=None``; health checks
    suppressed by either stay suppressed.

    >>> chosen = with_defaults(settings(max_examples=3))
    >>> chosen.max_examples, chosen.deadline
    (3, None)
    """
    base = base or law_settings()
    if custom is None:
        return base
    chosen = _chosen(custom)
    if "suppress_health_check" in chosen:
        chosen["suppress_health_check"] = sorted(
            {*base.suppress_health_check, *chosen["suppress_health_check"]},
            key=lambda check: check.value,
        )
    if chosen.get("derandomize") and "database" not in chosen:
        chosen["database"] = None
    return settings(base, **chosen)


def run(
    property_: Callable[[], None], custom: settings | None, base: settings | None = None
) -> None:
    """Run a ``@given`` property under the law defaults (or ``base``) with the caller's
    ``custom`` settings laid over them (see :func:`with_defaults`). When hypothesis finds
    several distinct failures, the first :class:`LawViolation` among them is raised, so a
    check always fails with one violation, never a group."""
    try:
        with_defaults(custom, base)(property_)()
    except ExceptionGroup as group:
        first = _first_violation(group)
        if first is None:
            raise
        raise first from group


def _first_violation(group: BaseExceptionGroup[BaseException]) -> LawViolation | None:
    for error in group.exceptions:
        if isinstance(error, LawViolation):
            return error
        if isinstance(error, BaseExceptionGroup):
            inner = _first_violation(error)
            if inner is not None:
                return inner
    return None


def as_strategy(value: T | st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """``value`` itself when it is a strategy, else the strategy drawing only ``value``: so a
    check takes one agent (or functor input) where it takes a strategy of them."""
    if isinstance(value, st.SearchStrategy):
        return value
    return st.just(value)
