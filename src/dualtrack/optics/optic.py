"""``Optic``: one class for every optic kind, with the kind as a phantom type parameter.

An ``Optic[K, S, A]`` focuses on parts of type ``A`` inside a whole of type ``S``; ``K`` (from
:mod:`dualtrack.optics.kinds`) says which operations it has. ``Lens[S, A]`` and friends are
aliases of ``Optic`` with the kind filled in, so composition with ``>>`` can infer the kind
of the result under mypy: the strongest kind both sides are.

Building and composing an optic only records what it is made of; its operations are compiled
into plain functions the first time one is used and stored on the instance, so calling
``optic.get(s)`` then runs that function directly. An operation the kind lacks is refused with
:class:`UnsupportedOperation` (and by mypy, before the code runs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeAlias, TypeVar, overload

from returns.maybe import Maybe, Nothing, Some

from dualtrack.errors import CompositionError, OpticError, UnsupportedOperation
from dualtrack.optics.absent import ABSENT
from dualtrack.optics.kinds import (
    NAMES,
    AffineKind,
    FoldKind,
    GetterKind,
    IsoKind,
    LensKind,
    PrismKind,
    SetterKind,
    TraversalKind,
    join,
    with_article,
)
from dualtrack.optics.steps import Spec, Step, build, describe, fuse_get, fuse_modify, fuse_set

K = TypeVar("K", covariant=True)
S = TypeVar("S")
A = TypeVar("A")
B = TypeVar("B")
# The kind, source and focus of the other operand where ``identity()`` leaves it as it is.
KO = TypeVar("KO")
SO = TypeVar("SO")
AO = TypeVar("AO")

Ops = dict[str, Callable[..., Any]]


class _Operation:
    """A class-level stand-in for one operation: on first use, compiles the optic's operations
    into its instance dictionary, where later lookups find them directly."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc

    def __get__(self, optic: Optic[Any, Any, Any] | None, owner: type) -> Any:
        if optic is None:
            return self
        return optic._publish().get(self.name) or optic._refusal(self.name)


