"""``SQLiteDgent``: agent memory in one SQLite file (WAL), shared safely by threads and processes.

Writes that arrive together go to one writer thread per store, which commits every queued
write in one transaction; a small write with none beside it commits on the caller's thread
(see :mod:`dualtrack.memory.sqlite.writer`). Reads are short indexed queries run on the
caller's thread through a read-only connection of its own (WAL readers never wait for the
writer); ``search``, which reads every stored vector, runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import functools
import json
import os
import sqlite3
import threading
import warnings
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from dualtrack.errors import BackendUnavailable, InvalidArgument, UnknownDatum
from dualtrack.memory.causal import causal_stream
from dualtrack.memory.chain import Chain
from dualtrack.memory.checks import (
    check_batch,
    check_batch_size,
    check_datum,
    check_expected,
    check_lookup,
    check_name,
    check_ref_page,
    check_text,
    check_top,
    plan_batch,
    refuse_swap,
)
from dualtrack.memory.cursor import Page, Position, decode_cursor
from dualtrack.memory.datum import Datum
from dualtrack.memory.embedder import HashedNgramEmbedder, embed_packed
from dualtrack.memory.indexing import NOT_TEXT, Indexed, Unindexed, index_unindexed
from dualtrack.memory.limits import holdable
from dualtrack.memory.protocol import Embedder, SearchHit
from dualtrack.memory.query import ListQuery, Order, check_limit
from dualtrack.memory.retention.digests import id_digest
from dualtrack.memory.retention.expiry import expires_at
from dualtrack.memory.retention.ledger import ALWAYS
from dualtrack.memory.retention.policy import (
    Clock,
    CompactionPolicy,
    CompactionReceipt,
    DatumState,
    check_clock,
    check_lifetime,
    check_policy,
)
from dualtrack.memory.retention.selection import Selection, refuse_forgotten
from dualtrack.memory.sqlite import schema as sql
from dualtrack.memory.sqlite.compaction import compact_file
from dualtrack.memory.sqlite.metadata_rows import catch_up
from dualtrack.memory.sqlite.writer import Writer, connect
from dualtrack.memory.vectors import Match, best_of, top_matches
from dualtrack.memory.views import View
from dualtrack.optics import Optic

#: The largest ``put_many`` that may commit on the caller's thread: a bigger one would hold the
#: event loop for longer than a thread hand-off costs.
_INLINE_BATCH = 256

K = TypeVar("K", covariant=True)
A = TypeVar("A")

Row = tuple[Any, ...]


def _datum(row: Row) -> Datum:
    return Datum.trusted(*row)


def _positions(batch: builtins.list[Datum], fresh: builtins.list[Datum]) -> builtins.list[int]:
    """Where the datums of ``fresh`` (an ordered subsequence of ``batch``) sit in ``batch``."""
    places: builtins.list[int] = []
    for place, datum in enumerate(batch):
        if len(places) < len(fresh) and fresh[len(places)] is datum:
            places.append(place)
    return places


def _checked_row(row: Row, datum: Datum) -> Row:
    """``row`` with the digests of the datum's id and parent (:data:`sql.INSERT_CHECKED`)."""
    parent = datum.causal_parent
    return (*row, id_digest(datum.id), None if parent is None else id_digest(parent))


def _outside_parents(batch: builtins.list[Datum]) -> builtins.list[str]:
    """The parents the batch names that are not stored earlier in it, each once."""
    earlier: set[str] = set()
    outside: dict[str, None] = {}
    for datum in batch:
        parent = datum.causal_parent
        if parent is not None and parent not in earlier:
            outside[parent] = None
        earlier.add(datum.id)
    return list(outside)


