"""Immutable one-place updates of mappings, sequences and records, keeping the container's type.

These never mutate their input: they copy, change the copy, and return it. Plain ``dict``,
``list`` and ``tuple`` take a fast path; other containers are rebuilt through their own type.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from operator import attrgetter
from typing import Any

from dualtrack.errors import IndexOutOfRange, MissingAttribute, MissingKey, ShapeMismatch

Updater = Callable[[Any, Any], Any]


def describe_keys(mapping: Mapping[Any, Any]) -> str:
    """A short list of a mapping's keys for error messages."""
    keys = list(mapping)
    shown = ", ".join(repr(k) for k in keys[:10])
    return f"[{shown}{', ...' if len(keys) > 10 else ''}]"


def missing_key(key: Any, mapping: Mapping[Any, Any]) -> MissingKey:
    """The error for ``key`` absent from ``mapping``, listing the keys it does have."""
    return MissingKey(
        f"key {key!r} not found; the mapping has keys {describe_keys(mapping)}. "
        "Use item(k) to focus a key that may be missing"
    )


def not_a(expected: str, value: object) -> ShapeMismatch:
    """The error for a value of the wrong shape."""
    return ShapeMismatch(f"expected {expected}, got {type(value).__name__}: {value!r:.80}")


def set_key(mapping: Any, key: Any, value: Any) -> Any:
    """``mapping`` with ``key`` (which must exist) bound to ``value``.

    >>> set_key({"a": 1, "b": 2}, "a", 10)
    {'a': 10, 'b': 2}
    """
    if type(mapping) is dict:
        if key not in mapping:
            raise missing_key(key, mapping)
        changed = mapping.copy()
        changed[key] = value
        return changed
    if not isinstance(mapping, Mapping):
        raise not_a("a mapping", mapping)
    if key not in mapping:
        raise missing_key(key, mapping)
    return rebuild_mapping(mapping, {key: value})


def rebuild_mapping(mapping: Mapping[Any, Any], changes: Mapping[Any, Any]) -> Any:
    """A copy of ``mapping`` with ``changes`` applied, of the same type where it can be rebuilt.

    A mutable mapping whose ``copy()`` keeps its type (``OrderedDict``, ``defaultdict``,
    ``Counter``) is copied; otherwise the type is called with the merged items; a type whose
    constructor refuses them, or builds something else from them, gives a plain ``dict``.
    """
    copier = getattr(mapping, "copy", None)
    if isinstance(mapping, MutableMapping) and callable(copier):
        duplicate = copier()
        if type(duplicate) is type(mapping):
            for changed_key, value in changes.items():
                duplicate[changed_key] = value
            return duplicate
    merged = {**mapping, **changes}
    try:
        rebuilt: Any = type(mapping)(merged)  # type: ignore[call-arg]
    except TypeError:
        return merged
    return rebuilt if rebuilt == merged else merged


def normalise_index(index: int, sequence: Sequence[Any]) -> int:
    """``index`` as a position in ``0..len-1`` (negative counts from the end), or an error."""
    size = len(sequence)
    position = index + size if index < 0 else index
    if not 0 <= position < size:
        raise IndexOutOfRange(
            f"index {index} is out of range for a {type(sequence).__name__} of length {size}"
        )
    return position


def set_index(sequence: Any, index: int, value: Any) -> Any:
    """``sequence`` with the element at ``index`` replaced; ``-1`` is the last element.

    >>> set_index((1, 2, 3), -1, 30)
    (1, 2, 30)
    """
    kind = type(sequence)
    if kind is list:
        position = normalise_index(index, sequence)
        changed = sequence.copy()
        changed[position] = value
        return changed
    if kind is tuple:
        position = normalise_index(index, sequence)
        return (*sequence[:position], value, *sequence[position + 1 :])
    if not isinstance(sequence, Sequence):
        raise not_a("a sequence", sequence)
    position = normalise_index(index, sequence)
    items = list(sequence)
    items[position] = value
    return rebuild_sequence(sequence, items)


def rebuild_sequence(sequence: Sequence[Any], items: list[Any]) -> Any:
    """A sequence of ``sequence``'s type holding ``items``; an error where none can be built."""
    if isinstance(sequence, str | bytes | bytearray):
        raise ShapeMismatch(
            f"cannot write single elements into a {type(sequence).__name__}; "
            "focus the whole value, or convert it to a list with an iso first"
        )
    make = getattr(type(sequence), "_make", None)
    if isinstance(sequence, tuple) and callable(make):
        return make(items)
    try:
        rebuilt: Any = type(sequence)(items)  # type: ignore[call-arg]
    except TypeError as error:
        raise ShapeMismatch(
            f"cannot rebuild a {type(sequence).__name__} from a list of its items: {error}"
        ) from error
    if list(rebuilt) != items:
        raise ShapeMismatch(f"{type(sequence).__name__}(items) does not rebuild the sequence")
    return rebuilt


