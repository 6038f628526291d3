"""``SQLDgent``: agent memory in SQL tables through SQLAlchemy, on PostgreSQL or SQLite.

Many processes and hosts may share one PostgreSQL database: every write is a conditional
statement (insert that ignores a conflict, then compare; update only from the expected ref) or
one transaction, and transactions the database aborts to stay serializable run again, so
correctness rests on no advisory lock, ``LOCK TABLE`` or ``NOTIFY``.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterable,
    Mapping,
    Sequence,
)
from typing import Any, ClassVar, TypeVar

from sqlalchemy import MetaData, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.schema import CreateSchema

from dualtrack.errors import (
    ConflictError,
    DualtrackError,
    InvalidArgument,
    InvalidCursor,
    LoopUnavailable,
    UnknownDatum,
)
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
    refuse_change,
    refuse_closed,
    refuse_orphan,
    refuse_swap,
)
from dualtrack.memory.cursor import Page, Position, decode_cursor
from dualtrack.memory.datum import MAX_ID_LENGTH, Datum
from dualtrack.memory.embedder import HashedNgramEmbedder, embed_packed
from dualtrack.memory.indexing import Indexed, Unindexed, index_unindexed
from dualtrack.memory.limits import shown
from dualtrack.memory.protocol import Embedder, SearchHit
from dualtrack.memory.query import ListQuery, Order, check_limit, prefix_end
from dualtrack.memory.retention.digests import id_digest
from dualtrack.memory.retention.expiry import expires_at
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
from dualtrack.memory.sql.compaction import Compaction
from dualtrack.memory.sql.connections import Sessions
from dualtrack.memory.sql.errors import (
    MAX_RETRIES,
    confused,
    failed,
    is_transient,
    pause,
    sqlstate,
    unreachable,
)
from dualtrack.memory.sql.facets import facet_key, facets_json, filter_json
from dualtrack.memory.sql.oneshot import DUPLICATE, one_shot
from dualtrack.memory.sql.reads import Coalescer
from dualtrack.memory.sql.schema import SQLTables, dgent_metadata, tables_in
from dualtrack.memory.sql.sessions import Compiler, CoreSession, DriverSession, Session
from dualtrack.memory.sql.statements import (
    BATCH_ARRAYS,
    NEVER,
    PageShape,
    Statements,
    statements_for,
)
from dualtrack.memory.sql.timeouts import check_timeout, timed
from dualtrack.memory.vectors import best_of, top_matches
from dualtrack.memory.views import View
from dualtrack.optics import Optic
from dualtrack.urls import masked

K = TypeVar("K", covariant=True)
A = TypeVar("A")
T = TypeVar("T")

#: Seconds one operation (every attempt, connecting included) may take on PostgreSQL before it
#: fails with ``OperationTimedOut``; ``timeout=`` changes it, ``None`` waits for ever.
DEFAULT_TIMEOUT = 300.0

#: How many ids one SQLite statement binds at most (PostgreSQL binds one array).
_SQLITE_CHUNK = 500

#: How long ``close()`` called on another loop waits for the store's own loop to close it.
_HANDOFF = 10.0

#: Point-read queries in flight at once; gets arriving meanwhile wait and share the next one
#: (measured here: one beats two, four or eight for 32 concurrent readers).
READ_QUERIES = 1

#: Above this many stored vectors, ``search`` ranks them in a worker thread.
_THREAD_RANKING = 2000


#: Batches up to this size try one conditional insert per datum before the general path
#: (where no one-statement batch insert applies: SQLite, or a caller's transaction).
_FEW = 8


class _NotAllNew(DualtrackError):
    """A datum of a small batch did not insert by itself: take the general path (a
    ``DualtrackError`` so the transaction rolls back; it never reaches a caller)."""


def _storable(text: str) -> bool:
    """Whether ``text`` can be bound as SQL text at all (ids that cannot are never stored)."""
    if "\x00" in text or len(text) > MAX_ID_LENGTH:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _settled(task: asyncio.Future[Any]) -> None:
    """Mark the outcome of shielded work whose caller stopped waiting as seen."""
    if not task.cancelled():
        task.exception()


async def _stored_all(session: Session, statement: Any, params: Mapping[str, Any]) -> bool:
    """Run a one-statement write; ``False`` when it stored nothing, or lost a race to a
    writer of the same id (the statement then failed whole)."""
    try:
        rows = await session.fetch(statement, params)
    except session.database_errors as error:
        if sqlstate(error) != DUPLICATE:
            raise
        return False
    return bool(rows[0][0])


def _datum(row: Sequence[Any]) -> Datum:
    return Datum.trusted(*row)


def _datums(rows: Iterable[Sequence[Any]]) -> list[Datum]:
    trusted = Datum.trusted
    return [trusted(*row) for row in rows]


def _chunks(items: Sequence[str], size: int | None) -> Iterable[Sequence[str]]:
    if size is None:
        yield items
        return
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SQLDgent:
    """Agent memory in two SQL tables, over any SQLAlchemy ``AsyncEngine`` on PostgreSQL
    (``postgresql+asyncpg``) or SQLite (``sqlite+aiosqlite``), or over one ``AsyncConnection``.

    ``SQLDgent(engine, namespace=...)`` borrows connections from the engine's pool (it keeps up
    to ``connections`` of them, by default the pool's size) and creates its tables on first
    use (pass ``create_tables=False`` when your migrations own them). ``schema`` places the
    tables in a PostgreSQL schema. Pass ``dispose_engine=True`` to have :meth:`close` dispose
    an engine made for this store alone (``open_dgent`` does).

    On PostgreSQL with asyncpg, the store runs its Core statements, compiled once by
    SQLAlchemy, on the driver connection beneath each pooled connection (SQLAlchemy's
    execution layer would double the cost of a point read, see
    :mod:`~dualtrack.memory.sql.sessions`); ``driver_statements=False`` runs everything
    through SQLAlchemy instead.

    **Timeouts.** On PostgreSQL each call (connecting and retries included, ``compact`` aside)
    takes at most ``timeout`` seconds (default 300, ``None`` for no bound), then raises
    :class:`~dualtrack.errors.OperationTimedOut` and closes its connection (see
    :mod:`~dualtrack.memory.sql.timeouts`). On SQLite the engine's busy timeout bounds waits.

    **In your transaction.** ``SQLDgent(connection)`` works inside the caller's transaction:
    every write is a savepoint in it, nothing is committed or rolled back by the store, so a
    datum and your own rows commit together or not at all. (On SQLite, where pysqlite defers
    ``BEGIN`` to the first write, the store begins the transaction before its savepoint, so
    the savepoint cannot commit on release.)

    **Alembic.** The tables live in ``SQLDgent.metadata`` (also ``dgent_metadata`` in
    :mod:`dualtrack.memory.sql.schema`). So that your own autogenerate neither drops them nor
    proposes them again, either give Alembic both MetaData in ``env.py``::

        from dualtrack import SQLDgent
        target_metadata = [Base.metadata, SQLDgent.metadata]

    (then your migrations create and own them: pass ``create_tables=False``), or leave them to
    the store and filter them out::

        def include_object(obj, name, type_, reflected, compare_to):
            table = obj if type_ == "table" else getattr(obj, "table", None)
            return table is None or table.name not in SQLDgent.metadata.tables

        context.configure(..., include_object=include_object)

    **Layout.** Datums are append-only rows keyed by ``(namespace, id)``; the exact metadata
    JSON is kept as text, and its JSONB *facets* (see :mod:`dualtrack.memory.sql.facets`)
    serve equality filters through a GIN index on PostgreSQL. Listing is keyset-paginated on
    ``(created_at, id)``; ``causal_chain`` and ``children`` are one query each (a recursive
    CTE); refs move by conditional ``UPDATE``/``INSERT``; ``search`` ranks the stored vectors
    of the store's :class:`~dualtrack.memory.protocol.Embedder`.

    >>> import asyncio, tempfile, os
    >>> from sqlalchemy.ext.asyncio import create_async_engine
    >>> async def demo(path):
    ...     engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    ...     async with SQLDgent(engine, namespace="notes", dispose_engine=True) as store:
    ...         root = await store.put(Datum(id="n1", content=b"hello", created_at=1.0))
    ...         await store.put(root.derive(b"hello again", created_at=2.0))
    ...         head = (await store.children("n1"))[0]
    ...         return [d.content for d in await store.causal_chain(head.id)]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     asyncio.run(demo(os.path.join(folder, "memory.db")))
    [b'hello', b'hello again']
    """

    #: SQLDgent's tables, for Alembic (``target_metadata`` or an ``include_object`` filter).
    metadata: ClassVar[MetaData] = dgent_metadata

    def __init__(
        self,
        bind: AsyncEngine | AsyncConnection,
        *,
        namespace: str = "default",
        embedder: Embedder | None = None,
        schema: str | None = None,
        create_tables: bool = True,
        connections: int | None = None,
        dispose_engine: bool = False,
        driver_statements: bool = True,
        clock: Clock | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        self._namespace = check_name(namespace, "namespace")
        self._timeout = check_timeout(timeout)
        self._clock = check_clock(clock)
        self._embedder: Embedder = embedder or HashedNgramEmbedder()
        self._caller: AsyncConnection | None = None
        if isinstance(bind, AsyncConnection):
            self._engine, self._caller = bind.engine, bind
        elif isinstance(bind, AsyncEngine):
            self._engine = bind
        else:
            raise InvalidArgument(
                f"SQLDgent needs an SQLAlchemy AsyncEngine or AsyncConnection, got {bind!r}: "
                "make one with sqlalchemy.ext.asyncio.create_async_engine, or use open_dgent(url)"
            )
        dialect = self._engine.dialect
        if schema is not None:
            check_name(schema, "schema")
            if dialect.name != "postgresql":
                raise InvalidArgument("schema= places tables in a PostgreSQL schema only")
        self._schema = schema
        self._rendered: str | None = None
        self._tables = tables_in(schema)
        self._statements = statements_for(schema, dialect.name)
        self._everything = statements_for(schema, dialect.name, hidden=True)
        self._oneshot = one_shot(self._statements) if self._statements.postgres else None
        self._chunk = None if self._statements.postgres else _SQLITE_CHUNK
        self._shielded = not self._statements.postgres
        # SQLite works on a local file, bounded by its busy timeout; a statement cut off in
        # aiosqlite's thread could leave the file locked, so only PostgreSQL is timed here.
        self._deadline = self._timeout if self._statements.postgres else None
        self._create = create_tables
        self._dispose = dispose_engine and self._caller is None
        self._fast = driver_statements and self._caller is None and dialect.driver == "asyncpg"
        self._compiler = Compiler(dialect)
        if connections is not None and (type(connections) is not int or connections < 1):
            raise InvalidArgument(f"connections must be a positive int, got {shown(connections)}")
        size = getattr(self._engine.pool, "size", None)
        default = size() if callable(size) else 5
        limit = 1 if self._caller is not None else connections or default
        self._sessions = Sessions(self._open_session, limit)
        self._reads: Coalescer[str, Datum] = Coalescer(
            self._get_one, self._get_many, in_flight=READ_QUERIES
        )
        self._caller_session: CoreSession | None = None
        self._ready: asyncio.Future[None] | None = None
        #: the loop a PostgreSQL store's connections belong to (asyncpg's are bound to one)
        self._home: asyncio.AbstractEventLoop | None = None
        self._unfinished: set[asyncio.Future[Any]] = set()
        self._closed = False

    @classmethod
    async def open(cls, bind: AsyncEngine | AsyncConnection, **options: Any) -> SQLDgent:
        """A started store: the database answered and the tables exist (when it may create
        them) when this returns; else :class:`BackendUnavailable` naming the cause."""
        store = cls(bind, **options)
        try:
            await store._started()
            with timed(store._deadline, f"connecting {store!r}", writes=False):
                async with store._sessions.lend():
                    pass  # a connection opens: the database answers
        except BaseException:
            await store.close()
            raise
        return store

    def __repr__(self) -> str:
        rendered = self._rendered
        if rendered is None:  # every operation names the store in its messages: render once
            where = masked(self._engine.url)
            schema = "" if self._schema is None else f", schema={self._schema!r}"
            rendered = f"SQLDgent({where!r}, namespace={self._namespace!r}{schema})"
            self._rendered = rendered
        return rendered

    async def __aenter__(self) -> SQLDgent:
        await self._started()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    @property
    def namespace(self) -> str:
        """The namespace this store reads and writes."""
        return self._namespace

    @property
    def engine(self) -> AsyncEngine:
        """The engine whose connections this store uses."""
        return self._engine

    # connections, tables and retries

    async def _open_session(self) -> Session:
        if self._caller is not None:
            if self._caller_session is None:
                self._caller_session = CoreSession(self._caller, caller=True)
            return self._caller_session
        try:
            connection = await self._engine.connect()
        except (SQLAlchemyError, OSError) as error:
            raise unreachable(self._engine.url, error) from error
        try:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            if self._fast:
                raw = await connection.get_raw_connection()
                return DriverSession(connection, raw.driver_connection, self._compiler)
            return CoreSession(connection, caller=False)
        except BaseException:
            await connection.close()
            raise

    def _elsewhere(self) -> LoopUnavailable:
        return LoopUnavailable(
            f"{self!r} was opened on another event loop, and its PostgreSQL connections belong "
            "to that loop (was it opened in an earlier asyncio.run?): open the store on the "
            "loop that uses it, e.g. inside the same asyncio.run"
        )

    async def _started(self) -> None:
        if self._closed:
            raise refuse_closed(self)
        if self._ready is None:
            loop = asyncio.get_running_loop()
            if self._statements.postgres:
                self._home = loop
            self._ready = loop.create_future()
            try:
                if self._create:
                    with timed(self._deadline, "creating SQLDgent's tables", writes=True):
                        await self._create_tables()
            except BaseException as error:
                self._ready.set_exception(error)
                self._ready.exception()
                self._ready = None
                raise
            self._ready.set_result(None)
            return
        await asyncio.shield(self._ready)

    async def _create_tables(self) -> None:
        def create(connection: Any) -> None:
            names = {table.name for table in self._tables.metadata.sorted_tables}
            if names <= set(inspect(connection).get_table_names(schema=self._schema)):
                return  # one query where checking table by table takes one each
            if self._schema is not None and not connection.dialect.has_schema(
                connection, self._schema
            ):
                connection.execute(CreateSchema(self._schema, if_not_exists=True))
            self._tables.metadata.create_all(connection, checkfirst=True)

        if self._caller is not None:
            session = await self._open_session()
            async with session.atomic():
                await self._caller.run_sync(create)
            return
        for attempt in range(3):
            try:
                connection = await self._engine.connect()
            except (SQLAlchemyError, OSError) as error:
                raise unreachable(self._engine.url, error) from error
            try:
                async with connection.begin():
                    await connection.run_sync(create)
                return
            except SQLAlchemyError as error:
                if attempt == 2:
                    where = "creating SQLDgent's tables"
                    raise failed(where, error, lost=False, wrote=True) from error
            finally:
                await connection.close()
            await pause(attempt)  # another process created them at the same moment

    def _run(
        self,
        where: str,
        operation: Callable[[Session], Awaitable[T]],
        *,
        writes: bool,
        bounded: bool = True,
    ) -> Awaitable[T]:
        """Run ``operation``. On SQLite, it runs to its end even when the caller is cancelled
        (the caller stops waiting; the work commits or rolls back): a statement cut off in
        aiosqlite's thread can leave its connection open, holding the file's lock. On
        PostgreSQL a cancelled call closes its connection instead, and the server rolls back
        whatever was under way, so no task per call is spent there (and no coroutine of its
        own: this returns the attempts themselves). ``bounded`` applies the store's timeout
        (compaction, which may rightly run for minutes, goes unbounded)."""
        attempts = self._attempts(where, operation, writes=writes, bounded=bounded)
        if self._caller is not None or not self._shielded:
            return attempts
        return self._shielded_run(attempts)

    async def _shielded_run(self, attempts: Coroutine[Any, Any, T]) -> T:
        task = asyncio.ensure_future(attempts)
        self._unfinished.add(task)
        task.add_done_callback(_settled)
        task.add_done_callback(self._unfinished.discard)
        return await asyncio.shield(task)

    async def _attempts(
        self,
        where: str,
        operation: Callable[[Session], Awaitable[T]],
        *,
        writes: bool,
        bounded: bool,
    ) -> T:
        """Run ``operation`` on a lent session, again after a transient abort (up to
        ``MAX_RETRIES``), and again once after a lost connection when it only reads."""
        ready = self._ready
        if ready is None or not ready.done() or self._closed:
            await self._started()
        home = self._home
        if home is not None and home is not asyncio.get_running_loop():
            raise self._elsewhere()
        sessions = self._sessions
        attempt = 0
        with timed(self._deadline if bounded else None, where, writes=writes, on=self):
            while True:
                session = sessions.idle() or await sessions.borrow()
                try:
                    result = await operation(session)
                except DualtrackError:
                    sessions.give_back(session)
                    raise
                except session.database_errors as error:
                    if confused(error):
                        session.abandon()
                    sessions.give_back(session)
                    self._judge(where, error, session.broken, writes, attempt)
                except BaseException:
                    sessions.give_back(session, interrupted=True)
                    raise
                else:
                    sessions.give_back(session)
                    return result
                attempt += 1
                await pause(attempt)

    def _judge(
        self, where: str, error: BaseException, lost: bool, writes: bool, attempt: int
    ) -> None:
        """Return when ``error`` may be retried; raise what the caller should see otherwise."""
        if self._closed:
            raise refuse_closed(self) from error
        transient = is_transient(error)
        if self._caller is not None:
            if transient:
                raise ConflictError(
                    f"the database aborted the transaction during {where} to keep it "
                    f"serializable ({error}): roll back and retry your transaction"
                ) from error
            raise failed(f"{where} on {self!r}", error, lost=lost, wrote=writes) from error
        if transient and attempt < MAX_RETRIES:
            return
        if lost and not writes and attempt == 0:
            return
        raise failed(f"{where} on {self!r}", error, lost=lost, wrote=writes) from error

    def _key(self, datum_id: str) -> dict[str, Any]:
        return {"ns": self._namespace, "id": datum_id, "now": self._clock()}

    def _reading(self, include_hidden: bool) -> Statements:
        """The statements that show what is shown, or everything stored (``include_hidden``)."""
        return self._everything if include_hidden else self._statements

    async def _rows(self, where: str, statement: Any, params: Mapping[str, Any]) -> list[Datum]:
        async def read(session: Session) -> list[Datum]:
            return _datums(await session.fetch(statement, params))

        return await self._run(where, read, writes=False)

    def _row(self, datum: Datum) -> dict[str, Any]:
        return {
            "ns": self._namespace,
            "id": datum.id,
            "content": datum.content,
            "created_at": datum.created_at,
            "causal_parent": datum.causal_parent,
            "metadata": datum.metadata_json,
            "facets": facets_json(datum),
        }

    # writes

    async def put(self, datum: Datum) -> Datum:
        """Store ``datum`` (append-only, idempotent) and return it: one conditional insert."""
        datum = check_datum(datum)
        expiry = expires_at(datum)
        row = self._one_row(datum)
        statements = self._statements

        async def write(session: Session) -> Datum:
            params = {**row, "now": self._clock()}
            if expiry is None:
                if await session.fetch(statements.insert_one, params):
                    return datum
            else:
                async with session.atomic():
                    inserted = await session.fetch(statements.insert_one, params)
                    if inserted:
                        await self._expire(session, [datum.id], [expiry])
                if inserted:
                    return datum
            return await self._already(session, datum, row["digest"], params["now"])

        return await self._run("put", write, writes=True)

    def _one_row(self, datum: Datum) -> dict[str, Any]:
        """The parameters of ``insert_one`` for ``datum`` (all but ``now``)."""
        parent = datum.causal_parent
        return {
            **self._row(datum),
            "digest": id_digest(datum.id),
            "parent_digest": None if parent is None else id_digest(parent),
        }

    async def _already(self, session: Session, datum: Datum, digest: str, now: float) -> Datum:
        """Why ``insert_one`` stored nothing: the equal datum already there (returned), or the
        refusal ``put`` raises (changed, forgotten, or an orphan)."""
        statements = self._statements
        key = {"ns": self._namespace, "ids": [datum.id], "now": now}
        held = await session.fetch(statements.held, key)
        if held:
            if not held[0][5]:
                raise refuse_forgotten(self._namespace, datum.id)
            stored = _datum(held[0][:5])
            if stored != datum:
                raise refuse_change(stored, datum)
            return stored
        digests = {"ns": self._namespace, "digests": [digest]}
        stones = await session.fetch(
            statements.tombstoned, {"ns": self._namespace, "ids": [datum.id]}
        )
        if await session.fetch(statements.erased_among, digests) or (stones and stones[0][1]):
            raise refuse_forgotten(self._namespace, datum.id)
        raise refuse_orphan(datum)

    async def advance(self, datum: Datum, ref: str, *, expected: str | None = None) -> Datum:
        """``put(datum)`` and point ``ref`` at it if it still names ``expected``, in one
        transaction (see :class:`~dualtrack.memory.advancing.Advancing`)."""
        datum = check_datum(datum)
        check_name(ref)
        check_expected(expected)
        expiry = expires_at(datum)
        row = self._one_row(datum)
        statements = self._statements

        async def write(session: Session) -> Datum:
            params = {**row, "now": self._clock()}
            if expiry is None and await self._advanced_new(session, params, ref, expected):
                return datum
            async with session.atomic():
                stored = datum
                if await session.fetch(statements.insert_one, params):
                    if expiry is not None:
                        await self._expire(session, [datum.id], [expiry])
                else:
                    where = {
                        "ns": params["ns"],
                        "ref": ref,
                        "target": datum.id,
                        "now": params["now"],
                    }
                    current = (await session.fetch(statements.ref_state, where))[0][1]
                    if current != expected:
                        raise refuse_swap(ref, current, expected)
                    stored = await self._already(session, datum, row["digest"], params["now"])
                await self._swap(session, ref, datum.id, expected)
            return stored

        return await self._run("advance", write, writes=True)

    async def _advanced_new(
        self, session: Session, params: dict[str, Any], ref: str, expected: str | None
    ) -> bool:
        """Whether one statement stored the new datum of ``params`` and moved ``ref`` to it
        (PostgreSQL in autocommit); ``False`` changed nothing."""
        oneshot = self._oneshot
        if oneshot is None or not session.autocommit:
            return False
        if expected is None:
            statement = oneshot.advance_creating
        elif _storable(expected):
            statement = oneshot.advance_moving
        else:
            return False
        return await _stored_all(session, statement, {**params, "ref": ref, "expected": expected})

    async def _inserted_new(
        self, session: Session, batch: Sequence[Datum], digests: Mapping[str, str]
    ) -> bool:
        """Whether one statement stored every datum of ``batch``, all new (PostgreSQL in
        autocommit); ``False`` changed nothing."""
        assert self._oneshot is not None
        arrays = {
            **self._arrays(batch),
            "digests": [digests[datum.id] for datum in batch],
            "parent_digests": [
                None if datum.causal_parent is None else digests[datum.causal_parent]
                for datum in batch
            ],
        }
        return await _stored_all(session, self._oneshot.insert_batch, arrays)

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        """Store every datum in one transaction, or none of them."""
        batch = check_batch(datums)
        await self._started()
        if not batch:
            return []
        expiry_of = {datum.id: expires_at(datum) for datum in batch}
        ids = list(dict.fromkeys(datum.id for datum in batch))
        inside = set(ids)
        parents = sorted(
            {d.causal_parent for d in batch if d.causal_parent and d.causal_parent not in inside}
        )
        named = sorted(set(ids) | set(parents))
        digest_of = {datum_id: id_digest(datum_id) for datum_id in named}
        digests = {digest: datum_id for datum_id, digest in digest_of.items()}
        statements = self._statements
        distinct = len(ids) == len(batch)
        lasting = all(at is None for at in expiry_of.values())

        async def write(session: Session) -> builtins.list[Datum]:
            if self._oneshot is not None and session.autocommit:
                if distinct and lasting and await self._inserted_new(session, batch, digest_of):
                    return batch
            elif len(batch) <= _FEW and distinct:
                singles = [self._one_row(d) for d in batch]
                try:
                    return await self._insert_each(session, batch, singles, expiry_of)
                except _NotAllNew:
                    pass  # rolled back: the checks below say what to do
            async with session.atomic():
                now = self._clock()
                held = await self._held(session, ids, now)
                erased: set[str] = set()
                for chunk in _chunks(sorted(digests), self._chunk):
                    among = {"ns": self._namespace, "digests": list(chunk)}
                    found = await session.fetch(statements.erased_among, among)
                    erased.update(digests[row[0]] for row in found)
                stones: dict[str, bool] = {}
                for chunk in _chunks(named, self._chunk):
                    among = {"ns": self._namespace, "ids": list(chunk)}
                    for row in await session.fetch(statements.tombstoned, among):
                        stones[str(row[0])] = bool(row[1])
                for datum in batch:
                    known = held.get(datum.id)
                    hidden = not known[1] if known is not None else stones.get(datum.id, False)
                    if datum.id in erased or hidden:
                        raise refuse_forgotten(self._namespace, datum.id)
                stored = {datum_id: datum for datum_id, (datum, _) in held.items()}
                present: set[str] = set(stones) | erased
                for chunk in _chunks(parents, self._chunk):
                    params = {"ns": self._namespace, "ids": list(chunk)}
                    present.update(
                        row[0] for row in await session.fetch(statements.present, params)
                    )
                fresh = plan_batch(batch, stored, present)
                if fresh:
                    await self._insert(session, fresh)
                    expiring = [d.id for d in fresh if expiry_of[d.id] is not None]
                    await self._expire(session, expiring, [expiry_of[i] for i in expiring])
            return [stored.get(datum.id, datum) for datum in batch]

        return await self._run("put_many", write, writes=True)

    async def _insert_each(
        self,
        session: Session,
        batch: builtins.list[Datum],
        rows: builtins.list[dict[str, Any]],
        expiry_of: Mapping[str, float | None],
    ) -> builtins.list[Datum]:
        """A few new datums, each by its conditional insert, in one transaction: a round trip
        each instead of the reads of the general path; ``_NotAllNew`` (rolled back) when one
        did not insert (stored already, refused, or a child before its parent)."""
        statements = self._statements
        async with session.atomic():
            now = self._clock()
            for row in rows:
                if not await session.fetch(statements.insert_one, {**row, "now": now}):
                    raise _NotAllNew
            expiring = [d.id for d in batch if expiry_of[d.id] is not None]
            await self._expire(session, expiring, [expiry_of[i] for i in expiring])
        return batch

    async def _fetch_many(
        self, session: Session, ids: Sequence[str], *, include_hidden: bool = False
    ) -> builtins.list[Datum]:
        found: builtins.list[Datum] = []
        statement = self._reading(include_hidden).get_many
        now = self._clock()
        for chunk in _chunks(ids, self._chunk):
            params = {"ns": self._namespace, "ids": list(chunk), "now": now}
            found += _datums(await session.fetch(statement, params))
        return found

    async def _held(
        self, session: Session, ids: Sequence[str], now: float
    ) -> dict[str, tuple[Datum, bool]]:
        """The stored datums among ``ids``, each with whether it is shown at ``now``."""
        held: dict[str, tuple[Datum, bool]] = {}
        for chunk in _chunks(ids, self._chunk):
            params = {"ns": self._namespace, "ids": list(chunk), "now": now}
            for row in await session.fetch(self._statements.held, params):
                held[row[0]] = (_datum(row[:5]), bool(row[5]))
        return held

    async def _tombstones(
        self,
        session: Session,
        ids: Sequence[str],
        hides: Sequence[float],
        forgotten_at: float | None,
    ) -> set[str]:
        """Write tombstones (``forgotten_at``: a forgetting; ``None``: expiry times); the ids
        whose tombstone this wrote or turned into a forgetting."""
        statement = self._statements.tombstone
        written: set[str] = set()
        if not ids:
            return written
        if self._statements.postgres:
            params: Any = {
                "ns": self._namespace,
                "ids": list(ids),
                "hides": list(hides),
                "forgotten_at": forgotten_at,
            }
            written.update(row[0] for row in await session.fetch(statement, params))
            return written
        rows = [
            {"ns": self._namespace, "datum_id": i, "hides_at": h, "forgotten_at": forgotten_at}
            for i, h in zip(ids, hides, strict=True)
        ]
        written.update(row[0] for row in await session.fetch(statement, rows))
        return written

    async def _expire(
        self, session: Session, ids: Sequence[str], expiries: Sequence[float | None]
    ) -> None:
        """Record the expiry times of datums just stored."""
        times = [float(at) for at in expiries if at is not None]
        await self._tombstones(session, ids, times, None)

    def _arrays(self, batch: Sequence[Datum]) -> dict[str, Any]:
        """The parameters of a PostgreSQL batch: the namespace, and an array per column."""
        rows = [self._row(datum) for datum in batch]
        arrays: dict[str, Any] = {"ns": self._namespace}
        for name, column, _ in BATCH_ARRAYS:
            arrays[name] = [row[column] for row in rows]
        return arrays

    async def _insert(self, session: Session, fresh: Sequence[Datum]) -> None:
        statement = self._statements.insert_many
        if self._statements.postgres:
            arrays = self._arrays(fresh)
            inserted = {row[0] for row in await session.fetch(statement, arrays)}
        else:
            rows = [self._row(datum) for datum in fresh]
            inserted = {row[0] for row in await session.fetch(statement, rows)}
        raced = [datum for datum in fresh if datum.id not in inserted]
        if raced:
            # another writer stored these ids since we looked: theirs must equal ours
            raced_ids = [d.id for d in raced]
            held = {
                d.id: d for d in await self._fetch_many(session, raced_ids, include_hidden=True)
            }
            for datum in raced:
                if held[datum.id] != datum:
                    raise refuse_change(held[datum.id], datum)

    async def set_ref(self, name: str, datum_id: str, *, expected: str | None = None) -> None:
        """Point ``name`` at ``datum_id`` if it still points at ``expected`` (compare-and-set):
        one conditional ``INSERT`` (``expected=None``; then an ``UPDATE`` of a ref naming a
        hidden datum, which reads as unset) or ``UPDATE``."""
        check_name(name)
        check_lookup(datum_id)
        check_expected(expected)

        async def swap(session: Session) -> None:
            await self._swap(session, name, datum_id, expected)

        await self._run("set_ref", swap, writes=True)

    async def _swap(self, session: Session, name: str, datum_id: str, expected: str | None) -> None:
        """The compare-and-set of ``set_ref``, in ``session``."""
        statements = self._statements
        bindable = _storable(datum_id) and (expected is None or _storable(expected))
        ref = {"ns": self._namespace, "ref": name, "target": datum_id, "now": self._clock()}
        while True:
            if bindable:
                if expected is None:
                    moved = await session.fetch(statements.create_ref, ref)
                    if not moved:
                        moved = await session.fetch(statements.revive_ref, ref)
                else:
                    moved = await session.fetch(statements.move_ref, {**ref, "expected": expected})
                if moved:
                    return
            target = ref if _storable(datum_id) else {**ref, "target": ""}
            known, current = (await session.fetch(statements.ref_state, target))[0]
            if not known:
                raise UnknownDatum(f"ref {name!r} cannot point at {datum_id!r}: no such datum")
            if current != expected or not bindable:
                raise refuse_swap(name, current, expected)
            # the ref moved back to ``expected`` between the two statements: try again

    # reads

    async def get(self, datum_id: str, *, include_hidden: bool = False) -> Datum | None:
        """The datum with this id, or ``None`` (hidden ones only with ``include_hidden``): one
        indexed query, shared with the gets that arrive while it runs (see
        :mod:`~dualtrack.memory.sql.reads`)."""
        if not _storable(check_lookup(datum_id)):
            return None
        if include_hidden:
            found = await self._rows("get", self._everything.get_one, self._key(datum_id))
            return found[0] if found else None
        return await self._reads.load(datum_id)

    def _get_one(self, datum_id: str) -> Awaitable[Datum | None]:
        statement, params = self._statements.get_one, self._key(datum_id)

        async def read(session: Session) -> Datum | None:
            rows = await session.fetch(statement, params)
            return Datum.trusted(*rows[0]) if rows else None

        return self._run("get", read, writes=False)

    async def _get_many(self, ids: Sequence[str]) -> dict[str, Datum]:
        async def read(session: Session) -> builtins.list[Datum]:
            return await self._fetch_many(session, ids)

        return {datum.id: datum for datum in await self._run("get", read, writes=False)}

    async def exists(self, datum_id: str, *, include_hidden: bool = False) -> bool:
        """Whether the store shows a datum with this id."""
        if not _storable(check_lookup(datum_id)):
            return False
        statement, params = self._reading(include_hidden).exists_one, self._key(datum_id)

        async def read(session: Session) -> bool:
            return bool(await session.fetch(statement, params))

        return await self._run("exists", read, writes=False)

    async def count(self, *, include_hidden: bool = False) -> int:
        """How many datums the store shows."""
        params = {"ns": self._namespace, "now": self._clock()}
        statement = self._reading(include_hidden).count

        async def read(session: Session) -> int:
            return int((await session.fetch(statement, params))[0][0])

        return await self._run("count", read, writes=False)

    def _page_query(
        self,
        query: ListQuery,
        position: Position | None,
        limit: int | None,
        vectors: bool,
        *,
        include_hidden: bool = False,
        keys: bool = False,
    ) -> tuple[Any, dict[str, Any]] | None:
        """The statement and parameters of one page, or ``None`` when nothing can match
        (``keys``: the ``(id, created_at)`` of datums not forgotten yet, hidden or not)."""
        params: dict[str, Any] = {"ns": self._namespace, "now": self._clock()}
        end = None
        if query.prefix is not None:
            if not _storable(query.prefix):
                return None
            end = prefix_end(query.prefix)
            params["low"] = query.prefix
            if end is not None:
                params["high"] = end
        if query.after is not None:
            params["after"] = query.after
        if query.before is not None:
            params["before"] = query.before
        if query.metadata:
            if self._statements.postgres:
                params["facets"] = filter_json(query.metadata)
            for place, (name, value) in enumerate(query.metadata):
                params[f"key{place}"] = facet_key(name)
                params[f"value{place}"] = value
        if position is not None:
            if not _storable(position[1]):
                raise InvalidCursor("cursor names an id no store can hold")
            params["at"], params["at_id"] = position
        if limit is not None:
            params["limit"] = limit
        shape = PageShape(
            prefix=query.prefix is not None,
            upper=end is not None,
            after=query.after is not None,
            before=query.before is not None,
            filters=len(query.metadata),
            position=position is not None,
            order=query.order,
            limit=limit is not None,
            vectors=vectors,
            keys=keys,
        )
        return self._reading(include_hidden or keys).page(shape), params

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
        """One keyset page of the datums shown, matching every filter, in ``(created_at, id)``
        order."""
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
        planned = self._page_query(
            query,
            position,
            None if size is None else size + 1,
            False,
            include_hidden=include_hidden,
        )
        if planned is None:
            await self._started()
            return Page((), None)
        rows = await self._rows("list", *planned)
        return Page.cut(query, rows, size)

    async def scan(
        self, *, batch_size: int = 1000, include_hidden: bool = False
    ) -> AsyncIterator[Datum]:
        """Every datum shown, in ``(created_at, id)`` order, one keyset page at a time."""
        check_batch_size(batch_size)
        query = ListQuery.of()
        position: Position | None = None
        while True:
            planned = self._page_query(
                query, position, batch_size, False, include_hidden=include_hidden
            )
            assert planned is not None
            page = await self._rows("scan", *planned)
            for datum in page:
                yield datum
            if len(page) < batch_size:
                return
            position = (page[-1].created_at, page[-1].id)

    def scan_causal(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        """Every datum shown, each after its causal parent, one keyset page at a time (see
        :mod:`dualtrack.memory.causal`); a datum whose parent is hidden comes in scan order."""
        check_batch_size(batch_size)
        return causal_stream(self._causal_pages(batch_size))

    async def _causal_pages(
        self, batch_size: int
    ) -> AsyncIterator[builtins.list[tuple[Datum, bool | None]]]:
        statement = self._statements.causal_first
        params: dict[str, Any] = {"ns": self._namespace, "limit": batch_size, "now": self._clock()}
        while True:
            rows = await self._fetched("scan_causal", statement, params)
            yield [(Datum.trusted(*row[:5]), bool(row[5])) for row in rows]
            if len(rows) < batch_size:
                return
            statement = self._statements.causal_next
            params = {**params, "at": rows[-1][2], "at_id": rows[-1][0]}

    async def _fetched(
        self, where: str, statement: Any, params: Mapping[str, Any]
    ) -> Sequence[Sequence[Any]]:
        async def read(session: Session) -> Sequence[Sequence[Any]]:
            return await session.fetch(statement, params)

        return await self._run(where, read, writes=False)

    async def causal_chain(self, datum_id: str, *, include_hidden: bool = False) -> Chain:
        """The shown ancestors of ``datum_id``, root first, ending with it, cut just after a
        missing one (see :class:`Chain`): one recursive query."""
        if not _storable(check_lookup(datum_id)):
            return Chain()
        statement = self._reading(include_hidden).chain
        return Chain(await self._rows("causal_chain", statement, self._key(datum_id)))

    async def children(
        self, datum_id: str, *, include_hidden: bool = False
    ) -> builtins.list[Datum]:
        """The shown datums whose causal parent is ``datum_id``, in ``(created_at, id)``
        order."""
        if not _storable(check_lookup(datum_id)):
            return []
        statement = self._reading(include_hidden).children
        return await self._rows("children", statement, self._key(datum_id))

    async def search(
        self,
        text: str,
        *,
        limit: int = 10,
        metadata: Mapping[str, Any] | None = None,
        include_hidden: bool = False,
    ) -> builtins.list[SearchHit]:
        """The ``limit`` shown datums most similar to ``text``, best first: ranks every stored
        vector of the namespace that passes the filter, first embedding and storing those of
        the datums it reads that no search has read before."""
        check_text(text)
        size = check_top(limit)
        query = ListQuery.of(metadata=metadata)
        (wanted,) = await embed_packed(self._embedder, [text])
        planned = self._page_query(query, None, None, True, include_hidden=include_hidden)
        assert planned is not None
        statement, params = planned

        async def read(session: Session) -> Sequence[Sequence[Any]]:
            return await session.fetch(statement, params)

        rows = await self._run("search", read, writes=False)
        candidates = [(row[0], row[1], row[2]) for row in rows if row[2]]  # NOT_TEXT is b""
        if len(candidates) > _THREAD_RANKING:
            best = await asyncio.to_thread(top_matches, wanted, candidates, size)
        else:
            best = top_matches(wanted, candidates, size)
        unindexed = [(row[0], row[1], row[3]) for row in rows if row[2] is None]
        if unindexed:
            fresh = await self._index(unindexed)
            best = best_of([*best, *top_matches(wanted, fresh, size)], size)
        if not best:
            return []

        async def fetch(session: Session) -> builtins.list[Datum]:
            ids = [datum_id for _, _, datum_id in best]
            return await self._fetch_many(session, ids, include_hidden=True)

        found = {datum.id: datum for datum in await self._run("search", fetch, writes=False)}
        return [SearchHit(found[i], score) for score, _, i in best if i in found]

    async def _index(self, unindexed: builtins.list[Unindexed]) -> builtins.list[Indexed]:
        """Embed and store the vectors of datums no search has read yet (see
        :mod:`dualtrack.memory.indexing`)."""
        statement = self._statements.unindexed_among

        async def contents(ids: builtins.list[str]) -> builtins.list[tuple[str, bytes]]:
            rows: builtins.list[tuple[str, bytes]] = []
            for chunk in _chunks(ids, self._chunk):
                among = {"ns": self._namespace, "ids": list(chunk)}
                found = await self._fetched("search", statement, among)
                rows += [(str(row[0]), row[1]) for row in found]
            return rows

        return await index_unindexed(self._embedder, unindexed, contents, self._store_vectors)

    async def _store_vectors(self, pairs: builtins.list[tuple[str, bytes]]) -> None:
        """Write ``(id, vector)`` pairs to datums still unindexed (one statement on
        PostgreSQL, one parameter set per datum on SQLite)."""
        statement = self._statements.set_vectors
        params: Any
        if self._statements.postgres:
            ids, vectors = [i for i, _ in pairs], [v for _, v in pairs]
            params = {"ns": self._namespace, "ids": ids, "vectors": vectors}
        else:
            params = [{"ns": self._namespace, "datum_id": i, "new_vector": v} for i, v in pairs]

        async def write(session: Session) -> None:
            await session.fetch(statement, params)

        await self._run("search", write, writes=True)

    async def get_ref(self, name: str, *, include_hidden: bool = False) -> str | None:
        """The datum id the ref ``name`` points at, or ``None`` if it was never set or names a
        hidden datum; with ``include_hidden``, whatever the ref holds."""
        params = {"ns": self._namespace, "ref": check_name(name), "now": self._clock()}
        statement = self._reading(include_hidden).get_ref

        async def read(session: Session) -> str | None:
            rows = await session.fetch(statement, params)
            return str(rows[0][0]) if rows else None

        return await self._run("get_ref", read, writes=False)

    async def list_refs(
        self, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[tuple[str, str]]:
        """``(name, datum id)`` of the refs named after ``after``, in name order (refs naming
        a hidden datum read as unset, as in ``get_ref``)."""
        check_ref_page(after, limit)
        params: dict[str, Any] = {
            "ns": self._namespace,
            "after": after,
            "limit": limit,
            "now": self._clock(),
        }
        statement = self._statements.ref_pages[(after is not None, limit is not None)]
        rows = await self._fetched("list_refs", statement, params)
        return [(str(name), str(target)) for name, target in rows]

    async def namespaces(self) -> builtins.list[str]:
        """The namespaces of this database (in this store's schema) holding a datum or a ref:
        one index lookup per namespace."""
        rows = await self._fetched("namespaces", self._statements.namespaces, {})
        return [str(row[0]) for row in rows]

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
        statements = self._statements

        async def hide(session: Session) -> builtins.list[str]:
            async with session.atomic():
                chosen: builtins.list[Sequence[Any]] = []
                unheld: builtins.list[str] = []
                if selection.ids is not None:
                    wanted = [i for i in selection.ids if _storable(i)]
                    digests = {id_digest(i): i for i in wanted}
                    gone: set[str] = set()
                    held: set[str] = set()
                    for chunk in _chunks(wanted, self._chunk):
                        params = {"ns": self._namespace, "ids": list(chunk)}
                        chosen += await session.fetch(statements.forgettable, params)
                        held.update(
                            row[0] for row in await session.fetch(statements.present, params)
                        )
                    for chunk in _chunks(sorted(digests), self._chunk):
                        among = {"ns": self._namespace, "digests": list(chunk)}
                        found = await session.fetch(statements.erased_among, among)
                        gone.update(digests[row[0]] for row in found)
                    unheld = [i for i in wanted if i not in held and i not in gone]
                elif selection.ref is not None:
                    params = {"ns": self._namespace, "ref": selection.ref}
                    chosen += await session.fetch(statements.ref_history, params)
                else:
                    planned = self._page_query(selection.as_query(), None, None, False, keys=True)
                    if planned is not None:
                        chosen += await session.fetch(*planned)
                when = {str(row[0]): float(row[1]) for row in chosen}
                ids = sorted(when)
                now = self._clock()
                written = await self._tombstones(session, ids, [NEVER] * len(ids), now)
                await self._tombstones(session, unheld, [NEVER] * len(unheld), now)
            return sorted(written, key=lambda i: (when[i], i))

        return await self._run("forget", hide, writes=True)

    async def refresh_statistics(self) -> None:
        """Let PostgreSQL's planner see this store's tables as they are now (``ANALYZE``).

        ``copy_namespace`` calls it after a bulk load. Autovacuum does the same in time on most
        servers; where it is off or behind, the planner takes a freshly loaded table for an
        empty one and may scan it once per row (a 100,000-datum ``truncations()`` took
        minutes). SQLite plans from its indexes alone, so there this does nothing."""
        if not self._statements.postgres:
            return
        preparer = self._engine.dialect.identifier_preparer
        tables = self._tables
        statements = [
            text(f"ANALYZE {preparer.format_table(table)}")
            for table in (tables.datums, tables.tombstones, tables.refs)
        ]

        async def analyze(session: Session) -> None:
            for statement in statements:
                await session.fetch(statement, {})

        await self._run("refresh_statistics", analyze, writes=True)

    async def truncations(self) -> builtins.list[str]:
        """The ids at which shown chains stop: parents of shown datums that are not shown."""
        params = {"ns": self._namespace, "now": self._clock()}
        rows = await self._fetched("truncations", self._statements.truncations, params)
        return [str(row[0]) for row in rows]

    async def set_lifetime(self, seconds: float | None) -> None:
        """Hide every datum of the namespace once ``created_at <= now - seconds``."""
        lifetime = check_lifetime(seconds)
        statements = self._statements

        async def store(session: Session) -> None:
            if lifetime is None:
                await session.fetch(statements.drop_lifetime, {"ns": self._namespace})
            else:
                params = {"ns": self._namespace, "lifetime": lifetime}
                await session.fetch(statements.set_lifetime, params)

        await self._run("set_lifetime", store, writes=True)

    async def lifetime(self) -> float | None:
        """The namespace lifetime in seconds, or ``None``."""
        params = {"ns": self._namespace}
        rows = await self._fetched("lifetime", self._statements.get_lifetime, params)
        return float(rows[0][0]) if rows else None

    async def state_of(self, datum_id: str) -> DatumState:
        """Where ``datum_id`` stands: live, forgotten, expired, erased or unknown."""
        if not _storable(check_lookup(datum_id)):
            return "unknown"
        rows = await self._fetched("state_of", self._statements.state, self._key(datum_id))
        if rows:
            shown, forgotten = rows[0]
            return "forgotten" if forgotten else "live" if shown else "expired"
        key = {"ns": self._namespace, "ids": [datum_id]}
        stones = await self._fetched("state_of", self._statements.tombstoned, key)
        if stones and stones[0][1]:
            return "forgotten"
        params = {"ns": self._namespace, "digests": [id_digest(datum_id)]}
        erased = await self._fetched("state_of", self._statements.erased_among, params)
        return "erased" if erased else "unknown"

    async def compact(
        self, policy: CompactionPolicy | None = None, *, dry_run: bool = False
    ) -> CompactionReceipt:
        """Remove hidden datums (and what ``policy`` prunes) with their vectors and refs in
        one transaction, then vacuum as the policy says (see
        :mod:`dualtrack.memory.sql.compaction`)."""
        chosen = check_policy(policy, dry_run)
        await self._started()
        compaction = Compaction(self._tables, self._statements, self._namespace)

        async def plan(session: Session) -> tuple[CompactionReceipt, int | None]:
            return await compaction.run(session, self._clock(), chosen, dry_run=dry_run)

        before = await compaction.size(self._engine)
        done, xid = await self._run("compact", plan, writes=not dry_run, bounded=False)
        if dry_run:
            return done.sized(before, None)
        erased = await compaction.reclaim(
            self._engine, chosen.vacuum, self._caller is not None, xid
        )
        return done.sized(before, await compaction.size(self._engine), erased)

    @property
    def tables(self) -> SQLTables:
        """The tables this store uses (placed in its ``schema``)."""
        return self._tables

    def focus(
        self, ref: str, optic: Optic[K, bytes, A], *, initial: bytes | None = None
    ) -> View[K, A]:
        """A lens view of the datum ``ref`` points at (see :mod:`dualtrack.memory.views`)."""
        return View(self, ref, optic, initial)

    async def close(self) -> None:
        """Let writes in progress finish, then give back the connections this store holds
        (disposing the engine if it owns it). Called on another loop than a PostgreSQL
        store's own, it has that loop do it if it still runs (in another thread), waiting for
        it a few seconds at most; else it takes the connections out of the pool unclosed,
        since nothing can reach them any more."""
        if self._closed:
            return
        home = self._home
        if home is not None and home is not asyncio.get_running_loop():
            self._closed = True
            if home.is_running():
                with contextlib.suppress(RuntimeError):  # raised when that loop has closed
                    there = asyncio.wrap_future(
                        asyncio.run_coroutine_threadsafe(self._release(), home)
                    )
                    # bounded: that loop's thread may itself be waiting for this one
                    await asyncio.wait([there], timeout=_HANDOFF)
                    return
            self._sessions.drop()
            if self._dispose:
                await self._engine.dispose(close=False)
            return
        self._closed = True
        await self._release()

    async def _release(self) -> None:
        if self._unfinished:
            await asyncio.gather(*self._unfinished, return_exceptions=True)
        await self._sessions.close()
        if self._dispose:
            await self._engine.dispose()
