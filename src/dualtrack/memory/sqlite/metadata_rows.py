"""The rows metadata filters search, written when a filter first needs them, not with each put.

A put writes its datum alone: the ``dgent_metadata`` rows of a datum (one per key, each value's
canonical JSON) cost more than the datum's own row and indexes together, and most datums are
never found by a metadata filter. Each namespace keeps a mark in ``dgent_indexed``: every datum
with a ``seq`` at or below it has its rows. A read that filters by metadata first brings the
mark up to the newest ``seq`` in the writer's transaction (:func:`catch_up`), so it sees every
datum stored before it began, as before. Compaction, which deletes rows and so may let SQLite
reuse the highest ``seq``, lowers the marks to what is left (:data:`LOWER_INDEX_MARKS`).
"""

from __future__ import annotations

import sqlite3

from dualtrack.memory.metadata import Metadata
from dualtrack.memory.sqlite import schema as sql

#: After rows are deleted: no mark above the highest ``seq`` left, which a new datum may reuse.
LOWER_INDEX_MARKS = """UPDATE dgent_indexed
    SET seq = min(seq, (SELECT coalesce(max(seq), 0) FROM dgent_datums))"""


def catch_up(namespace: str, connection: sqlite3.Connection) -> int:
    """Write the metadata rows of the namespace's datums above its mark and move the mark to
    the newest ``seq`` of the file; the number of rows written. Runs in a write transaction."""
    (mark,) = connection.execute(sql.INDEX_MARK, (namespace,)).fetchone()
    (top,) = connection.execute(sql.TOP_SEQ).fetchone()
    if top <= mark:
        return 0
    rows = [
        (namespace, key, value, created_at, datum_id)
        for datum_id, created_at, text in connection.execute(
            sql.UNINDEXED_METADATA, (mark, namespace)
        )
        for key, value in Metadata.from_json(text).canonical_items()
    ]
    connection.executemany(sql.INSERT_METADATA, rows)
    connection.execute(sql.SET_INDEX_MARK, (namespace, top))
    return len(rows)