class Optic(Generic[K, S, A]):
    """A composable, immutable focus on parts ``A`` of a whole ``S``; ``K`` is its kind.

    >>> from dualtrack import key
    >>> path = key("user") >> key("name")
    >>> path.get({"user": {"name": "Ada"}})
    'Ada'
    >>> path.set({"user": {"name": "Ada"}}, "Grace")
    {'user': {'name': 'Grace'}}
    >>> path
    Lens(key('user') >> key('name'))
    """

    # Defaults for what most optics leave unset: instances store only what differs.
    _kind: type
    _path: str | None = None
    _given: Ops | None = None
    _steps: tuple[Spec, ...] | None = None
    _parts: tuple[Optic[Any, Any, Any], Optic[Any, Any, Any]] | None = None
    _neutral: bool = False

    def __init__(
        self,
        kind: type[K],
        path: str | None,
        ops: Ops | None = None,
        *,
        steps: tuple[Spec, ...] | None = None,
        parts: tuple[Optic[Any, Any, Any], Optic[Any, Any, Any]] | None = None,
        neutral: bool = False,
    ) -> None:
        fields = self.__dict__
        fields["_kind"] = kind
        if path is not None:
            fields["_path"] = path
        if ops is not None:
            fields["_given"] = _complete(kind, path or "", ops)
        if steps is not None:
            fields["_steps"] = steps
        if parts is not None:
            fields["_parts"] = parts
        if neutral:
            fields["_neutral"] = True

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"optics are immutable; build a new one instead of setting {name!r}")

    def __repr__(self) -> str:
        return f"{NAMES[self._kind]}({self.path})"

    def _repr_svg_(self) -> str:
        """Jupyter's picture of this optic: its steps and kinds (drawn by dualtrack.display)."""
        from dualtrack.display.optics import optic_svg

        return optic_svg(self)

    @property
    def kind(self) -> str:
        """The name of this optic's kind: ``'Lens'``, ``'Prism'``, ``'Traversal'``, ..."""
        return NAMES[self._kind]

    @property
    def path(self) -> str:
        """How this optic was built, as in ``key('a') >> each()``."""
        path = self._path
        if path is None:
            if self._steps is not None:
                path = " >> ".join(describe(spec) for spec in self._steps)
            elif self._parts is not None:
                path = f"{self._parts[0].path} >> {self._parts[1].path}"
            else:
                path = "optic"
            self.__dict__["_path"] = path
        return path

    def _ops(self) -> Ops:
        """The internal operations, compiled on first use (building an optic stays cheap)."""
        compiled: Ops | None = vars(self).get("_compiled")
        if compiled is None:
            path = self.path
            if self._given is not None:
                compiled = self._given
            elif self._steps is not None:
                steps = tuple(build(spec) for spec in self._steps)
                compiled = _complete(self._kind, path, _fused_ops(steps, path))
            elif self._parts is not None:
                outer, inner = self._parts
                compiled = _complete(self._kind, path, _compose_ops(self._kind, path, outer, inner))
            else:
                raise UnsupportedOperation(f"{self!r} was built without operations")
            vars(self)["_compiled"] = compiled
        return compiled

    def _publish(self) -> Ops:
        """Put the public operations of this optic's kind in its instance dictionary."""
        public = _public(self._kind, self._ops())
        vars(self).update(public)
        return public

    def _refusal(self, operation: str) -> Callable[..., NoReturn]:
        def refuse(*args: object) -> NoReturn:
            raise UnsupportedOperation(
                f"{with_article(NAMES[self._kind])} has no {operation}(); {self!r} supports "
                f"{', '.join(_operations(self._kind))}"
            )

        return refuse

    if TYPE_CHECKING:

        def get(self: Optic[GetterKind, S, A], source: S) -> A:
            """The one focus of a Lens, Iso or Getter."""

        def preview(self: Optic[FoldKind, S, A], source: S) -> Maybe[A]:
            """The first focus, if there is one: ``Some(a)`` or ``Nothing``."""

        def get_all(self: Optic[FoldKind, S, A], source: S) -> list[A]:
            """Every focus, in order."""

        def set(self: Optic[SetterKind, S, A], source: S, value: A) -> S:
            """A copy of ``source`` with every focus replaced by ``value``."""

        def modify(self: Optic[SetterKind, S, A], source: S, f: Callable[[A], A]) -> S:
            """A copy of ``source`` with ``f`` applied to every focus."""

        def review(self: Optic[PrismKind, S, A], value: A) -> S:
            """Build a whole from a part (Prism, Iso)."""

    else:
        get = _Operation("get", "The one focus of a Lens, Iso or Getter.")
        preview = _Operation("preview", "The first focus, if any: Some(a) or Nothing.")
        get_all = _Operation("get_all", "Every focus, in order.")
        set = _Operation("set", "A copy of the source with every focus replaced by a value.")
        modify = _Operation("modify", "A copy of the source with f applied to every focus.")
        review = _Operation("review", "Build a whole from a part (Prism, Iso).")

    @overload
    def __rshift__(  # type: ignore[overload-overlap]
        self: Optic[KO, SO, AO], other: Identity[Any]
    ) -> Optic[KO, SO, AO]: ...
    @overload
    def __rshift__(self: Iso[S, A], other: Iso[A, B]) -> Iso[S, B]: ...
    @overload
    def __rshift__(self: Lens[S, A], other: Lens[A, B]) -> Lens[S, B]: ...
    @overload
    def __rshift__(self: Prism[S, A], other: Prism[A, B]) -> Prism[S, B]: ...
    @overload
    def __rshift__(self: Getter[S, A], other: Getter[A, B]) -> Getter[S, B]: ...
    @overload
    def __rshift__(self: Affine[S, A], other: Affine[A, B]) -> Affine[S, B]: ...
    @overload
    def __rshift__(self: Traversal[S, A], other: Traversal[A, B]) -> Traversal[S, B]: ...
    @overload
    def __rshift__(self: Fold[S, A], other: Fold[A, B]) -> Fold[S, B]: ...
    @overload
    def __rshift__(self: Setter[S, A], other: Setter[A, B]) -> Setter[S, B]: ...
    def __rshift__(self, other: Any) -> Any:
        """Compose: focus with ``self``, then focus further with ``other``."""
        if not isinstance(other, Optic):
            return NotImplemented
        return compose(self, other)


class Identity(Optic[IsoKind, A, A]):
    """The type of ``identity()``: an Iso that ``>>`` leaves out on either side, so both
    checkers type ``identity() >> o`` and ``o >> identity()`` exactly as ``o``."""

    def __rshift__(self, other: Optic[KO, SO, AO]) -> Optic[KO, SO, AO]:
        """``identity() >> other`` is ``other``."""
        if not isinstance(other, Optic):
            return NotImplemented
        return compose(self, other)


