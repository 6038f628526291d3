"""Which built paths may be reused: a route is known by its code and by every value it can read
besides its argument (closure cells, defaults, the globals it names), so two closures over
different values never share a path.

Only values whose equality means the same route are used (numbers, strings, bytes, ``None``,
enum members, tuples and frozensets of these, and the route markers); a route that reads any
other object (a list, a module, a class) is built afresh every time.
"""

from __future__ import annotations

import builtins
import dis
from collections.abc import Hashable
from enum import Enum
from functools import lru_cache
from types import CodeType, FunctionType
from typing import Any, cast

_CONSTANTS = frozenset({int, float, complex, str, bytes, bool, type(None)})
_MISSING = object()


class Uncacheable(Exception):
    """A route reads a value that does not identify the path it records."""


@lru_cache(maxsize=2048)
def global_names(code: CodeType) -> tuple[str, ...]:
    """The global names a function's code (and the functions nested in it) reads."""
    names = [
        instruction.argval
        for instruction in dis.get_instructions(code)
        if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME")
    ]
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            names.extend(global_names(constant))
    return tuple(dict.fromkeys(names))


def frozen(value: object, stable: frozenset[int]) -> Hashable:
    """A key equal for two values exactly when a route reading either records the same path."""
    kind = type(value)
    if kind in _CONSTANTS:
        return (kind, value)
    if kind is tuple and isinstance(value, tuple):
        items = cast("tuple[object, ...]", value)
        return (kind, tuple(frozen(v, stable) for v in items))
    if kind is frozenset and isinstance(value, frozenset):
        members = cast("frozenset[object]", value)
        return (kind, frozenset(frozen(v, stable) for v in members))
    if isinstance(value, Enum) or id(value) in stable:
        return (kind, id(value))
    raise Uncacheable


def route_key(source: object, route: object, stable: frozenset[int]) -> Hashable | None:
    """The cache key of ``path(source, route)``, or ``None`` when it must be built afresh.

    ``stable`` holds the ids of objects a route may name as globals and still be cached (the
    markers ``every`` and ``present``)."""
    if type(route) is not FunctionType:
        return None
    code = route.__code__
    closure, defaults, keywords = route.__closure__, route.__defaults__, route.__kwdefaults__
    names = global_names(code)
    if closure is None and defaults is None and keywords is None and not names:
        return (source, id(code))
    try:
        parts: list[Hashable] = [source, id(code)]
        for cell in closure or ():
            parts.append(frozen(cell.cell_contents, stable))
        parts.extend(frozen(default, stable) for default in defaults or ())
        for name, default in sorted((keywords or {}).items()):
            parts.append((name, frozen(default, stable)))
        scope: dict[str, Any] = route.__globals__
        for name in names:
            value = scope.get(name, _MISSING)
            if value is _MISSING:
                value = getattr(builtins, name, _MISSING)
            if value is _MISSING:
                raise Uncacheable
            parts.append(frozen(value, stable))
        key = tuple(parts)
        hash(key)
    except (Uncacheable, ValueError, TypeError):  # ValueError: an empty closure cell
        return None
    return key
