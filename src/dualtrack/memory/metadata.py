"""Immutable JSON metadata for datums: validated once, compared as JSON, parsed lazily."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

from dualtrack.errors import InvalidDatum

_SCALARS = (str, int, bool, type(None))


def _json_text(value: Any, *, sort_keys: bool = False) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)


def plain_json(value: Any, where: str = "metadata", error: type[Exception] = InvalidDatum) -> Any:
    """A deep copy of ``value`` as plain JSON (dicts, lists, scalars), or ``error`` naming the part.

    Tuples become lists; floats must be finite; keys must be ``str``; strings must be encodable
    as UTF-8; other types (sets, bytes, enums, numpy numbers) are refused rather than guessed at.

    >>> plain_json({"tags": ("a", "b"), "n": 1})
    {'tags': ['a', 'b'], 'n': 1}
    >>> plain_json({"when": float("nan")})
    Traceback (most recent call last):
    ...
    dualtrack.errors.InvalidDatum: metadata['when'] is nan: JSON has no NaN or infinity
    """
    kind = type(value)
    if kind in _SCALARS:
        if kind is str:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise error(f"{where} is a str with a lone surrogate (not Unicode)") from None
        return value
    if kind is float:
        if not math.isfinite(value):
            raise error(f"{where} is {value!r}: JSON has no NaN or infinity")
        return value
    if kind is list or kind is tuple:
        return [plain_json(part, f"{where}[{i}]", error) for i, part in enumerate(value)]
    if isinstance(value, Mapping):
        copied: dict[str, Any] = {}
        for name, part in value.items():
            if type(name) is not str:
                raise error(f"{where} has key {name!r}; JSON object keys must be str")
            copied[name] = plain_json(part, f"{where}[{name!r}]", error)
        return copied
    raise error(
        f"{where} is {value!r} of type {kind.__name__}; metadata holds only JSON values "
        "(str, int, float, bool, None, lists and dicts of them): convert it first"
    )


def canonical_json(value: Any) -> str:
    """The JSON text two equal JSON values share: sorted keys, compact, ``true`` unlike ``1``.

    >>> canonical_json({"b": 1, "a": [True, 1.0]})
    '{"a":[true,1.0],"b":1}'
    """
    return _json_text(value, sort_keys=True)


def _canonical_value(value: Any) -> str:
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value)
    return canonical_json(value)


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
            raise InvalidDatum(f"metadata must be a mapping of str to JSON values, got {values!r}")
        self._data: dict[str, Any] | None = data
        self._text: str | None = _json_text(data)
        self._canonical: str | None = None
        self._pairs: list[tuple[str, str]] | None = None

    @classmethod
    def from_json(cls, text: str) -> Metadata:
        """Metadata from JSON text this module wrote; parsed on first use (trusted stored data)."""
        made = cls.__new__(cls)
        made._data = None
        made._text = text
        made._canonical = None
        made._pairs = None
        return made

    def _values(self) -> dict[str, Any]:
        if self._data is None:
            assert self._text is not None
            self._data = json.loads(self._text)
        return self._data

    def to_json(self) -> str:
        """Compact JSON text of the mapping, keys in insertion order (what stores write)."""
        if self._text is None:
            self._text = _json_text(self._values())
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
            self._pairs = [(key, _canonical_value(value)) for key, value in self._values().items()]
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
