"""``every`` and ``present``: the steps of a route that change its kind, and the types that say so.

Inside a route, ``every(o.lines)`` reaches every element (a Traversal) and ``present(p.home)``
reaches a value that may be ``None`` or missing (an Affine). Each returns a marker, ``Every[A]``
or ``Present[A]``, which is how ``path``'s overloads see the kind: a route returning a plain
value is a Lens. To go on past the marker, pass the rest of the route as a second function:
``every(o.lines, lambda line: line.qty)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar, final, overload

from dualtrack.errors import InvalidPath
from dualtrack.optics.paths import shapes
from dualtrack.optics.paths.recorder import Point, Proxy, point_of, refuse_unfinished

A = TypeVar("A", covariant=True)
B = TypeVar("B")
T = TypeVar("T")
V = TypeVar("V")

EACH = ("each", None)
PRESENT = ("present", None)


@final
class Every(Generic[A]):
    """What ``every(...)`` gives inside a route: ``path`` makes such a route a Traversal."""

    __slots__ = ("point",)

    def __init__(self, point: Point) -> None:
        self.point = point

    def __repr__(self) -> str:
        return f"<route {self.point.text}>"


@final
class Present(Generic[A]):
    """What ``present(...)`` gives inside a route: ``path`` makes such a route an Affine."""

    __slots__ = ("point",)

    def __init__(self, point: Point) -> None:
        self.point = point

    def __repr__(self) -> str:
        return f"<route {self.point.text}>"


def end_of(value: object) -> tuple[Point, str] | None:
    """Where a route (or the rest of one) ended, and which kind its result says it has:
    ``"lens"`` for a plain part, ``"affine"`` for ``Present``, ``"traversal"`` for ``Every``."""
    if isinstance(value, Every):
        return value.point, "traversal"
    if isinstance(value, Present):
        return value.point, "affine"
    point = point_of(value)
    return None if point is None else (point, "lens")


def _point(value: object, marker: str) -> Point:
    point = point_of(value)
    if point is None:
        raise InvalidPath(
            f"{marker}() marks a step inside a path's route, as in "
            f"path(Order, lambda o: {marker}(o.lines)); it was given {type(value).__name__} "
            f"{value!r:.60}, not a part of the route's argument"
        )
    return point


def _parameter(function: Callable[..., object]) -> str:
    code = getattr(function, "__code__", None)
    if code is not None and code.co_argcount:
        name: str = code.co_varnames[0]
        return name
    return "x"


def _follow(start: Point, then: Callable[[Any], object] | None, marker: str) -> tuple[Point, str]:
    """Run the rest of the route (``then``) from ``start``, and check it stays on the route."""
    recording = start.recording
    if then is None:
        return start, "lens"
    if not callable(then):
        recording.refuse(
            f"gives {marker}() a {type(then).__name__} where the rest of the route goes"
        )
    name = _parameter(then)
    here = start._replace(text=name)
    result = then(Proxy(here))
    if recording.refusal is not None:
        raise recording.refusal
    end = end_of(result)
    if end is None:
        recording.refuse(
            f"gives {marker}({start.text}, ...) a function returning {type(result).__name__} "
            f"{result!r:.40}, not a part of {name}"
        )
    point, kind = end
    if point.recording is not recording or point.steps[: len(here.steps)] != here.steps:
        recording.refuse(
            f"gives {marker}({start.text}, ...) a function returning {point.text}, "
            f"which is not a part of {name}"
        )
    refuse_unfinished(point)
    return point, kind


@overload
def every(container: Mapping[Any, V]) -> Every[V]: ...
@overload
def every(container: Mapping[Any, V], then: Callable[[V], Every[B]]) -> Every[B]: ...
@overload
def every(container: Mapping[Any, V], then: Callable[[V], Present[B]]) -> Every[B]: ...
@overload
def every(container: Mapping[Any, V], then: Callable[[V], B]) -> Every[B]: ...
@overload
def every(container: Sequence[T]) -> Every[T]: ...
@overload
def every(container: Sequence[T], then: Callable[[T], Every[B]]) -> Every[B]: ...
@overload
def every(container: Sequence[T], then: Callable[[T], Present[B]]) -> Every[B]: ...
@overload
def every(container: Sequence[T], then: Callable[[T], B]) -> Every[B]: ...
def every(container: Any, then: Callable[[Any], object] | None = None) -> Every[Any]:
    """Inside a route: every element of a list or tuple, every value of a mapping. The path
    becomes a Traversal; ``then`` goes on from each element.

    >>> from dataclasses import dataclass
    >>> from dualtrack import path
    >>> @dataclass(frozen=True)
    ... class Line:
    ...     qty: int
    >>> @dataclass(frozen=True)
    ... class Order:
    ...     lines: list[Line]
    >>> quantities = path(Order, lambda o: every(o.lines, lambda line: line.qty))
    >>> quantities.modify(Order([Line(1), Line(2)]), lambda n: n * 10)
    Order(lines=[Line(qty=10), Line(qty=20)])
    """
    start = _point(container, "every")
    refuse_unfinished(start)
    try:
        declared = shapes.elements(start.declared)
    except shapes.Refusal as refusal:
        start.recording.refuse(f"calls every({start.text}), but {refusal}")
    point = Point(start.recording, (*start.steps, EACH), declared, f"every({start.text})")
    end, _ = _follow(point, then, "every")
    return Every(end)


@overload
def present(value: T | None) -> Present[T]: ...
@overload
def present(value: T | None, then: Callable[[T], Present[B]]) -> Present[B]: ...
@overload
def present(  # type: ignore[overload-overlap]
    value: T | None, then: Callable[[T], Every[B]]
) -> Every[B]: ...
@overload
def present(value: T | None, then: Callable[[T], B]) -> Present[B]: ...
def present(value: Any, then: Callable[[Any], object] | None = None) -> Every[Any] | Present[Any]:
    """Inside a route: a value that may be ``None`` (``p.home``) or missing
    (``p.scores.get("ada")``). The path becomes an Affine: reading previews ``Nothing`` and
    writing changes nothing where the value is absent; ``then`` goes on from the value.

    >>> from dataclasses import dataclass
    >>> from dualtrack import path
    >>> @dataclass(frozen=True)
    ... class Person:
    ...     nickname: str | None
    >>> nick = path(Person, lambda p: present(p.nickname))
    >>> nick.preview(Person("Ada")), nick.preview(Person(None))
    (<Some: Ada>, <Nothing>)
    """
    start = _point(value, "present")
    if not isinstance(start.declared, shapes.MaybeMissing):
        refuse_unfinished(start)
    point = Point(
        start.recording,
        (*start.steps, PRESENT),
        shapes.present(start.declared),
        f"present({start.text})",
    )
    end, kind = _follow(point, then, "present")
    return Every(end) if kind == "traversal" else Present(end)
