"""What the declared types along a route allow each step to do, checked while the route records.

The type checkers see the route's lambda; these checks see the classes at run time, so a route
that only a silenced checker would pass (a typo'd field, a step through ``X | None``, a property
that cannot be written back) is refused when the path is built instead of lying later. A type
that says nothing (``Any``, an unresolvable annotation, a type variable) allows every step.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import types
import typing
from collections.abc import Mapping, Sequence, Set
from functools import lru_cache
from typing import Any, NamedTuple, Union, get_args, get_origin

from dualtrack.optics.codegen import is_field_name
from dualtrack.optics.steps import Spec

NONE_TYPE = type(None)
TEXT = (str, bytes, bytearray)
_QUALIFIED = re.compile(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)")
_ALIAS: Any = getattr(typing, "TypeAliasType", None)  # ``type X = ...`` (Python 3.12+)


class Refusal(Exception):
    """A step the declared types do not allow; the recorder turns it into ``InvalidPath``."""


class MethodRefusal(Refusal):
    """A method read where a field was expected: refused when the route uses it (a call is
    named as one), so the message says what the route did."""


class Method(NamedTuple):
    """The type at ``p.name.upper``: a method, which a route may neither call nor return."""

    refusal: str


class MaybeMissing(NamedTuple):
    """The type at ``m.get(k)``: a value that may be missing, to be wrapped in ``present``."""

    value: Any


class GetMethod(NamedTuple):
    """The type at ``m.get``: the mapping method, to be called with one key."""

    mapping: Any


class Record(NamedTuple):
    """A class whose instances have named fields, as ``attr`` updates them."""

    name: str
    fields: dict[str, Any]
    closed: bool  # only these fields exist (dataclass, attrs, pydantic, NamedTuple)
    positional: bool  # a NamedTuple: its fields are positions too


def describe(declared: Any) -> str:
    """A declared type as the user wrote it: ``Person``, ``list[Line]``, ``Address | None``."""
    members = _union_members(declared)
    if members is not None:
        return " | ".join("None" if m is NONE_TYPE else describe(m) for m in members)
    origin, arguments = get_origin(declared), get_args(declared)
    if isinstance(origin, type) and arguments:
        shown = ", ".join("..." if a is Ellipsis else describe(a) for a in arguments)
        return f"{origin.__qualname__}[{shown}]"
    if isinstance(declared, type):
        return declared.__qualname__
    return _QUALIFIED.sub(r"\1", str(declared))


def plain(declared: Any) -> Any:
    """``declared`` without the wrappers that do not change its shape (Annotated, NewType, type
    aliases); ``Any`` when it says nothing (a string, a type variable, ``object``)."""
    while True:
        if get_origin(declared) is typing.Annotated:
            declared = get_args(declared)[0]
        elif hasattr(declared, "__supertype__"):
            declared = declared.__supertype__
        elif _ALIAS is not None and isinstance(declared, _ALIAS):
            declared = declared.__value__
        else:
            break
    if declared is None:
        return NONE_TYPE
    if declared is Any or declared is object:
        return Any
    if isinstance(declared, str | typing.TypeVar | typing.ForwardRef):
        return Any
    return declared


def _union_members(declared: Any) -> tuple[Any, ...] | None:
    if get_origin(declared) in (Union, types.UnionType):
        return get_args(declared)
    return None


def is_optional(declared: Any) -> bool:
    """Whether ``declared`` admits ``None`` beside other values (``X | None``)."""
    members = _union_members(declared)
    return members is not None and NONE_TYPE in members


def _class_and_arguments(declared: Any) -> tuple[type | None, tuple[Any, ...]]:
    if declared is Any:
        return None, ()
    origin = get_origin(declared)
    if isinstance(origin, type):
        return origin, get_args(declared)
    if isinstance(declared, type):
        return declared, ()
    return None, ()


@lru_cache(maxsize=512)
def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception:  # an unresolvable forward reference: use what is resolved
        raw: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            raw.update(getattr(klass, "__annotations__", {}))
        return {name: plain(hint) for name, hint in raw.items()}


def _substitute(declared: Any, cls: type, arguments: tuple[Any, ...]) -> Any:
    """A field's type with the class's type parameters replaced by the given arguments."""
    parameters: tuple[Any, ...] = getattr(cls, "__parameters__", ())
    if not arguments or len(parameters) != len(arguments):
        return declared
    bound: dict[Any, Any] = dict(zip(parameters, arguments, strict=True))
    if isinstance(declared, typing.TypeVar):
        return bound.get(declared, Any)
    inner: tuple[Any, ...] = getattr(declared, "__parameters__", ())
    if inner:
        try:
            return declared[tuple(bound.get(p, Any) for p in inner)]
        except TypeError:
            return Any
    return declared


def _refuse_uninitialised(cls: type, name: str) -> typing.NoReturn:
    raise Refusal(f"field {name!r} of {cls.__qualname__} has init=False, so a copy cannot set it")


class _Uninitialised:
    """Marks a record field that ``__init__`` does not take, so a copy cannot set it."""


@lru_cache(maxsize=512)
def record(cls: type) -> Record | None:
    """The fields of a record class, or ``None`` for builtins and containers."""
    hints = _hints(cls)
    name = cls.__qualname__
    declared: list[Any] = []
    subject: Any = cls  # the checks below narrow what they test; the class stays a type
    if dataclasses.is_dataclass(subject):
        declared = list(dataclasses.fields(subject))
    elif (attributes := getattr(cls, "__attrs_attrs__", None)) is not None:
        declared = list(attributes)
    if declared:
        fields = {f.name: hints.get(f.name, Any) if f.init else _Uninitialised for f in declared}
        return Record(name, fields, True, False)
    model_fields: Any = getattr(cls, "model_fields", None)
    if isinstance(model_fields, dict):
        models = typing.cast("dict[str, Any]", model_fields)
        return Record(name, {n: plain(f.annotation) for n, f in models.items()}, True, False)
    named: Any = getattr(cls, "_fields", None)
    if tuple in cls.__mro__ and isinstance(named, tuple):
        names = typing.cast("tuple[str, ...]", named)
        return Record(name, {n: hints.get(n, Any) for n in names}, True, True)
    if typing.is_typeddict(cls) or cls.__module__ == "builtins":
        return None
    if issubclass(cls, Mapping | Sequence | Set):
        return None
    fields = {n: h for n, h in hints.items() if get_origin(h) is not typing.ClassVar}
    return Record(name, fields, False, False)


def _field_type(cls: type, found: Record, name: str) -> Any:
    if name in found.fields:
        declared = found.fields[name]
        if declared is _Uninitialised:
            _refuse_uninitialised(cls, name)
        return declared
    static = inspect.getattr_static(cls, name, None)
    if isinstance(static, property | types.FunctionType | classmethod | staticmethod):
        if isinstance(static, property):
            raise Refusal(
                f"{found.name}.{name} is a property, not a field stored on the instance, so a "
                "copy cannot set it"
            )
        raise MethodRefusal(f"{found.name}.{name} is a method, not a field")
    if found.closed:
        known = ", ".join(n for n in found.fields) or "none"
        raise Refusal(f"{found.name} has no field {name!r}; its fields are: {known}")
    if isinstance(static, types.MemberDescriptorType):
        raise Refusal(
            f"{found.name} keeps {name!r} in __slots__, which a copy of a plain object cannot "
            "replace; make it a dataclass"
        )
    return Any


def _container(cls: type) -> str | None:
    if issubclass(cls, TEXT):
        return "text"
    if issubclass(cls, Mapping):
        return "mapping"
    if issubclass(cls, Sequence):
        return "sequence"
    if issubclass(cls, Set):
        return "set"
    return None


def _refuse_optional(declared: Any, doing: str) -> None:
    if is_optional(declared):
        raise Refusal(
            f"it is {describe(declared)}, and None has nothing to {doing}: reach through it "
            "with present(...), which makes the path an Affine"
        )


def field(declared: Any, name: str) -> Any:
    """The declared type of field ``name`` of a ``declared`` value."""
    if not is_field_name(name):
        raise Refusal(f"{name!r} is not a field name")
    declared = plain(declared)
    _refuse_optional(declared, f"read .{name} from")
    cls, arguments = _class_and_arguments(declared)
    if cls is None:
        return Any
    if typing.is_typeddict(cls):
        raise Refusal(f"{cls.__qualname__} is a TypedDict: read its keys with [{name!r}]")
    found = record(cls)
    if found is not None:
        return _substitute(_field_type(cls, found, name), cls, arguments)
    if callable(getattr(cls, name, None)):
        raise MethodRefusal(f"{name} is a method of {describe(declared)}, not a field")
    if _container(cls) is not None:
        raise Refusal(
            f"a {describe(declared)} has no fields to focus on; use [...] for one "
            "element or every(...) for all of them"
        )
    raise Refusal(f"a {describe(declared)} has no fields to focus on")


def _position(key: object, size: int | None, what: str) -> int:
    if not isinstance(key, int) or isinstance(key, bool):
        raise Refusal(f"a position in a {what} must be an int, got {key!r}")
    if size is not None and not -size <= key < size:
        raise Refusal(f"position {key} is out of range for a {what} of {size} fields")
    return key


def _check_hashable(key: object) -> None:
    try:
        hash(key)
    except TypeError:
        raise Refusal(f"a key must be hashable, got {type(key).__name__}") from None


def _optional_key(cls: type, key: object) -> bool:
    """Whether a TypedDict key may be missing, also where ``from __future__ import
    annotations`` kept ``NotRequired[...]`` as text that the class could not see."""
    if not isinstance(key, str):
        return False
    raw = next(
        (k.__annotations__[key] for k in cls.__mro__ if key in getattr(k, "__annotations__", {})),
        None,
    )
    if isinstance(raw, typing.ForwardRef):
        raw = raw.__forward_arg__
    if isinstance(raw, str):
        wrapper = raw.split("[", 1)[0].rsplit(".", 1)[-1]
        if wrapper in ("NotRequired", "Required"):
            return wrapper == "NotRequired"
    return key in getattr(cls, "__optional_keys__", ())


def _typed_dict_key(cls: type, key: object) -> Any:
    hints = _hints(cls)
    if not isinstance(key, str) or key not in hints:
        known = ", ".join(repr(k) for k in hints) or "none"
        raise Refusal(f"{cls.__qualname__} has no key {key!r}; its keys are: {known}")
    return hints[key]


def subscript(declared: Any, key: object) -> tuple[Spec, Any]:
    """The step ``[key]`` on a ``declared`` value, and the declared type it reaches."""
    if isinstance(key, slice):
        raise Refusal("a slice is several elements, not one focus; use every(...) over them")
    declared = plain(declared)
    _refuse_optional(declared, "look up [...] in")
    cls, arguments = _class_and_arguments(declared)
    if cls is None:
        return _untyped_subscript(key)
    if typing.is_typeddict(cls):
        value = _typed_dict_key(cls, key)
        if _optional_key(cls, key):
            raise Refusal(
                f"key {key!r} of {cls.__qualname__} is not required, so it may be missing: "
                f"reach it with .get({key!r}) inside present(...)"
            )
        return ("key", key), value
    found = record(cls)
    if found is not None and found.positional:
        names = list(found.fields)
        at = _position(key, len(names), cls.__qualname__)
        return ("index", at), _substitute(found.fields[names[at]], cls, arguments)
    container = _container(cls)
    if container == "mapping":
        _check_hashable(key)
        return ("key", key), arguments[-1] if len(arguments) == 2 else Any
    if container == "sequence":
        if cls is tuple and arguments and arguments[-1] is not Ellipsis:
            at = _position(key, len(arguments), describe(declared))
            return ("index", at), arguments[at]
        return ("index", _position(key, None, describe(declared))), (
            arguments[0] if arguments else Any
        )
    if container == "text":
        raise Refusal(
            f"a {describe(declared)} cannot be written one character at a time; focus the "
            "whole value"
        )
    if container == "set":
        raise Refusal(f"a {describe(declared)} has no positions or keys")
    if found is not None:
        raise Refusal(f"{found.name} is a record: read its fields (.name), not [...]")
    return _untyped_subscript(key)


def _untyped_subscript(key: object) -> tuple[Spec, Any]:
    """With no declared type: an int is a position, anything else a key."""
    if isinstance(key, int) and not isinstance(key, bool):
        return ("index", key), Any
    _check_hashable(key)
    return ("key", key), Any


def elements(declared: Any) -> Any:
    """The declared type of every element ``every(...)`` reaches in a ``declared`` value."""
    declared = plain(declared)
    _refuse_optional(declared, "iterate over")
    cls, arguments = _class_and_arguments(declared)
    if cls is None:
        return Any
    container = _container(cls)
    if typing.is_typeddict(cls):
        return Any
    if container == "mapping":
        return arguments[-1] if len(arguments) == 2 else Any
    if container == "sequence":
        if cls is tuple and arguments and arguments[-1] is not Ellipsis:
            return Union[arguments] if arguments else Any  # noqa: UP007
        return arguments[0] if arguments else Any
    if container == "text":
        raise Refusal(f"a {describe(declared)} is not a container of parts to write back")
    if container == "set":
        raise Refusal(
            f"a {describe(declared)} has no stable order to write its elements back in; "
            "convert it to a list or tuple"
        )
    if record(cls) is not None:
        raise Refusal(f"{cls.__qualname__} is a record, not a container of elements")
    return Any


def get_method(declared: Any) -> GetMethod | None:
    """``m.get`` on a mapping (or a value of unknown type), or ``None`` for other values."""
    declared = plain(declared)
    cls, _ = _class_and_arguments(declared)
    if declared is Any or (
        cls is not None and (typing.is_typeddict(cls) or _container(cls) == "mapping")
    ):
        return GetMethod(declared)
    return None


def lookup(method: GetMethod, key: object) -> tuple[Spec, MaybeMissing]:
    """The step ``m.get(key)``: an ``item`` that may be missing, and what it holds."""
    _check_hashable(key)
    cls, arguments = _class_and_arguments(method.mapping)
    if cls is not None and typing.is_typeddict(cls):
        return ("item", key), MaybeMissing(_typed_dict_key(cls, key))
    value = arguments[-1] if len(arguments) == 2 else Any
    return ("item", key), MaybeMissing(value)


def present(declared: Any) -> Any:
    """The declared type ``present(...)`` reaches: ``X`` from ``X | None``."""
    if isinstance(declared, MaybeMissing):
        declared = declared.value
    declared = plain(declared)
    members = _union_members(declared)
    if members is None or NONE_TYPE not in members:
        return declared
    rest = tuple(m for m in members if m is not NONE_TYPE)
    return rest[0] if len(rest) == 1 else Union[rest]  # noqa: UP007
