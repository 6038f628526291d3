"""Type-exact equality of stored values and rows, the bridge laws' notion of "the same".

Python's ``==`` says ``1 == 1.0 == True``, but JSON and SQL keep them apart: a law that compares
with ``==`` passes a store that writes ``1`` where ``True`` was. Here two values are the same
only when they are equal and of the same type, at every level of a JSON document: JSON's
scalars (``bool``, ``int``, ``float``, ``str``) and enum members exactly, other values up to a
driver's subclass (asyncpg returns its own ``UUID`` subclass). Equal numbers of one type stay
the same (``-0.0`` and ``0.0``; ``Decimal("1.50")`` and ``Decimal("1.5")``), and aware
datetimes are the same instant.

>>> same_value([1, {"a": True}], [1, {"a": True}]), same_value([1], [1.0])
(True, False)
>>> differing({"n": 1, "b": True}, {"n": 1, "b": 1})
['b']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dualtrack.exact import same_value

__all__ = ["differing", "same_rows", "same_value"]


def differing(left: Mapping[str, Any], right: Mapping[str, Any]) -> list[str]:
    """The names whose values differ between two rows (or that only one row has), in
    ``left``'s order, then ``right``'s."""
    names = [*left, *(name for name in right if name not in left)]
    return [
        name
        for name in names
        if name not in left or name not in right or not same_value(left[name], right[name])
    ]


def same_rows(left: Any, right: Any) -> bool:
    """Whether two rows (mappings by column) hold the same values, type for type."""
    if not isinstance(left, Mapping) or not isinstance(right, Mapping):
        return left is None and right is None
    return not differing(left, right)