Iso: TypeAlias = Optic[IsoKind, S, A]
Lens: TypeAlias = Optic[LensKind, S, A]
Prism: TypeAlias = Optic[PrismKind, S, A]
Affine: TypeAlias = Optic[AffineKind, S, A]
Traversal: TypeAlias = Optic[TraversalKind, S, A]
Getter: TypeAlias = Optic[GetterKind, S, A]
Fold: TypeAlias = Optic[FoldKind, S, A]
Setter: TypeAlias = Optic[SetterKind, S, A]


def _operations(kind: type) -> list[str]:
    names = []
    if issubclass(kind, GetterKind):
        names.append("get")
    if issubclass(kind, FoldKind):
        names += ["preview", "get_all"]
    if issubclass(kind, SetterKind):
        names += ["set", "modify"]
    if issubclass(kind, PrismKind):
        names.append("review")
    return names


def _complete(kind: type, path: str, ops: Ops) -> Ops:
    """Fill in the operations a kind derives from the ones given (``modify`` from get/set...)."""
    get = ops.get("get")
    first = ops.get("first")
    each = ops.get("each")
    set_ = ops.get("set")
    modify = ops.get("modify")
    review = ops.get("review")
    if issubclass(kind, GetterKind):
        if get is None:
            raise UnsupportedOperation(f"{NAMES[kind]} {path} needs a get")
        first = first or get
        each = each or (lambda s: iter((get(s),)))
    if issubclass(kind, FoldKind):
        if first is None and each is None:
            raise UnsupportedOperation(f"{NAMES[kind]} {path} needs a way to read its foci")
        if first is None:
            first = _first_of(each)  # type: ignore[arg-type]
        if each is None:
            each = _each_of(first)
    if issubclass(kind, SetterKind):
        if modify is None:
            if set_ is None:
                raise UnsupportedOperation(f"{NAMES[kind]} {path} needs a set or a modify")
            modify = _modify_of(get, first, set_)
        if set_ is None:
            set_ = _set_of(modify)
    if issubclass(kind, PrismKind) and review is None:
        raise UnsupportedOperation(f"{NAMES[kind]} {path} needs a review")
    complete = {"get": get, "first": first, "each": each, "set": set_, "modify": modify}
    complete["review"] = review
    return {name: op for name, op in complete.items() if op is not None}


def _first_of(each: Callable[[Any], Iterable[Any]]) -> Callable[[Any], Any]:
    return lambda s: next(iter(each(s)), ABSENT)


def _each_of(first: Callable[[Any], Any]) -> Callable[[Any], Iterator[Any]]:
    def each(s: Any) -> Iterator[Any]:
        focus = first(s)
        if focus is not ABSENT:
            yield focus

    return each


def _modify_of(
    get: Callable[[Any], Any] | None, first: Callable[[Any], Any] | None, set_: Callable[..., Any]
) -> Callable[..., Any]:
    if get is not None:
        return lambda s, f: set_(s, f(get(s)))
    if first is None:
        raise UnsupportedOperation("a setter built from set alone needs a way to read its focus")

    def modify(s: Any, f: Callable[[Any], Any]) -> Any:
        focus = first(s)
        return s if focus is ABSENT else set_(s, f(focus))

    return modify


def _set_of(modify: Callable[..., Any]) -> Callable[[Any, Any], Any]:
    return lambda s, value: modify(s, lambda _: value)


def _public(kind: type, ops: Ops) -> Ops:
    public: Ops = {}
    if issubclass(kind, GetterKind):
        public["get"] = ops["get"]
    if issubclass(kind, FoldKind):
        first = ops["first"]
        each = ops["each"]

        def preview(s: Any) -> Maybe[Any]:
            focus = first(s)
            return Nothing if focus is ABSENT else Some(focus)

        public["preview"] = preview
        public["get_all"] = lambda s: list(each(s))
    if issubclass(kind, SetterKind):
        public["set"] = ops["set"]
        public["modify"] = ops["modify"]
    if issubclass(kind, PrismKind):
        public["review"] = ops["review"]
    return public


