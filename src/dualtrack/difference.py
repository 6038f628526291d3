"""Where two values differ when their reprs do not show it: Unicode normalisation, the type
of an equal number, or two equal objects that are not the same one.

A law failure prints both sides with ``repr``; ``"é"`` composed and decomposed, ``1`` and
``True`` inside a container, or a copy and the original can print alike. This finds the first
place where they part and says how.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any


def _code_points(text: str) -> str:
    return " ".join(f"U+{ord(char):04X}" for char in text)


def _leaf(path: str, left: Any, right: Any) -> str | None:
    if type(left) is not type(right) and _equal(left, right):
        return (
            f"at {path}: {type(left).__name__} {left!r} on the left, "
            f"{type(right).__name__} {right!r} on the right"
        )
    if (
        isinstance(left, str)
        and isinstance(right, str)
        and left != right
        and unicodedata.normalize("NFC", left) == unicodedata.normalize("NFC", right)
    ):
        return (
            f"at {path}: code points {_code_points(left)} on the left, "
            f"{_code_points(right)} on the right (the same text after NFC normalisation)"
        )
    return None


def where_they_differ(left: Any, right: Any, path: str = "the top") -> str | None:
    """A sentence on the first place ``left`` and ``right`` differ in a way that prints alike
    (text equal after NFC normalisation, equal numbers of different types, equal objects that
    are not the same one), or ``None`` when there is no such place.

    >>> where_they_differ({"k": "e\\u0301"}, {"k": "\\u00e9"})[:52]
    "at ['k']: code points U+0065 U+0301 on the left, U+0"
    >>> where_they_differ([1, 2], [True, 2])
    'at [0]: int 1 on the left, bool True on the right'
    """
    found = _leaf(path, left, right)
    if found is not None:
        return found
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        for name in left:
            if name in right:
                inner = where_they_differ(left[name], right[name], _step(path, repr(name)))
                if inner is not None:
                    return inner
        for name, other in zip(sorted(left, key=repr), sorted(right, key=repr), strict=False):
            key_difference = _leaf(f"{path} (keys)", name, other)
            if key_difference is not None:
                return key_difference
        return None
    if isinstance(left, Sequence) and not isinstance(left, str | bytes):
        assert isinstance(right, Sequence)
        for position, (one, other) in enumerate(zip(left, right, strict=False)):
            inner = where_they_differ(one, other, _step(path, str(position)))
            if inner is not None:
                return inner
        return None
    if left is not right and repr(left) == repr(right) and _equal(left, right):
        return f"at {path}: equal values, but two objects (not the same one)"
    return None


def _step(path: str, part: str) -> str:
    return f"[{part}]" if path == "the top" else f"{path}[{part}]"


def _equal(left: Any, right: Any) -> bool:
    try:
        return bool(left == right)
    except Exception:
        return False
