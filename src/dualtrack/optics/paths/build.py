"""``path(Source, route)``: a typed optic from a route recorded once on a proxy.

The route is a function of the source, such as ``lambda p: p.address.city``; both type checkers
infer the focus from it, and the marker its result carries (``Every``, ``Present`` or a plain
value) picks the kind. At run time the function runs once on a recording proxy and the steps
become the same fused optic that ``attr("address") >> attr("city")`` is. Built paths are kept
by the route's code and every value it reads, so building the same path again is a lookup.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, final, get_origin, overload

from dualtrack.errors import InvalidPath
from dualtrack.optics.arguments import require_callables
from dualtrack.optics.optic import Affine, Lens, Optic, Traversal
from dualtrack.optics.paths import shapes
from dualtrack.optics.paths.cache import route_key
from dualtrack.optics.paths.markers import Every, Present, end_of, every, present
from dualtrack.optics.paths.recorder import Point, Proxy, Recording, refuse_unfinished
from dualtrack.optics.paths.route import compile_route, kind_of

S = TypeVar("S")
A = TypeVar("A")
AnyOptic = Optic[Any, Any, Any]

#: Built paths by route key, each with the code it was built from (the key holds its id).
_BUILT: dict[Hashable, tuple[object, AnyOptic]] = {}
MAX_CACHED = 4096
_STABLE = frozenset({id(every), id(present)})

_KIND_NAMES = {"lens": "Lens", "affine": "Affine", "traversal": "Traversal"}


@final
class _AnyFocus:
    """Never made: only a route whose focus is ``Any`` returns one, so the first overload of
    ``path`` catches such routes as Lenses instead of letting pyright pick a marker's kind."""


@overload
def path(source: type[S], route: Callable[[S], _AnyFocus]) -> Lens[S, Any]: ...
@overload
def path(  # type: ignore[overload-overlap]
    source: type[S], route: Callable[[S], Present[A]]
) -> Affine[S, A]: ...
@overload
def path(  # type: ignore[overload-overlap]
    source: type[S], route: Callable[[S], Every[A]]
) -> Traversal[S, A]: ...
@overload
def path(source: type[S], route: Callable[[S], A]) -> Lens[S, A]: ...
def path(source: Any, route: Callable[[Any], object]) -> AnyOptic:
    """A typed optic into ``source`` values along ``route``: a Lens, or an Affine through
    ``present(...)``, or a Traversal through ``every(...)``.

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Address:
    ...     city: str
    >>> @dataclass(frozen=True)
    ... class Person:
    ...     name: str
    ...     address: Address
    >>> city = path(Person, lambda p: p.address.city)
    >>> city
    Lens(attr('address') >> attr('city'))
    >>> city.set(Person("Ada", Address("London")), "Paris")
    Person(name='Ada', address=Address(city='Paris'))
    """
    key = route_key(source, route, _STABLE)
    if key is not None:
        built = _BUILT.get(key)
        if built is not None and built[0] is route.__code__:
            return built[1]
    optic = record(source, route)
    if key is not None:
        if len(_BUILT) >= MAX_CACHED:
            _BUILT.clear()
        _BUILT[key] = (route.__code__, optic)
    return optic


def _label(source: object, route: Callable[..., object]) -> str:
    name = getattr(route, "__name__", type(route).__name__)
    shown = "lambda ..." if name == "<lambda>" else name
    return f"path({shapes.describe(source)}, {shown})"


def _parameter(route: Callable[..., object]) -> str:
    code = getattr(route, "__code__", None)
    if code is not None and code.co_argcount:
        name: str = code.co_varnames[0]
        return name
    return "s"


def record(source: Any, route: Callable[[Any], object]) -> AnyOptic:
    """Run ``route`` once on a recording proxy of a ``source`` and build the optic it traced."""
    if not isinstance(source, type) and get_origin(source) is None:
        raise InvalidPath(
            f"path() needs the class of the values it reads, as in path(Person, lambda p: "
            f"p.name); got {type(source).__name__} {source!r:.60}"
        )
    require_callables("path", route=route)
    recording = Recording(_label(source, route))
    start = Point(recording, (), source, _parameter(route))
    result = route(Proxy(start))
    if recording.refusal is not None:
        raise recording.refusal
    end = end_of(result)
    if end is None:
        if inspect.iscoroutine(result):
            result.close()
        recording.refuse(
            f"returns {type(result).__name__} {result!r:.40}, not a part of {start.text}"
        )
    point, claimed = end
    if point.recording is not recording:
        recording.refuse(f"returns {point.text}, a part of another route")
    refuse_unfinished(point)
    traced = kind_of(point.steps)
    if traced != claimed:
        recording.refuse(
            f"returns {point.text}, which goes through "
            f"{'every(...)' if traced == 'traversal' else 'present(...)'} and so is a "
            f"{_KIND_NAMES[traced]}, not a {_KIND_NAMES[claimed]}: return the result of "
            "every(...) or present(...), passing the rest of the route as its second argument"
        )
    return compile_route(point.steps)
