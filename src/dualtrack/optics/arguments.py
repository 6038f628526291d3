"""Checks on what optic constructors are given, with one wording for every constructor."""

from __future__ import annotations

from dualtrack.errors import InvalidOptic


def require_callables(constructor: str, **functions: object) -> None:
    """Raise :class:`InvalidOptic` naming the first argument that is not callable.

    >>> require_callables("lens", get=len, set=3)
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidOptic: lens() needs a callable set, got int: 3
    """
    for argument, value in functions.items():
        if not callable(value):
            raise InvalidOptic(
                f"{constructor}() needs a callable {argument}, got {type(value).__name__}: "
                f"{value!r:.60}"
            )
