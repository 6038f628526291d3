"""Optics into the structure of plain data: mapping keys, sequence positions, record fields."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from dualtrack.errors import InvalidOptic
from dualtrack.optics.absent import ABSENT
from dualtrack.optics.codegen import is_field_name
from dualtrack.optics.kinds import AffineKind
from dualtrack.optics.optic import Affine, Lens, Optic, structural
from dualtrack.optics.updates import not_a, set_key


def _check_hashable(value: object, constructor: str) -> None:
    try:
        hash(value)
    except TypeError:
        raise InvalidOptic(
            f"{constructor}() needs a hashable key, got {type(value).__name__}"
        ) from None


def key(k: Hashable) -> Lens[Any, Any]:
    """Lens on the value under ``k`` in a mapping that has it; a missing key is an error.

    >>> key("a").set({"a": 1, "b": 2}, 10)
    {'a': 10, 'b': 2}
    """
    _check_hashable(k, "key")
    return structural(("key", k))


def index(i: int) -> Lens[Any, Any]:
    """Lens on position ``i`` of a sequence; ``-1`` is the last element. The type is kept.

    >>> index(-1).set((1, 2, 3), 30)
    (1, 2, 30)
    """
    if not isinstance(i, int) or isinstance(i, bool):
        raise InvalidOptic(f"index() needs an int, got {type(i).__name__}: {i!r}")
    return structural(("index", i))


def attr(name: str) -> Lens[Any, Any]:
    """Lens on a record field, updated immutably (dataclass, NamedTuple, attrs, pydantic).

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Point:
    ...     x: int
    ...     y: int
    >>> attr("x").set(Point(1, 2), 5)
    Point(x=5, y=2)
    """
    if not isinstance(name, str) or not is_field_name(name):
        raise InvalidOptic(
            f"attr() needs a field name (an identifier, not a keyword), got {name!r}"
        )
    return structural(("attr", name))


def item(k: Hashable) -> Affine[Any, Any]:
    """Affine on the value under ``k`` if present: a missing key previews ``Nothing`` and
    setting it leaves the mapping as it was.

    >>> item("z").preview({"a": 1})
    <Nothing>
    >>> item("z").set({"a": 1}, 5)
    {'a': 1}
    """
    _check_hashable(k, "item")

    def first(mapping: Any) -> Any:
        if not isinstance(mapping, Mapping):
            raise not_a("a mapping", mapping)
        return mapping.get(k, ABSENT)

    def set_(mapping: Any, value: Any) -> Any:
        if not isinstance(mapping, Mapping):
            raise not_a("a mapping", mapping)
        return set_key(mapping, k, value) if k in mapping else mapping

    return Optic(AffineKind, f"item({k!r})", {"first": first, "set": set_})