def compose(outer: Optic[Any, Any, Any], inner: Optic[Any, Any, Any]) -> Optic[Any, Any, Any]:
    """``outer >> inner`` at run time: the kinds' join; operations are compiled on first use."""
    kind = join(outer._kind, inner._kind)
    if kind is None:
        raise CompositionError(
            f"cannot compose {with_article(outer.kind)} with {with_article(inner.kind)}: they "
            "share no optic kind "
            f"(in {outer.path} >> {inner.path}). A Getter or Fold can only be followed by "
            "something that reads; a Setter only by something that writes"
        )
    # identity() is an Iso, and an Iso joined with any kind is that kind: drop it.
    if inner._neutral:
        return outer
    if outer._neutral:
        return inner
    outer_steps, inner_steps = outer._steps, inner._steps
    if outer_steps is not None and inner_steps is not None:
        return Optic(LensKind, None, steps=outer_steps + inner_steps)
    return Optic(kind, None, parts=(outer, inner))


def structural(spec: Spec) -> Lens[Any, Any]:
    """A lens of one structural step (``key``, ``index``, ``attr``); chains of them fuse."""
    return Optic(LensKind, None, steps=(spec,))


def _fused_ops(steps: tuple[Step, ...], path: str) -> Ops:
    get = fuse_get(steps, path)
    set_ = fuse_set(steps, path)
    return {"get": get, "set": set_, "modify": fuse_modify(steps, path, get, set_)}


def _at_most_one(kind: type) -> bool:
    return issubclass(kind, AffineKind | GetterKind)


def _compose_ops(
    kind: type, path: str, outer: Optic[Any, Any, Any], inner: Optic[Any, Any, Any]
) -> Ops:
    ops: Ops = {}
    o, i = outer._ops(), inner._ops()
    if issubclass(kind, GetterKind):
        ops["get"] = _compose_get(path, o["get"], i["get"])
    if issubclass(kind, FoldKind):
        ops["each"] = _compose_each(path, o, i)
        if _at_most_one(outer._kind):
            ops["first"] = _compose_first(path, o["first"], i["first"])
    if issubclass(kind, SetterKind):
        ops["modify"] = _compose_modify(path, o, i)
        ops["set"] = _compose_set(path, o, i)
    if issubclass(kind, PrismKind):
        outer_review, inner_review = o["review"], i["review"]
        ops["review"] = lambda value: outer_review(inner_review(value))
    return ops


def _compose_get(path: str, outer: Callable[[Any], Any], inner: Callable[[Any], Any]) -> Any:
    def get(s: Any) -> Any:
        try:
            return inner(outer(s))
        except OpticError as error:
            raise error.within(path) from None

    return get


def _compose_first(path: str, outer: Callable[[Any], Any], inner: Callable[[Any], Any]) -> Any:
    def first(s: Any) -> Any:
        try:
            focus = outer(s)
            return ABSENT if focus is ABSENT else inner(focus)
        except OpticError as error:
            raise error.within(path) from None

    return first


def _compose_each(path: str, outer: Ops, inner: Ops) -> Any:
    outer_each, inner_each = outer["each"], inner["each"]

    def each(s: Any) -> Iterator[Any]:
        try:
            for focus in outer_each(s):
                yield from inner_each(focus)
        except OpticError as error:
            raise error.within(path) from None

    return each


def _compose_modify(path: str, outer: Ops, inner: Ops) -> Any:
    outer_modify, inner_modify = outer["modify"], inner["modify"]
    outer_get, outer_set = outer.get("get"), outer.get("set")
    if outer_get is not None and outer_set is not None:

        def modify_through_lens(s: Any, f: Callable[[Any], Any]) -> Any:
            try:
                return outer_set(s, inner_modify(outer_get(s), f))
            except OpticError as error:
                raise error.within(path) from None

        return modify_through_lens

    def modify(s: Any, f: Callable[[Any], Any]) -> Any:
        try:
            return outer_modify(s, lambda focus: inner_modify(focus, f))
        except OpticError as error:
            raise error.within(path) from None

    return modify


def _compose_set(path: str, outer: Ops, inner: Ops) -> Any:
    outer_modify, inner_set = outer["modify"], inner["set"]
    outer_get, outer_set = outer.get("get"), outer.get("set")
    if outer_get is not None and outer_set is not None:

        def set_through_lens(s: Any, value: Any) -> Any:
            try:
                return outer_set(s, inner_set(outer_get(s), value))
            except OpticError as error:
                raise error.within(path) from None

        return set_through_lens

    def set_(s: Any, value: Any) -> Any:
        try:
            return outer_modify(s, lambda focus: inner_set(focus, value))
        except OpticError as error:
            raise error.within(path) from None

    return set_
