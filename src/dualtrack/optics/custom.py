"""Constructors for custom optics from plain functions, and the neutral ``identity()``."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable
from typing import Any

from returns.maybe import Maybe
from typing_extensions import TypeVar

from dualtrack.optics.absent import ABSENT
from dualtrack.optics.arguments import require_callables
from dualtrack.optics.kinds import (
    AffineKind,
    FoldKind,
    GetterKind,
    IsoKind,
    LensKind,
    PrismKind,
    SetterKind,
    TraversalKind,
)
from dualtrack.optics.optic import (
    Affine,
    Fold,
    Getter,
    Identity,
    Iso,
    Lens,
    Optic,
    Prism,
    Setter,
    Traversal,
)

# Default Any: functions mypy cannot type (unannotated lambdas) make an Any-typed optic, as the
# structural constructors give, not one over Never that no source fits.
S = TypeVar("S", default=Any)
A = TypeVar("A", default=Any)
# identity()'s focus comes from where it is used (``o >> identity()``), so it has no default.
T = typing.TypeVar("T")


def _named(constructor: str, name: str | None, *functions: Callable[..., Any]) -> str:
    if name is not None:
        return name
    parts = ", ".join(getattr(f, "__name__", "?") for f in functions)
    return f"{constructor}({parts})"


def _from_maybe(match: Callable[[S], Maybe[A]]) -> Callable[[S], Any]:
    def first(source: S) -> Any:
        return match(source).value_or(ABSENT)

    return first


def identity() -> Identity[T]:
    """The neutral optic: ``identity() >> o`` and ``o >> identity()`` behave as ``o``, at run
    time and to the type checkers.

    >>> identity().set(1, 2)
    2
    """
    return Identity(
        IsoKind,
        "identity()",
        {"get": lambda s: s, "review": lambda a: a, "set": lambda s, a: a},
        neutral=True,
    )


def iso(
    forward: Callable[[S], A], backward: Callable[[A], S], *, name: str | None = None
) -> Iso[S, A]:
    """Iso from two inverse functions: ``get`` is ``forward``, ``review`` is ``backward``."""
    require_callables("iso", forward=forward, backward=backward)
    return Optic(
        IsoKind,
        _named("iso", name, forward, backward),
        {"get": forward, "review": backward, "set": lambda _, a: backward(a)},
    )


def lens(get: Callable[[S], A], set: Callable[[S, A], S], *, name: str | None = None) -> Lens[S, A]:
    """Lens from a getter and a setter that returns an updated copy."""
    require_callables("lens", get=get, set=set)
    return Optic(LensKind, _named("lens", name, get, set), {"get": get, "set": set})


def prism(
    match: Callable[[S], Maybe[A]], review: Callable[[A], S], *, name: str | None = None
) -> Prism[S, A]:
    """Prism from a partial match returning ``Maybe`` and a constructor of the whole."""
    require_callables("prism", match=match, review=review)
    first = _from_maybe(match)

    def set_(source: S, value: A) -> S:
        return source if first(source) is ABSENT else review(value)

    return Optic(
        PrismKind,
        _named("prism", name, match, review),
        {"first": first, "review": review, "set": set_},
    )


def affine(
    preview: Callable[[S], Maybe[A]], set: Callable[[S, A], S], *, name: str | None = None
) -> Affine[S, A]:
    """Affine from a partial read returning ``Maybe`` and a setter (a no-op where it misses)."""
    require_callables("affine", preview=preview, set=set)
    return Optic(
        AffineKind,
        _named("affine", name, preview, set),
        {"first": _from_maybe(preview), "set": set},
    )


def traversal(
    get_all: Callable[[S], Iterable[A]],
    modify: Callable[[S, Callable[[A], A]], S],
    *,
    name: str | None = None,
) -> Traversal[S, A]:
    """Traversal from a function listing the foci and one mapping a function over them, in
    the same order."""
    require_callables("traversal", get_all=get_all, modify=modify)
    return Optic(
        TraversalKind,
        _named("traversal", name, get_all, modify),
        {"each": lambda s: iter(get_all(s)), "modify": modify},
    )


def getter(get: Callable[[S], A], *, name: str | None = None) -> Getter[S, A]:
    """Getter from a function: read-only, composes with anything that reads."""
    require_callables("getter", get=get)
    return Optic(GetterKind, _named("getter", name, get), {"get": get})


def fold(get_all: Callable[[S], Iterable[A]], *, name: str | None = None) -> Fold[S, A]:
    """Fold from a function listing the foci: read-only, zero or more."""
    require_callables("fold", get_all=get_all)
    return Optic(FoldKind, _named("fold", name, get_all), {"each": lambda s: iter(get_all(s))})


def setter(modify: Callable[[S, Callable[[A], A]], S], *, name: str | None = None) -> Setter[S, A]:
    """Setter from a function mapping a function over the foci: write-only."""
    require_callables("setter", modify=modify)
    return Optic(SetterKind, _named("setter", name, modify), {"modify": modify})
