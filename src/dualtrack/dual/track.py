"""``DualTrack``: a datum and the table rows that name it, written so that neither is a ghost.

**One database** (``DualTrack(engine, namespace=...)``): agent memory is an
:class:`~dualtrack.memory.sql.store.SQLDgent` in the application database, and
:meth:`DualTrack.transaction` yields it bound to one connection, with that connection. The
datum and the rows commit together or not at all; :meth:`DualTrack.capture` does exactly that.

**Two databases** (``DualTrack(engine, memory=store)``, agent memory elsewhere): no
transaction spans both, so :meth:`DualTrack.capture` keeps one write order. First the datum,
marked pending (``metadata[PENDING_KEY] = True``), then the rows that name its id, in one
transaction. A crash between the two steps leaves a pending datum that no row names, never a
row whose datum is missing. :meth:`DualTrack.repair` finds both kinds of leftovers: rows whose
``datum_id`` names no datum (written by other code, or left after agent memory lost data),
which it reports or deletes as its ``policy`` says, and pending datums that no row names, which
it only reports, since agent memory is append-only. A pending datum stays marked after its
rows commit: the mark says how it was written, and a row naming it is what completes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from sqlalchemy import Table, and_, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm.exc import UnmappedInstanceError

from dualtrack.app.engines import begin
from dualtrack.errors import InvalidArgument, InvalidRow
from dualtrack.memory.datum import Datum
from dualtrack.memory.protocol import DgentProtocol, Embedder
from dualtrack.memory.sql.store import SQLDgent

#: The metadata key that marks a datum written first, before its rows, in another database.
PENDING_KEY = "dualtrack_pending"

#: What :meth:`DualTrack.repair` does with rows whose datum is missing.
RepairPolicy: TypeAlias = Literal["report", "delete"]

_POLICIES = ("report", "delete")

#: How many datums one page of the pending-datum scan reads.
_PAGE = 500


@dataclass(frozen=True, slots=True)
class Tracks:
    """Both tracks inside one transaction: agent memory bound to ``connection``, and it."""

    memory: SQLDgent
    connection: AsyncConnection


@dataclass(frozen=True, slots=True)
class OrphanRow:
    """A row whose ``datum_id`` names no datum: its primary key values and that id."""

    key: tuple[Any, ...]
    datum_id: str


@dataclass(frozen=True, slots=True)
class RepairReport:
    """What :meth:`DualTrack.repair` found, and how many orphan rows it deleted."""

    orphan_rows: tuple[OrphanRow, ...]
    removed_rows: int
    pending_datums: tuple[str, ...]


class DualTrack:
    """Writes a :class:`Datum` and the application rows that name it, on two tracks.

    Without ``memory``, agent memory lives in the application database (namespace
    ``namespace``) and every capture is one transaction. With ``memory``, a store in another
    database, captures write the datum first and the rows second; see the module docstring.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        namespace: str = "default",
        memory: DgentProtocol | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        if not isinstance(engine, AsyncEngine):
            raise InvalidArgument(f"DualTrack needs an SQLAlchemy AsyncEngine, got {engine!r}")
        if memory is not None and embedder is not None:
            raise InvalidArgument("embedder= is for shared memory; give your store its own")
        self._engine = engine
        self._namespace = namespace
        self._embedder = embedder
        self._shared = memory is None
        self._memory: DgentProtocol = (
            SQLDgent(engine, namespace=namespace, embedder=embedder) if memory is None else memory
        )
        self._tables_ready = False

    @property
    def memory(self) -> DgentProtocol:
        """Agent memory, for reads (and for writes that need no table rows)."""
        return self._memory

    @property
    def shared(self) -> bool:
        """Whether both tracks live in the application database (captures are atomic)."""
        return self._shared

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tracks]:
        """One transaction on both tracks: everything commits on success, nothing on error.

        Only for one database; with agent memory elsewhere there is no such transaction, and
        this raises :class:`InvalidArgument` (use :meth:`capture`, which keeps the write order).
        """
        if not self._shared:
            raise InvalidArgument(
                "agent memory is in another database: no transaction spans both tracks; "
                "use capture(), which writes the datum first and the rows second"
            )
        if not self._tables_ready:
            await self._memory.list(limit=1)  # creates memory's tables outside any transaction
            self._tables_ready = True
        async with begin(self._engine) as connection:
            inside = SQLDgent(
                connection,
                namespace=self._namespace,
                embedder=self._embedder,
                create_tables=False,
            )
            try:
                yield Tracks(inside, connection)
            finally:
                await inside.close()

    async def capture(self, datum: Datum, rows: Iterable[object]) -> Datum:
        """Store ``datum`` and the mapped ORM objects ``rows``; return the datum as stored.

        In one database both commit together or neither does. With agent memory elsewhere the
        datum, marked pending, is stored first, then the rows in one transaction.
        """
        batch = list(rows)
        if self._shared:
            async with self.transaction() as tracks:
                stored = await tracks.memory.put(datum)
                await _insert(tracks.connection, batch)
            return stored
        stored = await self._memory.put(datum.with_metadata({PENDING_KEY: True}))
        async with begin(self._engine) as connection:
            await _insert(connection, batch)
        return stored

    async def repair(
        self, table: Table | type[Any], *, policy: RepairPolicy, column: str = "datum_id"
    ) -> RepairReport:
        """Find rows of ``table`` whose ``column`` names no datum, and pending datums no row
        of ``table`` names.

        ``policy="report"`` changes nothing; ``policy="delete"`` deletes the orphan rows (each
        only while it still names the same missing datum). Pending datums are only reported:
        agent memory is append-only. A capture still in progress can show up as pending.
        """
        if policy not in _POLICIES:
            raise InvalidArgument(f"policy must be one of {_POLICIES}, got {policy!r}")
        chosen = _table_of(table)
        if column not in chosen.c:
            raise InvalidArgument(f"table {chosen.name!r} has no column {column!r}")
        reference = chosen.c[column]
        keys = list(chosen.primary_key.columns)
        if not keys:
            raise InvalidArgument(f"table {chosen.name!r} has no primary key to name rows by")
        async with begin(self._engine) as connection:
            found = await connection.execute(select(*keys, reference).where(reference.is_not(None)))
            rows = [(tuple(row[:-1]), str(row[-1])) for row in found.all()]
        named = sorted({datum_id for _, datum_id in rows})
        present = await asyncio.gather(*(self._memory.exists(name) for name in named))
        missing = {name for name, held in zip(named, present, strict=True) if not held}
        orphans = tuple(OrphanRow(key, datum_id) for key, datum_id in rows if datum_id in missing)
        removed = 0
        if policy == "delete" and orphans:
            async with begin(self._engine) as connection:
                for orphan in orphans:
                    matches = [key == value for key, value in zip(keys, orphan.key, strict=True)]
                    condition = and_(reference == orphan.datum_id, *matches)
                    result = await connection.execute(delete(chosen).where(condition))
                    removed += result.rowcount
        pending = await self._pending(set(named))
        return RepairReport(orphans, removed, pending)

    async def _pending(self, named: set[str]) -> tuple[str, ...]:
        """Ids of the datums marked pending that are not in ``named``."""
        unnamed: list[str] = []
        cursor: str | None = None
        while True:
            page = await self._memory.list(metadata={PENDING_KEY: True}, limit=_PAGE, cursor=cursor)
            unnamed.extend(datum.id for datum in page if datum.id not in named)
            cursor = page.cursor
            if cursor is None:
                return tuple(unnamed)

    async def close(self) -> None:
        """Close the agent-memory store made here; a store or engine passed in stays open."""
        if self._shared:
            await self._memory.close()


async def _insert(connection: AsyncConnection, rows: list[object]) -> None:
    """Flush the ORM objects ``rows`` into the transaction ``connection`` is in."""
    async with AsyncSession(bind=connection, expire_on_commit=False) as session:
        try:
            session.add_all(rows)
        except UnmappedInstanceError as error:
            raise InvalidArgument(f"rows must be mapped ORM objects: {error}") from error
        try:
            await session.flush()
        except IntegrityError as error:
            raise InvalidRow(
                f"the database refused the rows (a constraint failed: {error.orig}); nothing "
                "of this write is stored: fix the rows and capture again"
            ) from error


def _table_of(table: Table | type[Any]) -> Table:
    """The :class:`Table` itself, or the one a mapped class is mapped to."""
    if isinstance(table, Table):
        return table
    mapped = getattr(table, "__table__", None)
    if not isinstance(mapped, Table):
        raise InvalidArgument(f"repair needs a Table or a mapped class, got {table!r}")
    return mapped
