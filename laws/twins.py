"""Look-alike values: equal under Python's ``==`` but different JSON (``1``, ``1.0``, ``True``).

A store or backend that decides "nothing changed" with ``==`` keeps ``1`` where ``True`` was
saved; laws reach that defect on purpose by saving a value and then its twin.
"""

from __future__ import annotations

from typing import Any

#: Integers a float holds exactly.
_EXACT_FLOAT = 2**53


def json_twin(value: Any) -> Any:
    """A value ``==`` to ``value`` whose JSON differs wherever a number or a bool allows it:
    ``True`` and ``1``, ``False`` and ``0``, ``n`` and ``float(n)``, all the way down; the value
    itself where nothing has a twin.

    >>> json_twin({"on": True, "n": [2, 3.0], "s": "x"})
    {'on': 1, 'n': [2.0, 3], 's': 'x'}
    """
    kind = type(value)
    if kind is bool:
        return int(value)
    if kind is int:
        if value in (0, 1):
            return bool(value)
        return float(value) if abs(value) < _EXACT_FLOAT else value
    if kind is float:
        return int(value) if value.is_integer() and abs(value) < _EXACT_FLOAT else value
    if kind is list:
        return [json_twin(part) for part in value]
    if kind is tuple:
        return tuple(json_twin(part) for part in value)
    if kind is dict:
        return {name: json_twin(part) for name, part in value.items()}
    return value
