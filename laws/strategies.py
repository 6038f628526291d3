"""Hypothesis strategies for nested plain data, reusable as sources and values in optic laws."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from hypothesis import strategies as st

#: Pieces of text that look alike in pairs: one precomposed character and the same letter
#: with a combining mark (NFC and NFD), plus plain letters between them.
_LOOK_ALIKE = ("e", "\u00e9", "e\u0301", "\u00c5", "A\u030a", "\u212b", "o", "\u00f6", "o\u0308")


def look_alike_text(max_pieces: int = 6) -> st.SearchStrategy[str]:
    """Text that often holds a character in both its composed and decomposed forms, mixed with
    arbitrary text: what catches code that normalises Unicode where it should keep it.

    >>> import unicodedata
    >>> text = look_alike_text().example()
    >>> isinstance(text, str)
    True
    """
    pieces = st.lists(st.sampled_from(_LOOK_ALIKE), min_size=1, max_size=max_pieces)
    return st.one_of(pieces.map("".join), st.text(max_size=12))


#: Scalars that compare equal to themselves (no NaN), so round-trip laws can use ``==``.
scalars: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    look_alike_text(),
)


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """JSON values: null, booleans, ints, finite floats, strings, lists and string-keyed dicts.

    >>> import json
    >>> value = json_values().example()
    >>> json.loads(json.dumps(value)) == value
    True
    """
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        look_alike_text(),
    )
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


def nested_data(
    leaves: st.SearchStrategy[Any] = scalars, max_leaves: int = 12
) -> st.SearchStrategy[Any]:
    """Leaves nested in dicts, lists and tuples, to any depth hypothesis picks."""
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.lists(inner, max_size=4).map(tuple),
            st.dictionaries(st.text(max_size=6), inner, max_size=4),
        ),
        max_leaves=max_leaves,
    )


def dicts_with(
    path: Sequence[Hashable],
    leaves: st.SearchStrategy[Any] = scalars,
    extra: st.SearchStrategy[Any] | None = None,
) -> st.SearchStrategy[dict[Hashable, Any]]:
    """Nested dicts holding a value at ``path`` (so ``key(p0) >> key(p1) ...`` always
    focuses), with other keys beside it at every level.

    >>> value = dicts_with(["a", "b"], st.integers()).example()
    >>> isinstance(value["a"]["b"], int)
    True
    """
    others = nested_data() if extra is None else extra
    strategy: st.SearchStrategy[Any] = leaves
    for step in reversed(path):
        siblings = st.dictionaries(st.text(max_size=6), others, max_size=3)
        strategy = st.tuples(strategy, siblings).map(_placing(step))
    return strategy


def _placing(step: Hashable) -> Any:
    def place(pair: tuple[Any, dict[Hashable, Any]]) -> dict[Hashable, Any]:
        value, siblings = pair
        return {**siblings, step: value}

    return place


def sequences_with(
    length: int, elements: st.SearchStrategy[Any] = scalars
) -> st.SearchStrategy[list[Any] | tuple[Any, ...]]:
    """Lists or tuples of at least ``length`` elements (so ``index(i)`` for ``-length <= i <
    length`` always focuses)."""
    lists = st.lists(elements, min_size=length, max_size=length + 4)
    return st.one_of(lists, lists.map(tuple))


def _frozen(value: Any) -> Hashable:
    if isinstance(value, Hashable) and not isinstance(value, tuple):
        return value
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_frozen(v) for v in value))
    if isinstance(value, dict):
        return ("dict", frozenset((_frozen(k), _frozen(v)) for k, v in value.items()))
    return ("repr", type(value).__name__, repr(value))


def pure_functions(returns: st.SearchStrategy[Any]) -> st.SearchStrategy[Callable[[Any], Any]]:
    """Functions that give the same answer for equal arguments, hashable or not (lists and
    dicts included), returning values drawn from ``returns``; hypothesis shrinks them."""
    return st.functions(like=lambda value: value, returns=returns, pure=True).map(_accepting_any)


class PureFunction:
    """A drawn pure function that remembers what it answered, so a law failure shows it as
    the table of its answers rather than as ``<function ...>``."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self._function = function
        self._answers: dict[Any, tuple[Any, Any]] = {}

    def __call__(self, value: Any) -> Any:
        key = _frozen(value)
        if key not in self._answers:
            self._answers[key] = (value, self._function(key))
        return self._answers[key][1]

    def __repr__(self) -> str:
        answers = ", ".join(f"{arg!r} -> {out!r}" for arg, out in self._answers.values())
        return f"pure function {{{answers}}}"


def _accepting_any(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return PureFunction(function)


def records(kind: type, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Instances of a record type (dataclass, NamedTuple, attrs, pydantic) built from its
    type hints, with ``fields`` overriding the strategy of any field."""
    return st.builds(kind, **fields)