def _inserted_all(
    connection: sqlite3.Connection,
    namespace: str,
    batch: builtins.list[Datum],
    rows: builtins.list[Row],
) -> bool:
    """Insert every row (each new, its parent held), or none.

    A lone datum goes in by :data:`sql.INSERT_CHECKED`, one statement under the full checks.
    For a batch, one query first asks whether the namespace has tombstones or erased ids and
    how many of the batch's outside parents are stored. Without retention state (the common
    case) the rows go in by plain inserts once every parent is held; with it, each row is
    inserted by :data:`sql.INSERT_CHECKED`. A batch with a row that did not insert (stored
    already, refused, or a child before its parent) is rolled back to the savepoint, leaving
    the checks that name the reason to the caller.
    """
    if len(batch) == 1:
        before = connection.total_changes
        connection.execute(sql.INSERT_CHECKED, _checked_row(rows[0], batch[0]))
        return connection.total_changes != before
    outside = _outside_parents(batch)
    guarded, held = connection.execute(
        sql.WRITE_GUARDS, (namespace, json.dumps(outside) if outside else "[]")
    ).fetchone()
    if guarded:
        statement = sql.INSERT_CHECKED
        params = [_checked_row(row, datum) for row, datum in zip(rows, batch, strict=True)]
    elif held == len(outside):
        statement, params = sql.INSERT_DATUM, rows
    else:
        return False
    before = connection.total_changes
    connection.execute("SAVEPOINT put_many")
    connection.executemany(statement, params)
    if connection.total_changes - before == len(params):
        connection.execute("RELEASE put_many")
        return True
    connection.execute("ROLLBACK TO put_many")
    connection.execute("RELEASE put_many")
    return False


def _store_vectors(
    updates: builtins.list[tuple[bytes, str, str]], connection: sqlite3.Connection
) -> None:
    connection.executemany(sql.SET_VECTOR, updates)


def _create_schema(connection: sqlite3.Connection) -> None:
    (unmarked,) = connection.execute(sql.LACKS_INDEX_MARKS).fetchone()
    for statement in sql.SCHEMA:
        connection.execute(statement)
    if unmarked:  # a file from before lazy metadata rows: it holds every datum's rows
        connection.execute(sql.SEED_INDEX_MARKS)


