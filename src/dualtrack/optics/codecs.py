"""Isos between stored bytes and values: the schema is applied when data is read."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from dualtrack.errors import CodecError, OpticError, ShapeMismatch
from dualtrack.optics.arguments import require_callables
from dualtrack.optics.kinds import IsoKind
from dualtrack.optics.optic import Iso, Optic

A = TypeVar("A")


def codec(
    encode: Callable[[A], bytes], decode: Callable[[bytes], A], name: str = "codec"
) -> Iso[bytes, A]:
    """Iso from bytes to values: ``get`` decodes, ``review`` (and ``set``) encodes.

    Errors raised while decoding or encoding (``ValueError``, ``TypeError``) become
    :class:`CodecError`, with the original as the cause; dualtrack's own optic errors pass as
    they are.
    """
    require_callables("codec", encode=encode, decode=decode)

    def get(data: bytes) -> A:
        try:
            return decode(data)
        except OpticError:
            raise
        except (ValueError, TypeError) as error:
            raise CodecError(f"{name} could not decode {data!r:.80}: {error}") from error

    def review(value: A) -> bytes:
        try:
            return encode(value)
        except (ValueError, TypeError) as error:
            raise CodecError(f"{name} could not encode {value!r:.80}: {error}") from error

    return Optic(
        IsoKind, f"{name}()", {"get": get, "review": review, "set": lambda _, v: review(v)}
    )


def _json_encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _json_decode(data: bytes) -> Any:
    if not isinstance(data, bytes | bytearray):
        hint = ": encode text first (text.encode())" if isinstance(data, str) else ""
        raise ShapeMismatch(
            f"json_codec reads bytes (UTF-8 JSON, as a datum's content), got "
            f"{type(data).__name__} {data!r:.60}{hint}"
        )
    return json.loads(data)


def json_codec() -> Iso[bytes, Any]:
    """Iso between canonical compact UTF-8 JSON bytes and JSON values.

    It is an iso on the bytes it writes itself (compact separators, keys in insertion order);
    other spellings of the same JSON decode fine but encode back to the canonical form. It
    reads bytes only: a ``str`` raises :class:`ShapeMismatch`.

    >>> from dualtrack import key
    >>> (json_codec() >> key("tags")).set(b'{"tags":[],"n":1}', ["a"])
    b'{"tags":["a"],"n":1}'
    """
    return codec(_json_encode, _json_decode, name="json_codec")