def field_names(obj: object) -> list[str]:
    """The fields an object's record type declares, for error messages."""
    kind = type(obj)
    if dataclasses.is_dataclass(kind):
        return [f.name for f in dataclasses.fields(kind)]
    for declared in ("_fields", "model_fields", "__fields__"):
        names = getattr(kind, declared, None)
        if names:
            return list(names)
    attributes = getattr(kind, "__attrs_attrs__", None)
    if attributes is not None:
        return [a.name for a in attributes]
    return sorted(n for n in getattr(obj, "__dict__", {}) if not n.startswith("__"))


def missing_field(obj: object, name: str) -> MissingAttribute:
    """The error for a record that has no field ``name``."""
    names = ", ".join(field_names(obj)) or "none"
    return MissingAttribute(f"{type(obj).__name__} has no field {name!r}; its fields are: {names}")


def field_updater(kind: type, name: str) -> Updater:
    """A function ``(obj, value) -> copy of obj with field name = value`` for records of ``kind``.

    Dataclasses are rebuilt through their ``__init__`` (so ``__post_init__`` runs, as with
    ``dataclasses.replace``, but about three times faster); NamedTuples through ``_make``; attrs
    classes through ``attrs.evolve``; pydantic models through ``model_copy``; other objects
    with a ``__dict__`` are shallow-copied and the attribute replaced.
    """
    if dataclasses.is_dataclass(kind):
        return _dataclass_updater(kind, name)
    fields = getattr(kind, "_fields", None)
    if issubclass(kind, tuple) and fields is not None:
        return _namedtuple_updater(kind, tuple(fields), name)
    if getattr(kind, "__attrs_attrs__", None) is not None:
        return _attrs_updater(kind, name)
    if isinstance(getattr(kind, "model_fields", None), dict):
        return _pydantic_updater(kind, name)
    return _instance_dict_updater(name)


def _dataclass_updater(kind: type, name: str) -> Updater:
    fields = {f.name: f for f in dataclasses.fields(kind)}
    if name not in fields:

        def refuse(obj: Any, value: Any) -> Any:
            raise missing_field(obj, name)

        return refuse
    if not fields[name].init:
        raise ShapeMismatch(
            f"field {name!r} of {kind.__name__} has init=False, so a copy cannot set it"
        )
    init_names = [f.name for f in fields.values() if f.init]
    declared = getattr(kind, "__dataclass_fields__", {})
    has_init_vars = len(declared) != len(fields)
    positional = not has_init_vars and not any(f.kw_only for f in fields.values() if f.init)
    if len(init_names) == 1:
        return lambda obj, value: kind(value)
    read_all = attrgetter(*init_names)
    if positional:
        at = init_names.index(name)

        def rebuild_positional(obj: Any, value: Any) -> Any:
            values = read_all(obj)
            return kind(*values[:at], value, *values[at + 1 :])

        return rebuild_positional

    def rebuild_keywords(obj: Any, value: Any) -> Any:
        arguments = dict(zip(init_names, read_all(obj), strict=True))
        arguments[name] = value
        return kind(**arguments)

    return rebuild_keywords


def _namedtuple_updater(kind: type, fields: tuple[str, ...], name: str) -> Updater:
    if name not in fields:

        def refuse(obj: Any, value: Any) -> Any:
            raise missing_field(obj, name)

        return refuse
    at = fields.index(name)
    make = kind._make  # type: ignore[attr-defined]
    return lambda obj, value: make((*obj[:at], value, *obj[at + 1 :]))


def _attrs_updater(kind: type, name: str) -> Updater:
    import attrs

    attribute = next((a for a in kind.__attrs_attrs__ if a.name == name), None)  # type: ignore[attr-defined]
    if attribute is None:

        def refuse(obj: Any, value: Any) -> Any:
            raise missing_field(obj, name)

        return refuse
    if not attribute.init:
        raise ShapeMismatch(f"field {name!r} of {kind.__name__} has init=False")
    alias = getattr(attribute, "alias", None) or name.lstrip("_")
    return lambda obj, value: attrs.evolve(obj, **{alias: value})


def _pydantic_updater(kind: type, name: str) -> Updater:
    if name not in kind.model_fields:  # type: ignore[attr-defined]

        def refuse(obj: Any, value: Any) -> Any:
            raise missing_field(obj, name)

        return refuse
    return lambda obj, value: obj.model_copy(update={name: value})


def _instance_dict_updater(name: str) -> Updater:
    def replace_attribute(obj: Any, value: Any) -> Any:
        if name not in getattr(obj, "__dict__", ()):
            if hasattr(obj, name):
                raise ShapeMismatch(
                    f"{type(obj).__name__}.{name} is not a field stored on the instance, "
                    "so it cannot be replaced in a copy"
                )
            raise missing_field(obj, name)
        duplicate = copy.copy(obj)
        vars(duplicate)[name] = value
        return duplicate

    return replace_attribute
