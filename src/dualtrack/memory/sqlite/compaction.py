"""Compaction of one ``SQLiteDgent`` namespace: the plan, the removal and the reclaiming.

The plan (which datums go, and why) is one recursive query. The removal runs as one write of
the store's writer thread, in one transaction with ``secure_delete`` on, so SQLite overwrites
every removed byte (content, metadata rows, vectors, index entries, tombstones, refs) with
zeros in the pages it frees. Then, on a connection of its own, ``VACUUM`` rewrites the file
when the policy asks, and a ``TRUNCATE`` checkpoint moves every page into the main file and
empties the write-ahead log, whose older frames still held the removed bytes.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any

from dualtrack.errors import BackendUnavailable
from dualtrack.memory.metadata import Metadata
from dualtrack.memory.retention.digests import id_digest
from dualtrack.memory.retention.policy import Clock, CompactionPolicy, CompactionReceipt
from dualtrack.memory.sqlite.metadata_rows import LOWER_INDEX_MARKS
from dualtrack.memory.sqlite.schema import forgotten, shown
from dualtrack.memory.sqlite.writer import Writer, connect, patiently

#: Every datum the policy removes: ``(id, created_at, metadata, reason, bytes)``. Parameters:
#: ``ns``, ``now``, ``prune`` (1 to remove what no live ref reaches) and ``history``.
PLAN = "".join(
    [
        """WITH RECURSIVE reached (id, depth) AS (
        SELECT d.id, 0 FROM dgent_refs AS r
        JOIN dgent_datums AS d ON d.namespace = r.namespace AND d.id = r.datum_id
        WHERE :prune AND r.namespace = :ns AND """,
        shown("d", ":ns", ":now"),
        """
        UNION
        SELECT p.id, reached.depth + 1 FROM reached
        JOIN dgent_datums AS c ON c.namespace = :ns AND c.id = reached.id
        JOIN dgent_datums AS p ON p.namespace = :ns AND p.id = c.causal_parent
        WHERE (:history IS NULL OR reached.depth < :history) AND """,
        shown("p", ":ns", ":now"),
        """
    )
    SELECT d.id, d.created_at, d.metadata,
        CASE WHEN """,
        forgotten("d"),
        """ THEN 'forgotten'
             WHEN """,
        shown("d", ":ns", ":now"),
        """ THEN 'unreachable' ELSE 'expired' END,
        length(d.content) + length(CAST(d.metadata AS BLOB))
    FROM dgent_datums AS d
    WHERE d.namespace = :ns AND (
        NOT (""",
        shown("d", ":ns", ":now"),
        """)
        OR (:prune AND d.id NOT IN (SELECT id FROM reached))
    )""",
    ]
)

REFS = "SELECT name, datum_id FROM dgent_refs WHERE namespace = ?"
DROP_REF = "DELETE FROM dgent_refs WHERE namespace = ? AND name = ?"
DROP_DATUM = "DELETE FROM dgent_datums WHERE namespace = ? AND id = ?"
DROP_TOMBSTONE = "DELETE FROM dgent_tombstones WHERE namespace = ? AND datum_id = ?"
DROP_METADATA = """DELETE FROM dgent_metadata
    WHERE namespace = ? AND key = ? AND value = ? AND created_at = ? AND datum_id = ?"""
ERASE = "INSERT OR IGNORE INTO dgent_erased (namespace, digest) VALUES (?, ?)"

#: Tombstones of ids the namespace does not hold (forgotten before they were ever stored, or
#: left by the removal): compaction turns them into digests too.
UNHELD_TOMBSTONES = """SELECT t.datum_id FROM dgent_tombstones AS t
    WHERE t.namespace = ? AND NOT EXISTS
        (SELECT 1 FROM dgent_datums AS d WHERE d.namespace = t.namespace AND d.id = t.datum_id)"""

Row = Sequence[Any]


def _plan(
    connection: sqlite3.Connection, namespace: str, now: float, policy: CompactionPolicy
) -> tuple[list[Row], list[str]]:
    params = {
        "ns": namespace,
        "now": now,
        "prune": int(policy.unreachable),
        "history": policy.history,
    }
    rows = connection.execute(PLAN, params).fetchall()
    removed = {row[0] for row in rows}
    refs = sorted(
        name for name, target in connection.execute(REFS, (namespace,)) if target in removed
    )
    return rows, refs


def _receipt(namespace: str, dry_run: bool, rows: list[Row], refs: list[str]) -> CompactionReceipt:
    reasons = [row[3] for row in rows]
    return CompactionReceipt(
        namespace=namespace,
        dry_run=dry_run,
        removed=tuple(sorted(row[0] for row in rows)),
        forgotten=reasons.count("forgotten"),
        expired=reasons.count("expired"),
        unreachable=reasons.count("unreachable"),
        refs=tuple(refs),
        datum_bytes=sum(int(row[4]) for row in rows),
    )


def _remove(
    connection: sqlite3.Connection, namespace: str, rows: list[Row], refs: list[str]
) -> None:
    connection.execute("PRAGMA secure_delete = ON")
    connection.executemany(DROP_REF, [(namespace, name) for name in refs])
    connection.executemany(
        DROP_METADATA,
        [
            (namespace, key, value, row[1], row[0])
            for row in rows
            for key, value in Metadata.from_json(row[2]).canonical_items()
        ],
    )
    connection.executemany(DROP_DATUM, [(namespace, row[0]) for row in rows])
    connection.execute(LOWER_INDEX_MARKS)
    connection.executemany(DROP_TOMBSTONE, [(namespace, row[0]) for row in rows])
    connection.executemany(ERASE, [(namespace, id_digest(row[0])) for row in rows])


def file_bytes(path: str) -> int:
    """The size of the SQLite file and its write-ahead log."""
    return sum(
        os.path.getsize(path + suffix) for suffix in ("", "-wal") if os.path.exists(path + suffix)
    )


def reclaim(path: str, vacuum: str, busy_timeout: float) -> None:
    """``VACUUM`` (unless ``vacuum`` is ``"none"``), then checkpoint every page into the main
    file and truncate the write-ahead log, waiting up to ``busy_timeout`` for readers."""
    connection = connect(path, busy_timeout)
    try:
        if vacuum != "none":
            patiently(connection, "VACUUM", busy_timeout)
        deadline = time.monotonic() + busy_timeout
        while True:
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return
            if time.monotonic() > deadline:
                raise BackendUnavailable(
                    f"compaction removed the datums from {path!r} but readers kept the "
                    f"write-ahead log busy for {busy_timeout} s, so it may still hold their "
                    "bytes: run compact() again when the readers are done"
                )
            time.sleep(0.05)
    finally:
        connection.close()


async def compact_file(
    path: str,
    namespace: str,
    clock: Clock,
    policy: CompactionPolicy,
    *,
    dry_run: bool,
    writer: Writer,
    reader: Callable[[], sqlite3.Connection],
    busy_timeout: float,
) -> CompactionReceipt:
    """Compact ``namespace`` of the file at ``path`` (or only plan it, ``dry_run``)."""
    before = await asyncio.to_thread(file_bytes, path)
    if dry_run:

        def plan() -> CompactionReceipt:
            connection = reader()
            connection.execute("BEGIN")
            try:
                rows, refs = _plan(connection, namespace, clock(), policy)
            finally:
                connection.execute("COMMIT")
            return _receipt(namespace, True, rows, refs)

        planned = await asyncio.to_thread(plan)
        return planned.sized(before, None)

    def remove(connection: sqlite3.Connection) -> CompactionReceipt:
        rows, refs = _plan(connection, namespace, clock(), policy)
        if rows or refs:
            _remove(connection, namespace, rows, refs)
        unheld = [row[0] for row in connection.execute(UNHELD_TOMBSTONES, (namespace,))]
        if unheld:
            connection.execute("PRAGMA secure_delete = ON")
            connection.executemany(DROP_TOMBSTONE, [(namespace, i) for i in unheld])
            connection.executemany(ERASE, [(namespace, id_digest(i)) for i in unheld])
        return _receipt(namespace, False, rows, refs)

    done: CompactionReceipt = await writer.submit(remove)
    await asyncio.to_thread(reclaim, path, policy.vacuum, busy_timeout)
    return done.sized(before, await asyncio.to_thread(file_bytes, path), True)
