"""The input rules every store shares: counts, times, text and JSON size, one rule per input.

Each check raises the caller's ``DualtrackError`` naming the argument, so a bad value is refused
alike on every interpreter before any store touches it (or queues it behind other writes).
"""

from __future__ import annotations

import math
from typing import TypeGuard

#: The largest limit or batch size a store accepts (fits a 32-bit SQL integer everywhere).
MAX_COUNT = 2**31 - 1

#: The deepest nesting of lists and dicts in metadata, filters and table content.
MAX_DEPTH = 100

#: The widest integer in metadata, in bits (about 3,900 decimal digits).
MAX_INT_BITS = 13_000


def check_count(value: object, name: str, error: type[Exception]) -> int:
    """``value`` if it is an int from 1 to :data:`MAX_COUNT`."""
    if type(value) is not int or not 1 <= value <= MAX_COUNT:
        raise error(f"{name} must be an int from 1 to {MAX_COUNT}, got {shown(value)}")
    return value


def check_optional_count(value: object, name: str, error: type[Exception]) -> int | None:
    """``value`` if it is ``None`` or an int from 1 to :data:`MAX_COUNT`."""
    if value is None:
        return None
    if type(value) is not int or not 1 <= value <= MAX_COUNT:
        raise error(f"{name} must be an int from 1 to {MAX_COUNT} or None, got {shown(value)}")
    return value


def check_seconds(value: object, name: str, error: type[Exception]) -> float:
    """``value`` as finite float seconds: an int or float (not bool) that a float can hold."""
    if type(value) is bool or not isinstance(value, int | float):
        raise error(f"{name} must be finite float seconds, got {shown(value)}")
    try:
        seconds = float(value)
    except OverflowError:
        raise error(f"{name} is an int too large for float seconds") from None
    if not math.isfinite(seconds):
        raise error(f"{name} must be finite float seconds, got {shown(value)}")
    return seconds


def finite_number(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is an int or float (not bool) that a float holds as a finite number.

    >>> finite_number(1.5), finite_number(10**400), finite_number(float("nan")), finite_number(True)
    (True, False, False, False)
    """
    if type(value) is bool or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int wider than any float
        return False


def check_unicode(value: str, name: str, error: type[Exception]) -> str:
    """``value`` if it encodes as UTF-8 (no lone surrogate), what every backend stores."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise error(f"{name} {shown(value)} is not valid Unicode (lone surrogate)") from None
    return value


def holdable(text: str) -> bool:
    """Whether ``text`` could be a stored id: at most 255 characters, no NUL, valid Unicode.
    Looking up any other str finds nothing, on every store."""
    if len(text) > 255 or "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def int_too_wide(value: int) -> bool:
    """Whether ``value`` is wider than :data:`MAX_INT_BITS` (checked without printing it)."""
    return value.bit_length() > MAX_INT_BITS


def shown(value: object) -> str:
    """``repr(value)`` cut to 80 characters, safe for any value (huge ints, deep nesting)."""
    if type(value) is int and value.bit_length() > 256:
        return f"an int of {value.bit_length()} bits"
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        return f"a {type(value).__name__} too deep or large to show"
    return text if len(text) <= 80 else f"{text[:77]}..."
