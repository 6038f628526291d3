"""One optic of every kind over the integers, so that any two of them compose.

Integers carry a pair of integers losslessly (zigzag then Cantor pairing), which gives a lens
(first of the pair), an affine (first, when the second is even), a traversal (both), and so on,
all lawful on every integer, so compositions of any kinds can be law-checked on ``st.integers()``.
"""

from __future__ import annotations

from math import isqrt
from typing import Any

from returns.maybe import Maybe, Nothing, Some

from dualtrack import Optic, affine, fold, getter, iso, lens, prism, setter, traversal


def _zig(n: int) -> int:
    return 2 * n if n >= 0 else -2 * n - 1


def _zag(m: int) -> int:
    return m // 2 if m % 2 == 0 else -(m + 1) // 2


def pair(a: int, b: int) -> int:
    """The integer carrying ``(a, b)``."""
    x, y = _zig(a), _zig(b)
    return _zag((x + y) * (x + y + 1) // 2 + y)


def unpair(n: int) -> tuple[int, int]:
    """The pair an integer carries."""
    z = _zig(n)
    w = (isqrt(8 * z + 1) - 1) // 2
    y = z - w * (w + 1) // 2
    return _zag(w - y), _zag(y)


def _first(n: int) -> int:
    return unpair(n)[0]


def _set_first(n: int, a: int) -> int:
    return pair(a, unpair(n)[1])


def _even_half(n: int) -> Maybe[int]:
    return Some(n // 2) if n % 2 == 0 else Nothing


def _first_if_second_even(n: int) -> Maybe[int]:
    a, b = unpair(n)
    return Some(a) if b % 2 == 0 else Nothing


def _set_first_if_second_even(n: int, a: int) -> int:
    b = unpair(n)[1]
    return pair(a, b) if b % 2 == 0 else n


def _both(n: int) -> list[int]:
    return list(unpair(n))


def _modify_both(n: int, f: Any) -> int:
    a, b = unpair(n)
    return pair(f(a), f(b))


def _modify_second(n: int, f: Any) -> int:
    a, b = unpair(n)
    return pair(a, f(b))


CARRIERS: dict[str, Optic[Any, int, int]] = {
    "Iso": iso(lambda n: ~n, lambda n: ~n, name="complement"),
    "Lens": lens(_first, _set_first, name="first"),
    "Prism": prism(_even_half, lambda a: 2 * a, name="even"),
    "Getter": getter(lambda n: 3 * n + 1, name="triple_plus_one"),
    "Affine": affine(_first_if_second_even, _set_first_if_second_even, name="first_if_even"),
    "Traversal": traversal(_both, _modify_both, name="both"),
    "Fold": fold(_both, name="both_read"),
    "Setter": setter(_modify_second, name="second_write"),
}
