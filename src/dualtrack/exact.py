"""Type-exact equality: ``1``, ``1.0`` and ``True`` are ``==`` in Python but different JSON.

Two values are the same here only when they are equal and of the same type at every level of
a JSON-like document (JSON's scalars and enum members exactly; other values up to a driver's
subclass). Stores and backends use it to decide whether a save changes anything.

>>> same_value({"a": True}, {"a": 1}), same_value([1.5], [1.5])
(False, True)
"""

from __future__ import annotations

import enum
from typing import Any

#: Types compared exactly: JSON's scalars, whose subclasses (``bool`` of ``int``) differ.
_EXACT = (bool, int, float, str, enum.Enum)


def same_value(left: Any, right: Any) -> bool:
    """Whether ``left`` and ``right`` are equal and of the same type, all the way down.

    >>> same_value(True, 1), same_value({"a": [0.0]}, {"a": [-0.0]})
    (False, True)
    """
    if not _same_type(left, right):
        return False
    if isinstance(left, list | tuple):
        return len(left) == len(right) and all(map(same_value, left, right))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(
            same_value(part, right[name]) for name, part in left.items()
        )
    return bool(left == right)


def _same_type(left: Any, right: Any) -> bool:
    if type(left) is type(right):
        return True
    if isinstance(left, _EXACT) or isinstance(right, _EXACT):
        return False
    return isinstance(left, type(right)) or isinstance(right, type(left))
