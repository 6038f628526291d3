"""Traversals over every element of a container, and over the values that pass a test."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from dualtrack.optics.arguments import require_callables
from dualtrack.optics.kinds import TraversalKind
from dualtrack.optics.optic import Optic, Traversal
from dualtrack.optics.updates import not_a, rebuild_mapping, rebuild_sequence

A = TypeVar("A")


def _elements(container: Any) -> Iterator[Any]:
    if isinstance(container, Mapping):
        return iter(container.values())
    if isinstance(container, Sequence) and not isinstance(container, str | bytes | bytearray):
        return iter(container)
    raise not_a("a list, tuple or mapping (sets have no stable order to write back)", container)


def _map_elements(container: Any, f: Callable[[Any], Any]) -> Any:
    kind = type(container)
    if kind is list:
        return [f(element) for element in container]
    if kind is tuple:
        return tuple([f(element) for element in container])
    if kind is dict:
        return {k: f(v) for k, v in container.items()}
    if isinstance(container, Mapping):
        return rebuild_mapping(container, {k: f(v) for k, v in container.items()})
    return rebuild_sequence(container, [f(element) for element in _elements(container)])


def each() -> Traversal[Any, Any]:
    """Traversal over every element of a list or tuple, or every value of a mapping.

    >>> each().modify([1, 2, 3], lambda n: n * 10)
    [10, 20, 30]
    >>> each().get_all({"a": 1, "b": 2})
    [1, 2]
    """
    return Optic(TraversalKind, "each()", {"each": _elements, "modify": _map_elements})


def filtered(predicate: Callable[[A], bool]) -> Traversal[A, A]:
    """Traversal over the value itself when ``predicate`` holds, nothing otherwise.

    Its laws hold for functions that keep the predicate true on what they change; a function
    that makes a focus fail the predicate breaks composition of ``modify``, as in every optics
    library.

    >>> from dualtrack import each
    >>> (each() >> filtered(lambda n: n > 1)).modify([1, 2, 3], lambda n: n * 10)
    [1, 20, 30]
    """
    require_callables("filtered", predicate=predicate)

    def elements(value: Any) -> Iterator[Any]:
        if predicate(value):
            yield value

    def modify(value: Any, f: Callable[[Any], Any]) -> Any:
        return f(value) if predicate(value) else value

    name = getattr(predicate, "__name__", repr(predicate))
    return Optic(TraversalKind, f"filtered({name})", {"each": elements, "modify": modify})
