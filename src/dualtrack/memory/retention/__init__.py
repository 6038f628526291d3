"""Forgetting on purpose: tombstones and expiry hide datums at once, compaction removes them.

Hiding is an append (a tombstone, or an expiry time that passes); every read path skips
hidden datums unless asked for ``include_hidden=True``. :meth:`Retention.compact` is the one
operation that removes bytes, and it is checked by :mod:`laws.retention`.
"""

from dualtrack.memory.chain import Chain
from dualtrack.memory.retention.expiry import EXPIRES_AT, expires_at, expiring
from dualtrack.memory.retention.policy import CompactionPolicy, CompactionReceipt, DatumState
from dualtrack.memory.retention.protocol import Retention, retention_of

__all__ = [
    "EXPIRES_AT",
    "Chain",
    "CompactionPolicy",
    "CompactionReceipt",
    "DatumState",
    "Retention",
    "expires_at",
    "expiring",
    "retention_of",
]
