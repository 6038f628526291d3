"""Checkpoint (de)serialisation that never imports or calls what stored bytes name.

LangGraph's default serialiser, outside its strict mode, revives a msgpack constructor
extension by importing the module it names and calling the function; here such an
extension is refused with :class:`UnsafeCheckpoint` unless its type is on the safe list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

import ormsgpack
from langgraph.checkpoint.serde import _msgpack as lg_msgpack
from langgraph.checkpoint.serde import jsonplus

from dualtrack.errors import UnsafeCheckpoint

#: The serialised kinds a load accepts (no ``pickle``).
KINDS = frozenset({"null", "bytes", "bytearray", "json", "msgpack"})

# The refusal the ext hook raised: the msgpack decoder replaces it with a bare ValueError.
_REFUSAL: ContextVar[UnsafeCheckpoint | None] = ContextVar("refusal", default=None)

_NAMED = frozenset(
    {
        jsonplus.EXT_CONSTRUCTOR_SINGLE_ARG,
        jsonplus.EXT_CONSTRUCTOR_POS_ARGS,
        jsonplus.EXT_CONSTRUCTOR_KW_ARGS,
        jsonplus.EXT_METHOD_SINGLE_ARG,
        jsonplus.EXT_PYDANTIC_V1,
        jsonplus.EXT_PYDANTIC_V2,
    }
)


def _guarded(
    allowed: frozenset[tuple[str, ...]], inner: Callable[[int, bytes], Any]
) -> Callable[[int, bytes], Any]:
    def hook(code: int, data: bytes) -> Any:
        if code in _NAMED:  # the name only: nested extensions are the inner hook's to build
            named = ormsgpack.unpackb(data, ext_hook=_skip, option=ormsgpack.OPT_NON_STR_KEYS)
            key = (str(named[0]), str(named[1]))
            if key not in allowed:
                refusal = _refusal(key)
                _REFUSAL.set(refusal)
                raise refusal
        return inner(code, data)

    return hook


def _check_names(allowed: frozenset[tuple[str, ...]], packed: bytes) -> None:
    """Raise :class:`UnsafeCheckpoint` when msgpack bytes name a type outside ``allowed``, at
    any depth and inside any extension (snapshots, arrays), constructing nothing (a decode
    with a hook that only reads names)."""
    refused: list[UnsafeCheckpoint] = []

    def hook(code: int, data: bytes) -> None:
        inside = ormsgpack.unpackb(data, ext_hook=hook, option=ormsgpack.OPT_NON_STR_KEYS)
        if code in _NAMED:
            key = (str(inside[0]), str(inside[1]))
            if key not in allowed:
                refused.append(_refusal(key))
                raise refused[-1]

    try:
        ormsgpack.unpackb(packed, ext_hook=hook, option=ormsgpack.OPT_NON_STR_KEYS)
    except ValueError:
        if refused:
            raise refused[0] from None
        raise


def _skip(code: int, data: bytes) -> None:
    """An extension left unbuilt (reading a name needs none of what it holds)."""


def _refusal(key: tuple[str, str]) -> UnsafeCheckpoint:
    return UnsafeCheckpoint(
        f"stored checkpoint names {key[0]}.{key[1]}, which is not on the safe list: pass "
        "allowed=[(module, name)] to SafeSerializer to load it"
    )


class SafeSerializer(jsonplus.JsonPlusSerializer):
    """LangGraph's serialiser in strict mode, refusing (not just skipping) unsafe types."""

    def __init__(self, allowed: Iterable[tuple[str, str]] = ()) -> None:
        extra = frozenset(tuple(pair) for pair in allowed)
        safe = frozenset(lg_msgpack.SAFE_MSGPACK_TYPES) | extra
        strict = jsonplus._create_msgpack_ext_hook(set(extra) or None)
        self._safe = safe
        super().__init__(
            pickle_fallback=False,
            allowed_json_modules=None,
            allowed_msgpack_modules=set(extra) or None,
            __unpack_ext_hook__=_guarded(safe, strict),
        )

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        """``obj`` serialised, refused with :class:`UnsafeCheckpoint` when it names a type that
        would not load again: a checkpoint stored that way would break its thread later."""
        data = super().dumps_typed(obj)
        if data[0] == "msgpack":
            try:
                _check_names(self._safe, data[1])
            except UnsafeCheckpoint as refusal:
                raise UnsafeCheckpoint(
                    f"cannot store this checkpoint: it would not load again ({refusal}). "
                    "Keep plain data in the graph's state, or pass "
                    "serde=SafeSerializer(allowed=[(module, name)])"
                ) from None
        return data

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        """The value ``data`` holds; :class:`UnsafeCheckpoint` for a kind or type not allowed."""
        if data[0] not in KINDS:
            raise UnsafeCheckpoint(
                f"stored checkpoint bytes are of kind {data[0]!r}; only {sorted(KINDS)} load"
            )
        token = _REFUSAL.set(None)
        try:
            return super().loads_typed(data)
        except ValueError:
            refusal = _REFUSAL.get()
            if refusal is not None:
                raise refusal from None
            raise
        finally:
            _REFUSAL.reset(token)
