"""Compaction of one ``SQLDgent`` namespace: the plan, the removal and the vacuum.

The plan (which datums go, and why) is one recursive query; the removal deletes the datums
(content, metadata, facets and vector live in one row, so their index entries go with it), the
refs naming them and their tombstones, and records the digest of each id, all in one
transaction. Then the tables are vacuumed on a connection of their own: on PostgreSQL
``VACUUM`` (space becomes reusable; writers are not blocked) or ``VACUUM FULL`` (the tables
are rewritten into new files, so the removed bytes leave the table files; readers and writers
of the tables wait meanwhile); on SQLite ``VACUUM`` and a truncating checkpoint, after a
removal made with ``secure_delete`` on. The server's write-ahead log and backups keep old bytes
until they are recycled: that is outside any store's reach.

PostgreSQL keeps a deleted row for as long as a snapshot older than the deletion may still
read it, and every vacuum copies or keeps such rows. So before vacuuming, compaction waits (up
to :data:`HORIZON_WAIT` seconds) until no other session of the server holds a snapshot or
transaction older than its own; the receipt says whether it got there.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ARRAY,
    Integer,
    LargeBinary,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from dualtrack.memory.retention.digests import id_digest
from dualtrack.memory.retention.policy import CompactionPolicy, CompactionReceipt, Vacuum
from dualtrack.memory.sql.schema import SQLTables
from dualtrack.memory.sql.sessions import Session
from dualtrack.memory.sql.statements import Statements, forgotten, shown

_CHUNK = 500

#: Seconds PostgreSQL compaction waits for older snapshots to end before it vacuums.
HORIZON_WAIT = 30.0

#: The 32-bit id of the current transaction (what ``pg_stat_activity`` shows).
_CURRENT_XID = text("SELECT txid_current() % 4294967296")

#: Other sessions whose snapshot or transaction is not newer than ``xid``. Sessions of every
#: database count: measured on PostgreSQL 15, a ``DROP DATABASE`` running in another database
#: kept a deleted row alive through ``VACUUM FULL``.
_OLDER_SNAPSHOTS = text(
    """SELECT count(*) FROM pg_stat_activity
    WHERE pid <> pg_backend_pid()
      AND ((backend_xmin IS NOT NULL AND age(backend_xmin) >= age(CAST(:xid AS xid)))
        OR (backend_xid IS NOT NULL AND age(backend_xid) >= age(CAST(:xid AS xid))))"""
)

_POSTGRES_SIZE = text(
    """SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class AS c
    JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE n.nspname = coalesce(:schema, current_schema()) AND c.relname = ANY(:names)"""
)


def _text(name: str) -> Any:
    return bindparam(name, type_=Text())


class Compaction:
    """The compaction statements of one store's tables, and how to run them."""

    def __init__(self, tables: SQLTables, statements: Statements, namespace: str) -> None:
        self._tables = tables
        self._statements = statements
        self._namespace = namespace
        self._postgres = statements.postgres

    def plan(self, policy: CompactionPolicy) -> Select[Any]:
        """Every datum ``policy`` removes: ``(id, reason, bytes)``. Parameters: ``ns``,
        ``now`` and, when the policy keeps a bounded history, ``history``."""
        tables = self._tables
        d, r = tables.datums, tables.refs
        mine = d.c.namespace == _text("ns")
        flag = and_(*shown(tables, d, self._postgres))
        reason = case((forgotten(tables, d), "forgotten"), (flag, "unreachable"), else_="expired")
        if self._postgres:
            size = func.octet_length(d.c.content) + func.octet_length(d.c.metadata)
        else:
            size = func.length(d.c.content) + func.length(cast(d.c.metadata, LargeBinary()))
        removed: Any = ~flag
        if policy.unreachable:
            heads = (
                select(d.c.id.label("id"), literal_column("0", Integer()).label("depth"))
                .select_from(
                    r.join(d, and_(d.c.namespace == r.c.namespace, d.c.id == r.c.datum_id))
                )
                .where(r.c.namespace == _text("ns"), *shown(tables, d, self._postgres))
                .cte("reached", recursive=True)
            )
            child, parent = d.alias("child"), d.alias("parent")
            step = (
                select(parent.c.id, heads.c.depth + literal_column("1", Integer()))
                .select_from(
                    heads.join(
                        child, and_(child.c.namespace == _text("ns"), child.c.id == heads.c.id)
                    ).join(
                        parent,
                        and_(
                            parent.c.namespace == _text("ns"),
                            parent.c.id == child.c.causal_parent,
                        ),
                    )
                )
                .where(*shown(tables, parent, self._postgres))
            )
            if policy.history is not None:
                step = step.where(heads.c.depth < literal_column(str(int(policy.history))))
            reached = heads.union(step)
            removed = or_(removed, d.c.id.not_in(select(reached.c.id)))
        return select(d.c.id, reason, size).where(mine, removed)

    async def run(
        self, session: Session, now: float, policy: CompactionPolicy, *, dry_run: bool
    ) -> tuple[CompactionReceipt, int | None]:
        """Plan (and unless ``dry_run``, remove) in one transaction on ``session``; the
        receipt, and on PostgreSQL the id of the removing transaction."""
        tables = self._tables
        r = tables.refs
        ns = self._namespace
        async with session.atomic():
            rows = await session.fetch(self.plan(policy), {"ns": ns, "now": now})
            removed = {str(row[0]) for row in rows}
            all_refs = await session.fetch(
                select(r.c.name, r.c.datum_id).where(r.c.namespace == _text("ns")), {"ns": ns}
            )
            refs = sorted(str(name) for name, target in all_refs if target in removed)
            xid = None
            if not dry_run and (removed or refs):
                await self._remove(session, sorted(removed), refs)
                if self._postgres:
                    xid = int((await session.fetch(_CURRENT_XID, {}))[0][0])
            if not dry_run:
                await self._erase_unheld(session)
        reasons = [row[1] for row in rows]
        receipt = CompactionReceipt(
            namespace=ns,
            dry_run=dry_run,
            removed=tuple(sorted(removed)),
            forgotten=reasons.count("forgotten"),
            expired=reasons.count("expired"),
            unreachable=reasons.count("unreachable"),
            refs=tuple(refs),
            datum_bytes=sum(int(row[2]) for row in rows),
        )
        return receipt, xid

    async def _remove(self, session: Session, ids: Sequence[str], refs: Sequence[str]) -> None:
        tables, statements, ns = self._tables, self._statements, self._namespace
        d, r = tables.datums, tables.refs
        if not self._postgres:
            await session.fetch(text("PRAGMA secure_delete = ON"), {})
        drop_refs = r.delete().where(
            r.c.namespace == _text("ns"), statements.among(r.c.name, "ids")
        )
        drop_datums = d.delete().where(
            d.c.namespace == _text("ns"), statements.among(d.c.id, "ids")
        )
        for statement, values in ((drop_refs, refs), (drop_datums, ids)):
            for chunk in self._chunks(values):
                await session.fetch(statement, {"ns": ns, "ids": list(chunk)})
        await self._erase(session, ids)

    async def _erase_unheld(self, session: Session) -> None:
        """Turn the tombstones of ids the namespace does not hold into digests."""
        rows = await session.fetch(self._statements.unheld_tombstones, {"ns": self._namespace})
        unheld = sorted(str(row[0]) for row in rows)
        if unheld:
            await self._erase(session, unheld)

    async def _erase(self, session: Session, ids: Sequence[str]) -> None:
        """Drop the tombstones of ``ids`` and record the digest of each id instead."""
        ns, t, e = self._namespace, self._tables.tombstones, self._tables.erased
        if not self._postgres:
            await session.fetch(text("PRAGMA secure_delete = ON"), {})
        drop_stones = t.delete().where(
            t.c.namespace == _text("ns"), self._statements.among(t.c.datum_id, "ids")
        )
        for chunk in self._chunks(ids):
            await session.fetch(drop_stones, {"ns": ns, "ids": list(chunk)})
        digests = [id_digest(datum_id) for datum_id in ids]
        if self._postgres:
            erase: Any = (
                postgresql.insert(e)
                .from_select(
                    ["namespace", "digest"],
                    select(_text("ns"), func.unnest(_array("digests"))),
                )
                .on_conflict_do_nothing()
            )
            await session.fetch(erase, {"ns": ns, "digests": digests})
        else:
            erase = sqlite.insert(e).values(namespace=_text("ns"), digest=_text("digest"))
            erase = erase.on_conflict_do_nothing()
            for chunk in self._chunks(digests):
                await session.fetch(erase, [{"ns": ns, "digest": digest} for digest in chunk])

    def _chunks(self, values: Sequence[str]) -> list[Sequence[str]]:
        if self._postgres:
            return [values] if values else []
        return [values[start : start + _CHUNK] for start in range(0, len(values), _CHUNK)]

    async def size(self, engine: AsyncEngine) -> int | None:
        """The bytes the store's tables (with indexes and TOAST) or its SQLite file take."""
        if not self._postgres:
            path = engine.url.database
            if not path or path == ":memory:":
                return None
            return await asyncio.to_thread(_file_bytes, path)
        names = [table.name for table in self._tables.metadata.sorted_tables]
        async with engine.connect() as connection:
            found = await connection.execute(
                _POSTGRES_SIZE, {"schema": self._tables.datums.schema, "names": names}
            )
            size = int(found.scalar_one())
            await connection.rollback()
        return size

    async def reclaim(
        self, engine: AsyncEngine, vacuum: Vacuum, in_transaction: bool, xid: int | None
    ) -> bool:
        """Vacuum as ``vacuum`` says, unless the store runs inside a caller's transaction
        (where no vacuum can run: run ``compact`` again on an engine afterwards); whether the
        removed bytes are known to have left the files."""
        if in_transaction:
            return False
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            if self._postgres:
                if vacuum == "none":
                    return False
                clear = xid is None or await _horizon_passed(connection, xid)
                keyword = "VACUUM (FULL) " if vacuum == "full" else "VACUUM "
                preparer = engine.dialect.identifier_preparer
                for table in self._tables.metadata.sorted_tables:
                    await connection.exec_driver_sql(keyword + preparer.format_table(table))
                return clear and vacuum == "full"
            if vacuum != "none":
                await connection.exec_driver_sql("VACUUM")
            busy = await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return not busy.one()[0]


async def _horizon_passed(connection: Any, xid: int) -> bool:
    """Wait until no other session holds a snapshot or transaction not newer than ``xid``;
    whether that happened within :data:`HORIZON_WAIT` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HORIZON_WAIT
    pause = 0.01
    while True:
        older = (await connection.execute(_OLDER_SNAPSHOTS, {"xid": xid})).scalar_one()
        if not older:
            return True
        if loop.time() > deadline:
            return False
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.5)


def _array(name: str) -> Any:
    return bindparam(name, type_=ARRAY(Text()))


def _file_bytes(path: str) -> int:
    return sum(
        os.path.getsize(path + suffix) for suffix in ("", "-wal") if os.path.exists(path + suffix)
    )