class SQLiteDgent:
    """Agent memory in a SQLite file: ``SQLiteDgent(path, namespace=...)``, then await its methods.

    Durable: WAL with ``synchronous=FULL``, so an acknowledged write survives a crash. Several
    stores, threads and processes may share one file; concurrent writers queue on the file's
    write lock (``BEGIN IMMEDIATE`` with a busy timeout) instead of failing.

    Writes that arrive together share one commit on the store's writer thread. A small write
    with no other beside it commits on the caller's thread, as ``sqlite3`` does, so the event
    loop waits for its fsync; ``inline_commits=False`` sends every write to the thread, for a
    loop that must never wait on the disk (each write then pays two thread hand-offs).

    >>> import asyncio, tempfile, os
    >>> async def demo(path):
    ...     async with SQLiteDgent(path, namespace="notes") as store:
    ...         await store.put(Datum(id="n1", content=b"hello", created_at=1.0))
    ...         return (await store.get("n1")).content
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     asyncio.run(demo(os.path.join(folder, "memory.db")))
    b'hello'
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        namespace: str = "default",
        embedder: Embedder | None = None,
        busy_timeout: float = 60.0,
        clock: Clock | None = None,
        inline_commits: bool = True,
    ) -> None:
        self._path = os.fspath(path)
        if not self._path or self._path == ":memory:" or self._path.startswith("file:"):
            raise BackendUnavailable(
                f"SQLiteDgent needs a file path, got {self._path!r}: use MemoryDgent for "
                "memory held in this process"
            )
        self._where = os.path.abspath(self._path)  # the same file after a chdir
        self._namespace = check_name(namespace, "namespace")
        self._embedder: Embedder = embedder or HashedNgramEmbedder()
        self._busy_timeout = float(busy_timeout)
        self._clock = check_clock(clock)
        if not isinstance(inline_commits, bool):
            raise InvalidArgument(f"inline_commits must be True or False, got {inline_commits!r}")
        self._inline = inline_commits
        self._writer: Writer | None = None
        self._starting: asyncio.Future[None] | None = None
        self._readers = threading.local()
        self._connections: builtins.list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._closed = False
        self._reclaim: weakref.finalize[Any, Any] | None = None

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        *,
        namespace: str = "default",
        embedder: Embedder | None = None,
        busy_timeout: float = 60.0,
        clock: Clock | None = None,
        inline_commits: bool = True,
    ) -> SQLiteDgent:
        """A started store: the file and its tables exist when this returns."""
        store = cls(
            path,
            namespace=namespace,
            embedder=embedder,
            busy_timeout=busy_timeout,
            clock=clock,
            inline_commits=inline_commits,
        )
        await store._started()
        return store

    def __repr__(self) -> str:
        return f"SQLiteDgent({self._path!r}, namespace={self._namespace!r})"

    async def __aenter__(self) -> SQLiteDgent:
        await self._started()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    @property
    def namespace(self) -> str:
        """The namespace this store reads and writes."""
        return self._namespace

    @property
    def path(self) -> str:
        """The SQLite file."""
        return self._path

    async def _started(self) -> Writer:
        if self._closed:
            raise BackendUnavailable(f"{self!r} is closed: open a new store")
        if self._writer is not None:
            return self._writer
        if self._starting is None:
            parent = Path(self._path).parent
            if not parent.is_dir():
                raise BackendUnavailable(f"folder {str(parent)!r} for {self._path!r} is missing")
            self._starting = asyncio.get_running_loop().create_future()
            writer = Writer(self._path, self._busy_timeout, _create_schema, inline=self._inline)
            try:
                await writer.start()
            except BaseException as error:
                self._starting.set_exception(error)
                self._starting.exception()  # waiters re-raise it; nobody else need retrieve it
                self._starting = None
                await writer.stop()
                raise
            self._writer = writer
            self._reclaim = weakref.finalize(
                self, _reclaim, self._path, writer, self._connections, self._connections_lock
            )
            self._starting.set_result(None)
            return writer
        await asyncio.shield(self._starting)
        assert self._writer is not None
        return self._writer

    def _reader(self) -> sqlite3.Connection:
        """This thread's own read-only connection (WAL readers never wait for the writer)."""
        connection: sqlite3.Connection | None = getattr(self._readers, "connection", None)
        if connection is None:
            if self._closed:
                raise BackendUnavailable(f"{self!r} is closed: open a new store")
            connection = connect(self._where, self._busy_timeout, read_only=True, existing=True)
            self._readers.connection = connection
            with self._connections_lock:
                self._connections.append(connection)
        return connection

    async def _metadata_rows(self) -> None:
        """Write the metadata rows a filter searches for the datums stored since the last
        filtered read (see :mod:`~dualtrack.memory.sqlite.metadata_rows`)."""
        writer = await self._started()
        if self._rows(sql.METADATA_BEHIND, (self._namespace,))[0][0]:
            await writer.submit(functools.partial(catch_up, self._namespace))

    async def _read(self, statement: str, params: Sequence[object]) -> builtins.list[Any]:
        if self._writer is None or self._closed:
            await self._started()
        return self._rows(statement, params)

    def _rows(self, statement: str, params: Sequence[object]) -> builtins.list[Any]:
        """Every row of a read, on this thread's reader through the one cursor every such read
        reuses (cheaper than a cursor each). A read that fails drops the cursor: the statement
        it left unfinished would otherwise keep this thread's snapshot of the file open."""
        cursor: sqlite3.Cursor | None = getattr(self._readers, "cursor", None)
        try:
            if cursor is None:
                cursor = self._readers.cursor = self._reader().cursor()
            return cursor.execute(statement, params).fetchall()
        except BaseException as error:
            self._readers.cursor = None
            if cursor is not None:
                with contextlib.suppress(sqlite3.Error):
                    cursor.close()
            if isinstance(error, sqlite3.Error):
                raise BackendUnavailable(
                    f"SQLite refused a read of {self._path!r}: {error}"
                ) from error
            raise

    # writes

    async def put(self, datum: Datum) -> Datum:
        """Store ``datum`` (append-only, idempotent) and return it."""
        return (await self.put_many([check_datum(datum)]))[0]

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        """Store every datum in one atomic transaction, or none of them."""
        batch = check_batch(datums)
        if not batch:
            await self._started()
            return []
        writer = await self._started()
        work = self._putting(batch)
        result: builtins.list[Datum] = await (
            writer.write(work) if len(batch) <= _INLINE_BATCH else writer.submit(work)
        )
        return result

    async def advance(self, datum: Datum, ref: str, *, expected: str | None = None) -> Datum:
        """``put(datum)`` and point ``ref`` at it if it still names ``expected``, in one
        transaction (see :class:`~dualtrack.memory.advancing.Advancing`)."""
        check_datum(datum)
        check_name(ref)
        check_expected(expected)
        put = self._putting([datum])
        namespace = self._namespace
        clock = self._clock

        def write(connection: sqlite3.Connection) -> Datum:
            row = connection.execute(sql.SHOWN_REF, (namespace, ref, clock())).fetchone()
            current = None if row is None else row[0]
            if current != expected:
                raise refuse_swap(ref, current, expected)
            stored: Datum = put(connection)[0]
            connection.execute(sql.SET_REF, (namespace, ref, stored.id))
            return stored

        writer = await self._started()
        result: Datum = await writer.write(write)
        return result

    def _putting(
        self, batch: builtins.list[Datum]
    ) -> Callable[[sqlite3.Connection], builtins.list[Datum]]:
        """The writer's work storing ``batch`` (refusing before it writes anything)."""
        expiries = [expires_at(datum) for datum in batch]
        namespace = self._namespace
        rows = [
            (
                namespace,
                datum.id,
                datum.content,
                datum.created_at,
                datum.causal_parent,
                datum.metadata_json,
            )
            for datum in batch
        ]
        clock = self._clock

        def write(connection: sqlite3.Connection) -> builtins.list[Datum]:
            if _inserted_all(connection, namespace, batch, rows):  # all new, no datum read
                expiring = [
                    (namespace, datum.id, at, None)
                    for datum, at in zip(batch, expiries, strict=True)
                    if at is not None
                ]
                if expiring:
                    connection.executemany(sql.INSERT_TOMBSTONE, expiring)
                return batch
            named = {d.id for d in batch} | {d.causal_parent for d in batch if d.causal_parent}
            wanted = json.dumps(sorted(named))
            digests = {id_digest(datum_id): datum_id for datum_id in named}
            digested = json.dumps(sorted(digests))
            found = connection.execute(sql.HELD, (namespace, wanted, clock())).fetchall()
            erased = {
                digests[row[0]]
                for row in connection.execute(sql.ERASED_AMONG, (namespace, digested))
            }
            stones = dict(connection.execute(sql.TOMBSTONED_AMONG, (namespace, wanted)))
            stored = {row[0] for row in found}
            forgotten = {i for i, gone in stones.items() if gone and i not in stored}
            hidden = {row[0] for row in found if not row[5]} | erased | forgotten
            for datum in batch:
                if datum.id in hidden:
                    raise refuse_forgotten(namespace, datum.id)
            held = {row[0]: _datum(row[:5]) for row in found if row[5]}
            fresh = plan_batch(batch, held, stored | set(stones) | erased)
            if len(fresh) == len(batch):
                chosen, chosen_expiries = rows, expiries
            else:
                keep = _positions(batch, fresh)
                chosen = [rows[place] for place in keep]
                chosen_expiries = [expiries[place] for place in keep]
            expiring = [
                (namespace, row[1], at, None)
                for row, at in zip(chosen, chosen_expiries, strict=True)
                if at is not None
            ]
            before = connection.total_changes
            connection.executemany(sql.INSERT_DATUM, chosen)
            connection.executemany(sql.INSERT_TOMBSTONE, expiring)
            written = len(chosen) + len(expiring)
            if connection.total_changes - before != written:
                raise RuntimeError("SQLiteDgent wrote an unexpected number of rows: rolled back")
            return [held.get(d.id, d) for d in batch]

        return write

    async def set_ref(self, name: str, datum_id: str, *, expected: str | None = None) -> None:
        """Point ``name`` at ``datum_id`` if it still points at ``expected`` (compare-and-set)."""
        check_name(name)
        check_lookup(datum_id)
        check_expected(expected)
        if not holdable(datum_id):  # refused here: such text would fail its whole write group
            raise UnknownDatum(f"ref {name!r} cannot point at {datum_id!r}: no such datum")
        if expected is not None and not holdable(expected):
            raise refuse_swap(name, await self.get_ref(name), expected)
        namespace = self._namespace
        clock = self._clock

        def swap(connection: sqlite3.Connection) -> None:
            now = clock()
            if connection.execute(sql.SHOWN_EXISTS, (namespace, datum_id, now)).fetchone() is None:
                raise UnknownDatum(f"ref {name!r} cannot point at {datum_id!r}: no such datum")
            row = connection.execute(sql.SHOWN_REF, (namespace, name, now)).fetchone()
            current = None if row is None else row[0]
            if current != expected:
                raise refuse_swap(name, current, expected)
            connection.execute(sql.SET_REF, (namespace, name, datum_id))

        writer = await self._started()
        await writer.write(swap)

    # reads

    def _point(
        self, shown: str, raw: str, include_hidden: bool, *params: object
    ) -> tuple[str, tuple[object, ...]]:
        """A point read: the raw statement, or the one filtering what is shown now."""
        if include_hidden:
            return raw, (self._namespace, *params)
        return shown, (self._namespace, *params, self._clock())

    async def get(self, datum_id: str, *, include_hidden: bool = False) -> Datum | None:
        """The datum with this id, or ``None`` (hidden ones only with ``include_hidden``)."""
        if type(datum_id) is not str or not holdable(datum_id):
            check_lookup(datum_id)  # refuses what is not a str; any other id is not found
            return None
        if self._writer is None or self._closed:  # a started store reads without awaiting
            await self._started()
        if include_hidden:
            rows = self._rows(sql.SELECT_ONE, (self._namespace, datum_id))
        else:
            rows = self._rows(sql.SHOWN_ONE, (self._namespace, datum_id, self._clock()))
        return Datum.trusted(*rows[0]) if rows else None

    async def exists(self, datum_id: str, *, include_hidden: bool = False) -> bool:
        """Whether the store shows a datum with this id."""
        if not holdable(check_lookup(datum_id)):
            return False
        return bool(
            await self._read(
                *self._point(sql.SHOWN_EXISTS, sql.EXISTS_ONE, include_hidden, datum_id)
            )
        )

    async def count(self, *, include_hidden: bool = False) -> int:
        """How many datums the store shows."""
        rows = await self._read(*self._point(sql.SHOWN_COUNT, sql.COUNT, include_hidden))
        return int(rows[0][0])

    def _now(self, include_hidden: bool) -> float | None:
        return None if include_hidden else self._clock()

    async def list(
        self,
        *,
        prefix: str | None = None,
        after: float | None = None,
        before: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        order: Order = "asc",
        limit: int | None = 100,
        cursor: str | None = None,
        include_hidden: bool = False,
    ) -> Page:
        """One page of the datums shown, matching every filter, in ``(created_at, id)`` order."""
        query = ListQuery.of(
            prefix=prefix,
            after=after,
            before=before,
            metadata=metadata,
            order=order,
            scope=self._namespace,
        )
        size = check_limit(limit, None)
        position = decode_cursor(query, cursor)
        if query.prefix is not None and not holdable(query.prefix):
            return Page((), None)  # no id starts with text no id can hold
        if query.metadata:
            await self._metadata_rows()
        statement, params = sql.select_page(
            self._namespace,
            query,
            position,
            None if size is None else size + 1,
            now=self._now(include_hidden),
        )
        rows = await self._read(statement, params)
        return Page.cut(query, [_datum(row) for row in rows], size)

    async def scan(
        self, *, batch_size: int = 1000, include_hidden: bool = False
    ) -> AsyncIterator[Datum]:
        """Every datum shown, in ``(created_at, id)`` order, one keyset page at a time."""
        check_batch_size(batch_size)
        query = ListQuery.of()
        position: Position | None = None
        while True:
            statement, params = sql.select_page(
                self._namespace, query, position, batch_size, now=self._now(include_hidden)
            )
            rows = await self._read(statement, params)
            for row in rows:
                yield _datum(row)
            if len(rows) < batch_size:
                return
            position = (rows[-1][2], rows[-1][0])

    def scan_causal(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        """Every datum shown, each after its causal parent, one keyset page at a time (see
        :mod:`dualtrack.memory.causal`); a datum whose parent is hidden comes in scan order."""
        check_batch_size(batch_size)
        return causal_stream(self._causal_pages(batch_size))

    async def _causal_pages(
        self, batch_size: int
    ) -> AsyncIterator[builtins.list[tuple[Datum, bool | None]]]:
        namespace = self._namespace
        shown = (namespace, *sql.shown_params(namespace, self._clock()))
        rows = await self._read(sql.CAUSAL_FIRST_PAGE, (*shown, batch_size))
        while True:
            yield [(_datum(row[:5]), bool(row[5])) for row in rows]
            if len(rows) < batch_size:
                return
            position = (rows[-1][2], rows[-1][0])
            rows = await self._read(sql.CAUSAL_NEXT_PAGE, (*shown, *position, batch_size))

    async def causal_chain(self, datum_id: str, *, include_hidden: bool = False) -> Chain:
        """The shown ancestors of ``datum_id``, root first, ending with it, cut just after a
        missing one (see :class:`Chain`): one recursive query."""
        if not holdable(check_lookup(datum_id)):
            return Chain(())
        rows = await self._read(*self._point(sql.SHOWN_CHAIN, sql.CHAIN, include_hidden, datum_id))
        return Chain(_datum(row) for row in rows)

    async def children(
        self, datum_id: str, *, include_hidden: bool = False
    ) -> builtins.list[Datum]:
        """The shown datums whose causal parent is ``datum_id``, in ``(created_at, id)`` order."""
        if not holdable(check_lookup(datum_id)):
            return []
        statement = self._point(sql.SHOWN_CHILDREN, sql.CHILDREN, include_hidden, datum_id)
        return [_datum(row) for row in await self._read(*statement)]

    async def search(
        self,
        text: str,
        *,
        limit: int = 10,
        metadata: Mapping[str, Any] | None = None,
        include_hidden: bool = False,
    ) -> builtins.list[SearchHit]:
        """The ``limit`` shown datums most similar to ``text``, best first (reads every stored
        vector of the namespace, in a worker thread, and first embeds and stores those of the
        datums it reads that no search has read before)."""
        check_text(text)
        size = check_top(limit)
        query = ListQuery.of(metadata=metadata)
        (wanted,) = await embed_packed(self._embedder, [text])
        await self._started()
        if query.metadata:
            await self._metadata_rows()
        statement, params = sql.select_page(
            self._namespace, query, None, None, vectors=True, now=self._now(include_hidden)
        )

        def rank() -> tuple[builtins.list[Match], builtins.list[Unindexed]]:
            unindexed: builtins.list[Unindexed] = []

            def indexed(rows: Iterable[Row]) -> Iterable[tuple[str, float, bytes]]:
                for datum_id, created_at, vector, length in rows:
                    if vector is None:
                        unindexed.append((datum_id, created_at, length))
                    elif vector != NOT_TEXT:
                        yield datum_id, created_at, vector

            best = top_matches(wanted, indexed(self._reader().execute(statement, params)), size)
            return best, unindexed

        def fetch(best: builtins.list[Match]) -> builtins.list[SearchHit]:
            connection = self._reader()
            found = []
            for score, _, datum_id in best:
                row = connection.execute(sql.SELECT_ONE, (self._namespace, datum_id)).fetchone()
                if row is not None:
                    found.append(SearchHit(_datum(row), score))
            return found

        try:
            best, unindexed = await asyncio.to_thread(rank)
            if unindexed:
                fresh = await self._index(unindexed)
                best = best_of([*best, *top_matches(wanted, fresh, size)], size)
            return await asyncio.to_thread(fetch, best)
        except sqlite3.Error as error:
            raise BackendUnavailable(
                f"SQLite refused a search of {self._path!r}: {error}"
            ) from error

    async def _index(self, unindexed: builtins.list[Unindexed]) -> builtins.list[Indexed]:
        """Embed and store the vectors of datums no search has read yet (see
        :mod:`dualtrack.memory.indexing`)."""
        namespace = self._namespace
        writer = await self._started()

        async def contents(ids: builtins.list[str]) -> builtins.list[tuple[str, bytes]]:
            chosen = (namespace, json.dumps(ids))
            return await asyncio.to_thread(self._rows, sql.UNINDEXED_AMONG, chosen)

        async def store(pairs: builtins.list[tuple[str, bytes]]) -> None:
            updates = [(vector, namespace, datum_id) for datum_id, vector in pairs]
            await writer.submit(functools.partial(_store_vectors, updates))

        return await index_unindexed(self._embedder, unindexed, contents, store)

    async def get_ref(self, name: str, *, include_hidden: bool = False) -> str | None:
        """The datum id the ref ``name`` points at, or ``None`` if it was never set or names a
        hidden datum; with ``include_hidden``, whatever the ref holds."""
        check_name(name)
        rows = await self._read(*self._point(sql.SHOWN_REF, sql.GET_REF, include_hidden, name))
        return str(rows[0][0]) if rows else None

    async def list_refs(
        self, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[tuple[str, str]]:
        """``(name, datum id)`` of the refs named after ``after``, in name order (refs naming
        a hidden datum read as unset, as in ``get_ref``)."""
        check_ref_page(after, limit)
        params = (
            self._namespace,
            "" if after is None else after,
            *sql.shown_params(self._namespace, self._clock()),
            -1 if limit is None else limit,
        )
        rows = await self._read(sql.LIST_REFS, params)
        return [(str(name), str(target)) for name, target in rows]

    async def namespaces(self) -> builtins.list[str]:
        """The namespaces of this file holding a datum or a ref, sorted."""
        return [str(row[0]) for row in await self._read(sql.NAMESPACES, ())]

    # retention

    async def forget(
        self,
        ids: Iterable[str] | None = None,
        *,
        prefix: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        ref: str | None = None,
    ) -> builtins.list[str]:
        """Hide the selected datums from every read path (see ``Retention.forget``): one
        transaction appending tombstones; the ids newly forgotten, by ``(created_at, id)``."""
        selection = Selection.of(ids, prefix=prefix, metadata=metadata, ref=ref)
        if selection.matches_nothing:
            return []
        namespace = self._namespace
        clock = self._clock

        def hide(connection: sqlite3.Connection) -> builtins.list[str]:
            now = clock()
            if selection.ids is not None:
                given = json.dumps(selection.ids)
                chosen = connection.execute(sql.FORGETTABLE_AMONG, (namespace, given)).fetchall()
                held = {row[0] for row in connection.execute(sql.HELD, (namespace, given, now))}
                digests = {id_digest(i): i for i in selection.ids}
                erased = {
                    digests[row[0]]
                    for row in connection.execute(
                        sql.ERASED_AMONG, (namespace, json.dumps(sorted(digests)))
                    )
                }
                connection.executemany(
                    sql.INSERT_TOMBSTONE,
                    [
                        (namespace, i, ALWAYS, now)
                        for i in selection.ids
                        if i not in held and i not in erased
                    ],
                )
            elif selection.ref is not None:
                chosen = connection.execute(sql.REF_HISTORY, (namespace, selection.ref)).fetchall()
            else:
                query = selection.as_query()
                if query.metadata:
                    catch_up(namespace, connection)
                statement, params = sql.select_page(namespace, query, None, None, forgettable=True)
                chosen = connection.execute(statement, params).fetchall()
            connection.executemany(
                sql.INSERT_TOMBSTONE, [(namespace, row[0], ALWAYS, now) for row in chosen]
            )
            return [row[0] for row in sorted(chosen, key=lambda row: (row[1], row[0]))]

        writer = await self._started()
        forgotten: builtins.list[str] = await writer.submit(hide)
        return forgotten

    async def truncations(self) -> builtins.list[str]:
        """The ids at which shown chains stop: parents of shown datums that are not shown."""
        rows = await self._read(sql.TRUNCATIONS, (self._namespace, self._clock()))
        return [str(row[0]) for row in rows]

    async def set_lifetime(self, seconds: float | None) -> None:
        """Hide every datum of the namespace once ``created_at <= now - seconds``."""
        lifetime = check_lifetime(seconds)
        namespace = self._namespace

        def store(connection: sqlite3.Connection) -> None:
            if lifetime is None:
                connection.execute(sql.DROP_LIFETIME, (namespace,))
            else:
                connection.execute(sql.SET_LIFETIME, (namespace, lifetime))

        writer = await self._started()
        await writer.submit(store)

    async def lifetime(self) -> float | None:
        """The namespace lifetime in seconds, or ``None``."""
        rows = await self._read(sql.GET_LIFETIME, (self._namespace,))
        return float(rows[0][0]) if rows else None

    async def state_of(self, datum_id: str) -> DatumState:
        """Where ``datum_id`` stands: live, forgotten, expired, erased or unknown."""
        if not holdable(check_lookup(datum_id)):
            return "unknown"
        rows = await self._read(sql.STATE, (self._namespace, datum_id, self._clock()))
        if rows:
            shown, forgotten = rows[0]
            return "forgotten" if forgotten else "live" if shown else "expired"
        stones = await self._read(sql.TOMBSTONED_AMONG, (self._namespace, json.dumps([datum_id])))
        if stones and stones[0][1]:
            return "forgotten"
        erased = await self._read(
            sql.ERASED_AMONG, (self._namespace, json.dumps([id_digest(datum_id)]))
        )
        return "erased" if erased else "unknown"

    async def compact(
        self, policy: CompactionPolicy | None = None, *, dry_run: bool = False
    ) -> CompactionReceipt:
        """Remove hidden datums (and what ``policy`` prunes) with their metadata rows,
        vectors and refs in one transaction, overwriting their bytes with zeros, then vacuum
        as the policy says and truncate the write-ahead log (see
        :mod:`dualtrack.memory.sqlite.compaction`)."""
        chosen = check_policy(policy, dry_run)
        writer = await self._started()
        return await compact_file(
            self._path,
            self._namespace,
            self._clock,
            chosen,
            dry_run=dry_run,
            writer=writer,
            reader=self._reader,
            busy_timeout=self._busy_timeout,
        )

    def focus(
        self, ref: str, optic: Optic[K, bytes, A], *, initial: bytes | None = None
    ) -> View[K, A]:
        """A lens view of the datum ``ref`` points at (see :mod:`dualtrack.memory.views`)."""
        return View(self, ref, optic, initial)

    async def close(self) -> None:
        """Finish queued writes, stop the writer thread and close every connection."""
        self._closed = True
        if self._reclaim is not None:
            self._reclaim.detach()
        writer, self._writer = self._writer, None
        if writer is not None:
            await writer.stop()
        _close_all(self._connections, self._connections_lock)


def _close_all(connections: builtins.list[sqlite3.Connection], lock: threading.Lock) -> None:
    """Close and forget every connection in ``connections`` (in place: the list is shared)."""
    with lock:
        closing = connections[:]
        connections.clear()
    for connection in closing:
        connection.close()


def _reclaim(
    path: str,
    writer: Writer,
    connections: builtins.list[sqlite3.Connection],
    lock: threading.Lock,
) -> None:
    """What an unclosed store holds, given back when it is collected: its writer thread ends
    after the writes already queued, its connections close. Warns, as an unclosed file does."""
    writer.halt()
    _close_all(connections, lock)
    warnings.warn(
        f"SQLiteDgent({path!r}) was never closed: close it (await store.close(), or "
        "async with) so its writer thread and files are released when you are done",
        ResourceWarning,
        stacklevel=2,
    )
