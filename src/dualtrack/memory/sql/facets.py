"""Facets: the form of a datum's metadata that SQL equality filters search.

A datum's facets map the JSON text of each metadata key to the canonical JSON text of its value,
so "key ``k`` has a value JSON-equal to ``v``" is plain string equality, and a whole filter is
one containment test (``facets @> {...}`` on PostgreSQL, served by a GIN index). Both sides are
JSON *texts*, so facets never hold a NUL character (PostgreSQL's JSONB refuses ``\\u0000``) and
``1``, ``1.0`` and ``true`` stay different values, as they are in :mod:`laws.dgent`'s model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from json.encoder import encode_basestring as _string

from dualtrack.memory.datum import Datum
from dualtrack.memory.metadata import Metadata, canonical_json


def _text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def facet_key(name: str) -> str:
    """The facet key of a metadata key: its JSON string literal.

    >>> facet_key('a"b')
    '"a\\\\"b"'
    """
    return canonical_json(name)


def facets_json(datum: Datum) -> str | None:
    """The facets of ``datum`` as JSON text, or ``None`` when it has no metadata. Written from
    the metadata's canonical pairs (computed once per datum) without a JSON encoder pass.

    >>> facets_json(Datum(id="a", content=b"", created_at=0.0, metadata={"n": 1.0}))
    '{"\\\\"n\\\\"":"1.0"}'
    """
    metadata = datum.metadata
    if not metadata:
        return None
    assert isinstance(metadata, Metadata)
    pairs = metadata.canonical_items()
    return "{" + ",".join(f"{_string(_string(k))}:{_string(v)}" for k, v in pairs) + "}"


def filter_json(pairs: Iterable[tuple[str, str]]) -> str:
    """The facets a matching datum must contain, from ``check_filter``'s ``(key, value)`` pairs.

    >>> filter_json([("kind", '"note"')])
    '{"\\\\"kind\\\\"":"\\\\"note\\\\""}'
    """
    return _text({facet_key(name): value for name, value in pairs})
