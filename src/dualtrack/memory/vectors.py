"""Stored embedding vectors: unit-length float32, packed dense or sparse, and cosine ranking.

Every store packs with :func:`pack_vector` and ranks with :func:`top_matches`, so all stores
give the same scores and the same order for the same datums.
"""

from __future__ import annotations

import heapq
import math
import struct
import sys
from array import array
from collections.abc import Iterable, Sequence

from dualtrack.errors import InvalidArgument

_DENSE = b"D"
_SPARSE = b"S"
_HEADER = struct.Struct("<cI")
_NORMAL_MIN = sys.float_info.min
_NORMAL_MAX = sys.float_info.max

#: A decoded vector: its dimension count and its non-zero entries by index.
Unpacked = tuple[int, dict[int, float]]

#: A ranked search candidate: ``(score, created_at, id)``.
Match = tuple[float, float, str]


def _little_endian(values: array[int] | array[float]) -> bytes:
    if sys.byteorder == "big":
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _floats(data: bytes) -> array[float]:
    values = array("f")
    values.frombytes(data)
    if sys.byteorder == "big":
        values.byteswap()
    return values


def _ints(data: bytes) -> array[int]:
    values = array("I")
    values.frombytes(data)
    if sys.byteorder == "big":
        values.byteswap()
    return values


def pack_vector(vector: Sequence[float]) -> bytes:
    """The vector scaled to unit length as little-endian float32, sparse when mostly zeros.

    Any finite vector keeps its direction, however large or small its entries (the length is
    computed without overflow or underflow); the zero vector packs as zero, which matches
    nothing. A NaN or infinite entry has no direction and raises :class:`InvalidArgument`.

    >>> unpack_vector(pack_vector([3.0, 0.0, 0.0, 4.0]))
    (4, {0: 0.6000000238418579, 3: 0.800000011920929})
    >>> unpack_vector(pack_vector([3e-320, 4e-320]))
    (2, {0: 0.6000000238418579, 1: 0.800000011920929})
    """
    nonzero = [(i, float(x)) for i, x in enumerate(vector) if x != 0.0]
    if 2 * len(nonzero) < len(vector):
        return pack_sparse(len(vector), nonzero)
    dense = array("f", _unit([float(x) for x in vector]))
    return _HEADER.pack(_DENSE, len(dense)) + _little_endian(dense)


def _unit(values: list[float]) -> list[float]:
    """``values`` divided by their Euclidean length.

    ``math.hypot`` scales internally, so the length is exact to a rounding whenever it is a
    normal float; when it overflows or is subnormal, the values are first divided by the
    largest magnitude, so huge entries do not overflow and tiny ones keep their precision.
    """
    norm = math.hypot(*values)
    if _NORMAL_MIN <= norm <= _NORMAL_MAX:
        return [value / norm for value in values]
    if not all(map(math.isfinite, values)):
        raise InvalidArgument(
            "cannot pack a vector holding NaN or an infinite entry: it has no direction; "
            "check the embedder's output"
        )
    largest = max(map(abs, values), default=0.0)
    if largest == 0.0:
        return values
    scaled = [value / largest for value in values]
    norm = math.hypot(*scaled)
    return [value / norm for value in scaled]


def pack_sparse(dimensions: int, entries: Sequence[tuple[int, float]]) -> bytes:
    """Pack a vector given as ``(index, value)`` pairs in index order, scaled to unit length.

    Entries too small to survive as float32 next to the others are left out.
    """
    if not entries:
        return _HEADER.pack(_SPARSE, dimensions)
    indices, values = zip(*entries, strict=True)
    scaled = array("f", _unit([float(value) for value in values]))
    if 0.0 in scaled:
        kept = [(index, value) for index, value in zip(indices, scaled, strict=True) if value]
        indices = tuple(index for index, _ in kept)
        scaled = array("f", (value for _, value in kept))
    return (
        _HEADER.pack(_SPARSE, dimensions)
        + _little_endian(array("I", indices))
        + _little_endian(scaled)
    )


def unpack_vector(blob: bytes) -> Unpacked:
    """The dimension count and non-zero entries of a packed vector."""
    kind, dimensions = _HEADER.unpack_from(blob)
    body = blob[_HEADER.size :]
    if kind == _DENSE:
        dense = _floats(body)
        return dimensions, {i: x for i, x in enumerate(dense) if x != 0.0}
    half = len(body) // 2
    indices = _ints(body[:half])
    values = _floats(body[half:])
    return dimensions, dict(zip(indices, values, strict=True))


def cosine(left: bytes, right: bytes) -> float:
    """Cosine similarity of two packed vectors (both are unit length, so it is the dot product)."""
    return _dot(_query(unpack_vector(left)), unpack_vector(right))


def _query(unpacked: Unpacked) -> tuple[int, list[tuple[int, float]]]:
    dimensions, entries = unpacked
    return dimensions, sorted(entries.items())


def _dot(query: tuple[int, list[tuple[int, float]]], candidate: Unpacked) -> float:
    dimensions, entries = candidate
    if dimensions != query[0]:
        raise InvalidArgument(
            f"a stored vector has {dimensions} dimensions but the query has {query[0]}: "
            "the store was written with another embedder; search with that one"
        )
    get = entries.get
    return sum(value * get(index, 0.0) for index, value in query[1])


def top_matches(
    query: bytes, candidates: Iterable[tuple[str, float, bytes]], limit: int
) -> list[Match]:
    """The best ``limit`` of ``(id, created_at, packed vector)`` candidates for ``query``.

    Returns ``(score, created_at, id)``, highest score first; ties go to the older datum, then
    to the smaller id.
    """
    prepared = _query(unpack_vector(query))
    scored = (
        (_dot(prepared, unpack_vector(blob)), created_at, id_)
        for id_, created_at, blob in candidates
    )
    return best_of(scored, limit)


def best_of(hits: Iterable[Match], limit: int) -> list[Match]:
    """The best ``limit`` of ``(score, created_at, id)`` hits in :func:`top_matches` order, so
    rankings of parts of a candidate set merge into the ranking of the whole.

    >>> best_of([(0.5, 2.0, "b"), (0.9, 1.0, "a"), (0.5, 1.0, "c")], 2)
    [(0.9, 1.0, 'a'), (0.5, 1.0, 'c')]
    """
    return heapq.nsmallest(limit, hits, key=lambda hit: (-hit[0], hit[1], hit[2]))
