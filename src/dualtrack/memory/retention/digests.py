"""What stays of an erased id: the SHA-256 digest that keeps it from being stored again.

Compaction removes a datum's content, metadata, vector and refs, and replaces its tombstone
(which names the id) with the digest of the id, so the store can still refuse the id without
keeping it. The digest of a guessable id can be confirmed by guessing: pick random ids (as
``Datum.create`` does) for what may one day be erased.
"""

from __future__ import annotations

import hashlib


def id_digest(datum_id: str) -> str:
    """The hex SHA-256 of ``datum_id`` as UTF-8.

    >>> id_digest("a")[:16]
    'ca978112ca1bbdca'
    """
    return hashlib.sha256(datum_id.encode("utf-8")).hexdigest()
