"""Immutable JSON metadata for datums: validated once, compared as JSON, parsed lazily."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from json.encoder import encode_basestring as _json_string
from typing import Any

from dualtrack.errors import InvalidDatum
from dualtrack.memory.limits import MAX_DEPTH, MAX_INT_BITS, int_too_wide, shown

_SCALARS = (str, int, bool, type(None))
_WIDEST = 1 << MAX_INT_BITS  # ints of more bits are refused


# Encoders made once: ``json.dumps`` with options builds a new encoder on every call.
_json_text = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_sorted_json_text = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True
).encode


def plain_json(value: Any, where: str = "metadata", error: type[Exception] = InvalidDatum) -> Any:
    """A deep copy of ``value`` as plain JSON (dicts, lists, scalars), or ``error`` naming the part.

    Tuples become lists; floats must be finite; keys must be ``str``; strings and keys must be
    encodable as UTF-8; ints at most ``MAX_INT_BITS`` wide; nesting at most ``MAX_DEPTH`` deep;
    other types (sets, bytes, enums, numpy numbers) are refused rather than guessed at.

    >>> plain_json({"tags": ("a", "b"), "n": 1})
    {'tags': ['a', 'b'], 'n': 1}
    >>> plain_json({"when": float("nan")})
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidDatum: metadata['when'] is nan: JSON has no NaN or infinity
    """
    try:
        return _plain(value, 0)
    except _Refused as refused:
        place = where + "".join(reversed(refused.path))
        if refused.shorten and len(place) >= 80:
            place = f"{place[:60]}...{place[-12:]}"
        raise error(f"{place}{refused.reason}") from None


class _Refused(Exception):
    """A part of a value that is not plain JSON; the path to it is collected on the way out, so
    a valid value pays for no path text at all."""

    def __init__(self, reason: str, *, shorten: bool = False) -> None:
        self.reason = reason
        self.shorten = shorten
        self.path: list[str] = []


def _plain(value: Any, depth: int) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        if kind is str:
            if not value.isascii():
                _check_text(value, " is a str with a lone surrogate (not Unicode)")
        elif kind is int and int_too_wide(value):
            raise _Refused(
                f" is an int of {value.bit_length()} bits; JSON integers here are "
                f"limited to {MAX_INT_BITS} bits (about 3,900 digits): store it as a str"
            )
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _Refused(f" is {shown(value)}: JSON has no NaN or infinity")
        return value
    if depth >= MAX_DEPTH and (kind is list or kind is tuple or isinstance(value, Mapping)):
        raise _Refused(
            f" nests lists and dicts more than {MAX_DEPTH} deep: flatten it", shorten=True
        )
    if kind is list or kind is tuple:
        copied_list = []
        for place, part in enumerate(value):
            try:
                copied_list.append(_plain(part, depth + 1))
            except _Refused as refused:
                refused.path.append(f"[{place}]")
                raise
        return copied_list
    if isinstance(value, Mapping):
        copied: dict[str, Any] = {}
        for name, part in value.items():
            if type(name) is not str:
                raise _Refused(f" has key {shown(name)}; JSON object keys must be str")
            if not name.isascii():
                _check_text(name, f" has key {shown(name)} is not valid Unicode (lone surrogate)")
            try:
                copied[name] = _plain(part, depth + 1)
            except _Refused as refused:
                refused.path.append(f"[{name!r}]")
                raise
        return copied
    raise _Refused(
        f" is {shown(value)} of type {kind.__name__}; metadata holds only JSON values "
        "(str, int, float, bool, None, lists and dicts of them): convert it first"
    )


def _check_text(text: str, reason: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _Refused(reason) from None


def canonical_json(value: Any) -> str:
    """The JSON text two equal JSON values share: sorted keys, compact, ``true`` unlike ``1``.

    >>> canonical_json({"b": 1, "a": [True, 1.0]})
    '{"a":[true,1.0],"b":1}'
    """
    return _sorted_json_text(value)


def _scalar_json(value: Any) -> str | None:
    """The JSON text of a scalar, which is also its canonical text; ``None`` for a list or a
    dict (whose canonical text sorts keys, unlike its JSON text)."""
    kind = type(value)
    if kind is str:
        return _json_string(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    return None


def _thaw(value: Any) -> Any:
    if type(value) is list:
        return [_thaw(part) for part in value]
    if type(value) is dict:
        return {name: _thaw(part) for name, part in value.items()}
    return value


class Metadata(Mapping[str, Any]):
    """An immutable mapping of str to JSON values; reads return fresh copies of lists and dicts.

    Two metadata mappings are equal when their JSON is equal (key order aside), so ``1``,
    ``1.0`` and ``True`` are three different values, as they are in stored JSON.

    >>> m = Metadata({"tags": ["a"]})
    >>> m["tags"].append("b")
    >>> m
    Metadata({"tags":["a"]})
    >>> m == {"tags": ["a"]}, m == {"tags": [1]}
    (True, False)
    """

    __slots__ = ("_canonical", "_data", "_pairs", "_text")

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        data = plain_json({} if values is None else values)
        if type(data) is not dict:
            raise InvalidDatum(
                f"metadata must be a mapping of str to JSON values, got {shown(values)}"
            )
        self._data: dict[str, Any] | None = data
        self._text: str | None = None  # written on first use: many datums are never stored
        self._canonical: str | None = None
        self._pairs: list[tuple[str, str]] | None = None

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Metadata:
        """``values`` as metadata: itself when it already is, the shared empty one for ``{}``.

        >>> Metadata.of({}) is Metadata.of({})
        True
        """
        return metadata_of(values)

    @classmethod
    def from_json(cls, text: str) -> Metadata:
        """Metadata from JSON text this module wrote; parsed on first use (trusted stored data).

        >>> Metadata.from_json("{}") is Metadata.of({})
        True
        """
        if text == "{}":
            return EMPTY_METADATA
        made = _new(cls)
        made._data = made._canonical = made._pairs = None
        made._text = text
        return made

    def _values(self) -> dict[str, Any]:
        if self._data is None:
            assert self._text is not None
            self._data = json.loads(self._text)
        return self._data

    def to_json(self) -> str:
        """Compact JSON text of the mapping, keys in insertion order (what stores write)."""
        if self._text is None:
            values = self._values()
            parts = []
            for key, value in values.items():  # no pairs kept: a put needs only this text
                text = _scalar_json(value)
                if text is None:  # a nested value keeps its own key order
                    self._text = _json_text(values)
                    return self._text
                parts.append(_json_string(key) + ":" + text)
            self._text = "{" + ",".join(parts) + "}"  # a scalar's canonical text is its JSON
        return self._text

    def canonical(self) -> str:
        """Canonical JSON text (sorted keys): equal metadata have equal canonical text."""
        if self._canonical is None:
            self._canonical = canonical_json(self._values())
        return self._canonical

    def canonical_items(self) -> list[tuple[str, str]]:
        """Each key with the canonical JSON text of its value: what metadata filters match.

        >>> Metadata({"n": 1, "tags": {"b": 1, "a": 2}}).canonical_items()
        [('n', '1'), ('tags', '{"a":2,"b":1}')]
        """
        if self._pairs is None:
            pairs = []
            for key, value in self._values().items():
                text = _scalar_json(value)
                pairs.append((key, canonical_json(value) if text is None else text))
            self._pairs = pairs
        return self._pairs

    def to_dict(self) -> dict[str, Any]:
        """A fresh plain ``dict`` copy, safe to mutate."""
        return _thaw(self._values())  # type: ignore[no-any-return]

    def __getitem__(self, name: str) -> Any:
        return _thaw(self._values()[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(self._values())

    def __contains__(self, name: object) -> bool:
        return name in self._values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Metadata):
            return self.to_json() == other.to_json() or self.canonical() == other.canonical()
        if isinstance(other, Mapping):
            try:
                return self.canonical() == canonical_json(plain_json(other))
            except InvalidDatum:
                return False
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.canonical())

    def __repr__(self) -> str:
        return f"Metadata({self.to_json()})"

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (Metadata.from_json, (self.to_json(),))


def metadata_of(values: Mapping[str, Any]) -> Metadata:
    """``values`` as checked metadata. The common case, a dict of ASCII keys to plain scalars,
    is checked and copied in one pass here; anything else goes through :func:`plain_json`.

    >>> metadata_of({"kind": "note", "n": 2})
    Metadata({"kind":"note","n":2})
    """
    if type(values) is dict:
        if not values:
            return EMPTY_METADATA
        for name, value in values.items():
            if type(name) is not str or not name.isascii():
                break
            kind = type(value)
            if kind is str:
                if not value.isascii():
                    break
            elif kind is int:
                if not -_WIDEST < value < _WIDEST:  # int_too_wide without a call
                    break
            elif kind is float:
                if value - value != 0.0:  # NaN or infinite
                    break
            elif value is not None and kind is not bool:
                break
        else:
            made = _new(Metadata)
            made._data = dict(values)
            made._text = made._canonical = made._pairs = None
            return made
    elif isinstance(values, Metadata):
        return values
    return Metadata(values)


_new = object.__new__

#: The empty metadata, shared: it is immutable, so one instance serves every datum without any.
EMPTY_METADATA = Metadata()
