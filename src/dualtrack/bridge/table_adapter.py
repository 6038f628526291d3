"""``TableAdapter``: a typed application table seen through ``DgentProtocol`` (the seed's
Pattern 1, the bridge functor from application state to agent memory)."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from functools import partial
from typing import Any, NoReturn, TypeVar

from sqlalchemy import ColumnElement, Insert, bindparam, exists, func, insert, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError, UnboundExecutionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dualtrack.bridge.chain_query import ancestry, root_first
from dualtrack.bridge.put_plan import NewRow, plan_puts
from dualtrack.bridge.refs_table import refs_table
from dualtrack.bridge.row_codec import FieldChoice, RowCodec
from dualtrack.bridge.table_cursor import decode_position, encode_position
from dualtrack.bridge.table_listing import (
    causal_page_statement,
    children_statement,
    page_statement,
    position_of,
)
from dualtrack.bridge.table_search import VectorCache, best_rows
from dualtrack.bridge.table_state import TableStateBackend
from dualtrack.errors import (
    BackendUnavailable,
    ConflictError,
    DualtrackError,
    InvalidArgument,
    InvalidRow,
    RetentionUnsupported,
    UnknownDatum,
)
from dualtrack.memory.causal import causal_stream
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
    refuse_closed,
    refuse_swap,
)
from dualtrack.memory.cursor import Page
from dualtrack.memory.datum import Datum
from dualtrack.memory.embedder import HashedNgramEmbedder
from dualtrack.memory.limits import holdable
from dualtrack.memory.protocol import Embedder, SearchHit
from dualtrack.memory.query import ListQuery, Order, check_filter, check_limit, matches_filter
from dualtrack.memory.sql.errors import MAX_RETRIES, describe, is_transient, pause
from dualtrack.memory.views import View
from dualtrack.optics import Optic

K = TypeVar("K", covariant=True)
A = TypeVar("A")
T = TypeVar("T")

#: Rows per query when ``search`` reads the table.
SEARCH_PAGE = 500


class _Collided(Exception):
    """An INSERT met a key written since the batch was planned, which held ``known`` of the
    batch's rows: plan again, as long as each plan finds more of them stored."""

    def __init__(self, message: str, known: int) -> None:
        super().__init__(message)
        self.known = known


class TableAdapter:
    """Any SQLAlchemy mapped model's table as an agent-memory store.

    ``TableAdapter(model=Crystal, session_factory=async_sessionmaker(engine))`` reads each row
    as a :class:`~dualtrack.memory.datum.Datum` and writes datums as rows (see
    :mod:`dualtrack.bridge.row_codec` for the mapping): ``id`` is the key column (``id_field``,
    by default the primary key), ``causal_parent`` the parent column (``parent_field``: by
    default the one column with a foreign key to the key, else the one nullable column named
    ``causal_parent`` or ``parent_id`` of the key's type; ``None`` for none), ``created_at``
    the time column (``time_field``: by default a NOT NULL ``created_at`` DateTime; ``None`` for
    none), ``content`` the other columns as canonical JSON, and ``metadata`` always
    ``{"source": "alembic", "table": <table name>}``. ``causal_chain`` is one recursive query;
    ``list`` pages by keyset over ``(time column, key)``; ``search`` embeds row JSON with
    ``embedder``; refs live in the adapter's own table (:mod:`dualtrack.bridge.refs_table`),
    since lens views (:meth:`focus`) and anything that moves need them.

    Writes are Core ``INSERT ... RETURNING`` statements in one transaction per call, after the
    model's ``@validates`` hooks (ORM flush events do not run). A refused write leaves the
    table as it was. A value is refused only when the database the sessions are bound to cannot
    hold it in that column (PostgreSQL's ``jsonb`` and a NUL character; SQLite's float-stored
    ``Numeric`` and a 20-digit decimal), and the message names the database and the column, so
    every row the table holds, however it was written, can be read and written back. Sessions
    bound only as they run leave the adapter the portable rules, which every database keeps.

    **What is lossy on a typed table, and why.** The protocol describes free-form memory; a
    table holds typed rows that other code also writes.

    * ``metadata`` is not kept: a row has no place for it. Every datum comes back with the
      source tags only (the seed's provenance).
    * ``created_at`` is the time column as float seconds (microsecond-exact only within about
      136 years of 1970), or 0.0 without one; a datum's ``created_at`` only fills the time
      column when its content leaves that column out.
    * ``content`` must be a JSON object that fits the table; it is stored as typed values and
      comes back in canonical spelling (column order, sorted JSON keys, datetimes in UTC, the
      shortest decimal text, ``-0.0`` as ``0.0``, ``CHAR`` without padding and 32-bit floats
      rounded on PostgreSQL). Content that went through the table once round-trips byte for
      byte.
    * Append-only holds only for writes through adapters: application code may UPDATE or
      DELETE rows, and then a datum id names new content, or nothing.
    * ``search`` reads and embeds the whole table on each call (vectors are remembered by
      content), since the table has no vector column; ties in ``list`` order break on the
      key's own order (numeric for integer keys).

    >>> import asyncio, tempfile
    >>> from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
    >>> from dualtrack.app.models import Base, Crystal
    >>> async def demo(path):
    ...     engine = create_async_engine(f"sqlite+aiosqlite:///{path}/brain.db")
    ...     async with engine.begin() as connection:
    ...         await connection.run_sync(Base.metadata.create_all)
    ...     adapter = TableAdapter(model=Crystal, session_factory=async_sessionmaker(engine))
    ...     root = await adapter.put(Datum(id="c1", content=b'{"content_hash": "h", '
    ...         b'"summary": "first", "tags": ["t"], "datum_id": "d1"}', created_at=1.7e9))
    ...     await adapter.put(root.derive(root.content.replace(b"first", b"second")))
    ...     child = (await adapter.children("c1"))[0]
    ...     chain = await adapter.causal_chain(child.id)
    ...     await engine.dispose()
    ...     return [d.id == "c1" for d in chain], dict(child.metadata)
    >>> with tempfile.TemporaryDirectory() as path:
    ...     asyncio.run(demo(path))
    ([True, False], {'source': 'alembic', 'table': 'crystals'})
    """

    def __init__(
        self,
        model: type[Any],
        session_factory: async_sessionmaker[AsyncSession],
        *,
        id_field: str | None = None,
        parent_field: FieldChoice = "auto",
        time_field: FieldChoice = "auto",
        embedder: Embedder | None = None,
        dispose_engine: bool = False,
    ) -> None:
        if not callable(session_factory):
            raise InvalidArgument(
                "session_factory must make AsyncSessions, e.g. async_sessionmaker(engine)"
            )
        self._codec = RowCodec(
            model,
            id_field=id_field,
            parent_field=parent_field,
            time_field=time_field,
            dialect=_bound_dialect(session_factory, model),
        )
        self._sessions = session_factory
        self._vectors = VectorCache(embedder or HashedNgramEmbedder())
        self._refs = refs_table(self._codec.table.schema)
        self._refs_ready = False
        self._dispose_engine = dispose_engine
        self._closed = False
        key = self._codec.key.column
        table = self._codec.table
        self._by_key = select(table).where(key == bindparam("key"))
        self._by_keys = select(table).where(key.in_(bindparam("keys", expanding=True)))
        self._insert = insert(table).returning(*table.columns, sort_by_parameter_order=True)
        self._typed_inserts: dict[frozenset[str], Insert] = {}

    def __repr__(self) -> str:
        return f"TableAdapter({self._codec.model.__name__}, table={self.namespace!r})"

    async def __aenter__(self) -> TableAdapter:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    @property
    def namespace(self) -> str:
        """The adapted table's name (with its schema, if any): a table is a namespace."""
        return str(self._codec.table.fullname)

    @property
    def model(self) -> type[Any]:
        """The mapped model class."""
        return self._codec.model

    @property
    def codec(self) -> RowCodec:
        """The row/datum mapping (``codec.datum(row)`` and friends, no database needed)."""
        return self._codec

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        """The factory of the sessions the adapter runs its statements in."""
        return self._sessions

    # -- running statements ---------------------------------------------------------------

    async def run_transaction(self, what: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """``work(session)`` in one transaction of a new session, run again after a transient
        conflict (serialization failure, deadlock, SQLite busy); other database errors become
        :class:`InvalidRow` (a refused row) or :class:`BackendUnavailable`. ``what`` names the
        operation in messages."""
        if self._closed:
            raise refuse_closed(self)
        for attempt in range(MAX_RETRIES + 1):
            try:
                async with self._sessions() as session, session.begin():
                    return await work(session)
            except DBAPIError as error:
                if is_transient(error) and attempt < MAX_RETRIES:
                    await pause(attempt)
                    continue
                raise self._failure(what, error) from error
            except OSError as error:
                raise BackendUnavailable(
                    f"{what} on {self.namespace} failed: {describe(error)}"
                ) from error
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _failure(self, what: str, error: DBAPIError) -> DualtrackError:
        if isinstance(error, IntegrityError) or type(error).__name__ == "DataError":
            return InvalidRow(
                f"{self.namespace} refused the {what}: {describe(error)}; the table is unchanged"
            )
        return BackendUnavailable(
            f"{what} on {self.namespace} failed: {describe(error)}; check that the database "
            "runs and the table exists (run your migrations)"
        )

    @staticmethod
    def _dialect(session: AsyncSession) -> str:
        return session.get_bind().dialect.name

    # -- writes -----------------------------------------------------------------------------

    async def put(self, datum: Datum) -> Datum:
        """Store ``datum`` as a row (idempotent; a different row under its id is refused)."""
        return (await self.put_many([check_datum(datum)]))[0]

    async def put_many(self, datums: Iterable[Datum]) -> builtins.list[Datum]:
        """Store every datum as a row in one transaction, or none of them; return them as
        stored (canonical content, the row's time, the source tags)."""
        batch = check_batch(datums)
        if not batch:
            return []
        known = -1
        while True:
            try:
                return await self.run_transaction(
                    "put", lambda session: self._write(session, batch)
                )
            except _Collided as error:
                if error.known <= known:  # no racing writer stored more: a constraint refused
                    raise InvalidRow(
                        f"{self.namespace} refused the put: {error}; the table is unchanged"
                    ) from None
                known = error.known  # racing writers stored some ids: plan against them

    async def _write(
        self, session: AsyncSession, batch: builtins.list[Datum]
    ) -> builtins.list[Datum]:
        codec = self._codec
        wanted = {datum.id for datum in batch}
        wanted.update(datum.causal_parent for datum in batch if datum.causal_parent is not None)
        keys = [key for key in map(codec.key.lookup, wanted) if key is not None]
        found = (await session.execute(self._by_keys, {"keys": keys})).all()
        stored = {codec.key.text(row._mapping[codec.key.column]): row._mapping for row in found}
        rows = dict(stored)
        for run in _runs(plan_puts(codec, batch, stored)):
            params = [codec.bound(new.values) for new in run]
            try:
                inserted = (await session.execute(self._insert_for(params[0]), params)).all()
            except IntegrityError as error:
                raise _Collided(describe(error), len(stored)) from error
            for new, row in zip(run, inserted, strict=True):
                rows[new.datum.id] = row._mapping
        return [codec.datum(rows[datum.id]) for datum in batch]

    def _insert_for(self, params: Mapping[str, Any]) -> Insert:
        """The multi-row INSERT for parameters with ``params``' keys: the plain one, unless a
        column must be bound with a type of its own (see ``RowCodec.parameter_types``)."""
        types = self._codec.parameter_types
        typed = frozenset(key for key in params if key in types)
        if not typed:
            return self._insert
        statement = self._typed_inserts.get(typed)
        if statement is None:
            table = self._codec.table
            statement = (
                insert(table)
                .values({key: bindparam(key, type_=types[key]) for key in typed})
                .returning(*table.columns, sort_by_parameter_order=True)
            )
            self._typed_inserts[typed] = statement
        return statement

    # -- reads ------------------------------------------------------------------------------

    async def get(self, datum_id: str) -> Datum | None:
        """The row keyed ``datum_id`` as a datum, or ``None``."""
        key = self._codec.key.lookup(check_lookup(datum_id))
        if key is None:
            return None

        async def read(session: AsyncSession) -> Datum | None:
            row = (await session.execute(self._by_key, {"key": key})).first()
            return None if row is None else self._codec.datum(row._mapping)

        return await self.run_transaction("get", read)

    async def exists(self, datum_id: str) -> bool:
        """Whether a row is keyed ``datum_id``."""
        key = self._codec.key.lookup(check_lookup(datum_id))
        if key is None:
            return False
        statement = select(exists().where(self._codec.key.column == key))

        async def read(session: AsyncSession) -> bool:
            return bool(await session.scalar(statement))

        return await self.run_transaction("exists", read)

    async def count(self) -> int:
        """How many rows the table holds."""
        statement = select(func.count()).select_from(self._codec.table)

        async def read(session: AsyncSession) -> int:
            return int(await session.scalar(statement) or 0)

        return await self.run_transaction("count", read)

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
    ) -> Page:
        """One page of rows matching every filter, in ``(created_at, id)`` order."""
        query = ListQuery.of(
            prefix=prefix,
            after=after,
            before=before,
            metadata=metadata,
            order=order,
            scope=self.namespace,
        )
        size = check_limit(limit, None)
        position = decode_position(query, cursor)
        if not self._tagged_as(query.metadata):
            return Page((), None)
        if query.prefix is not None and not holdable(query.prefix):
            return Page((), None)  # no key starts with text no id can hold
        codec = self._codec

        async def read(session: AsyncSession) -> Page:
            statement = page_statement(codec, query, position, size, self._dialect(session))
            rows = [row._mapping for row in (await session.execute(statement)).all()]
            kept = rows if size is None else rows[:size]
            datums = tuple(codec.datum(row) for row in kept)
            if size is None or len(rows) <= size:
                return Page(datums, None)
            return Page(datums, encode_position(query, position_of(codec, kept[-1])))

        return await self.run_transaction("list", read)

    def _tagged_as(self, pairs: tuple[tuple[str, str], ...]) -> bool:
        probe = Datum.trusted("probe", b"", 0.0, None, self._codec.metadata_json)
        return matches_filter(probe, pairs)

    async def scan(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        """Every row in ``(created_at, id)`` order, fetched ``batch_size`` at a time."""
        check_batch_size(batch_size)
        async for page in self._pages(batch_size):
            for datum in page:
                yield datum

    async def _pages(self, size: int) -> AsyncIterator[builtins.list[Datum]]:
        cursor: str | None = None
        while True:
            page = await self.list(limit=size, cursor=cursor)
            if page.items:
                yield list(page.items)
            cursor = page.cursor
            if cursor is None:
                return

    def scan_causal(self, *, batch_size: int = 1000) -> AsyncIterator[Datum]:
        """Every row, each after its parent row, ``batch_size`` rows per query (see
        :mod:`dualtrack.memory.causal`)."""
        check_batch_size(batch_size)
        if self._codec.parent_field is None:
            return self.scan(batch_size=batch_size)
        return causal_stream(self._causal_pages(batch_size))

    async def _causal_pages(
        self, size: int
    ) -> AsyncIterator[builtins.list[tuple[Datum, bool | None]]]:
        codec = self._codec

        async def read(session: AsyncSession, after: Any) -> builtins.list[Any]:
            statement = causal_page_statement(codec, after, size, self._dialect(session))
            return [row._mapping for row in (await session.execute(statement)).all()]

        position = None
        while True:
            rows = await self.run_transaction("scan_causal", partial(read, after=position))
            kept = rows[:size]
            yield [(codec.datum(row), bool(row["parent_first"])) for row in kept]
            if len(rows) <= size:
                return
            position = position_of(codec, kept[-1])

    async def causal_chain(self, datum_id: str) -> builtins.list[Datum]:
        """The row's ancestors by the parent column, root first, ending with it (one query)."""
        codec = self._codec
        key = codec.key.lookup(check_lookup(datum_id))
        if key is None:
            return []
        if codec.parent_field is None:
            found = await self.get(datum_id)
            return [] if found is None else [found]
        parent = codec.parent_field.column
        statement = ancestry(codec.table, codec.key.column, parent, key)

        async def read(session: AsyncSession) -> builtins.list[Datum]:
            rows = [row._mapping for row in (await session.execute(statement)).all()]
            chain = root_first(rows, codec.key.column, parent, key)
            return [codec.datum(row) for row in chain]

        return await self.run_transaction("causal_chain", read)

    async def children(self, datum_id: str) -> builtins.list[Datum]:
        """The rows whose parent column names ``datum_id``, in ``(created_at, id)`` order."""
        codec = self._codec
        key = codec.key.lookup(check_lookup(datum_id))
        if key is None or codec.parent_field is None:
            return []

        async def read(session: AsyncSession) -> builtins.list[Datum]:
            statement = children_statement(codec, key, self._dialect(session))
            return [codec.datum(row._mapping) for row in (await session.execute(statement)).all()]

        return await self.run_transaction("children", read)

    async def search(
        self, text: str, *, limit: int = 10, metadata: Mapping[str, Any] | None = None
    ) -> builtins.list[SearchHit]:
        """The ``limit`` rows whose JSON content is most similar to ``text``, best first."""
        check_text(text)
        size = check_top(limit)
        if not self._tagged_as(check_filter(metadata)):
            return []
        return await best_rows(self._vectors, text, self._pages(SEARCH_PAGE), size)

    # -- refs -------------------------------------------------------------------------------

    async def _ensure_refs(self) -> None:
        if self._refs_ready:
            return
        refs = self._refs

        async def create(session: AsyncSession) -> None:
            connection = await session.connection()
            await connection.run_sync(lambda sync: refs.create(sync, checkfirst=True))

        try:
            await self.run_transaction("creating the refs table", create)
        except DualtrackError:
            # Another adapter created it at the same moment; checkfirst now sees it.
            await self.run_transaction("creating the refs table", create)
        self._refs_ready = True

    async def get_ref(self, name: str) -> str | None:
        """The datum id the ref ``name`` points at, or ``None`` if it was never set."""
        check_name(name)
        await self._ensure_refs()
        return await self.run_transaction(
            "get_ref", lambda session: self._current_ref(session, name)
        )

    async def _current_ref(self, session: AsyncSession, name: str) -> str | None:
        refs = self._refs
        statement = select(refs.c.datum_id).where(
            refs.c.table_name == self._codec.table.name, refs.c.name == name
        )
        found = await session.scalar(statement)
        return None if found is None else str(found)

    async def list_refs(
        self, *, after: str | None = None, limit: int | None = None
    ) -> builtins.list[tuple[str, str]]:
        """``(name, datum id)`` of this table's refs named after ``after``, in name order."""
        check_ref_page(after, limit)
        await self._ensure_refs()
        refs = self._refs

        async def read(session: AsyncSession) -> builtins.list[tuple[str, str]]:
            name: ColumnElement[Any] = refs.c.name
            if self._dialect(session) == "postgresql":
                name = name.collate("C")
            statement = select(refs.c.name, refs.c.datum_id).where(
                refs.c.table_name == self._codec.table.name
            )
            if after is not None:
                statement = statement.where(name > after)
            statement = statement.order_by(name).limit(limit)
            rows = (await session.execute(statement)).all()
            return [(str(ref), str(target)) for ref, target in rows]

        return await self.run_transaction("list_refs", read)

    async def namespaces(self) -> builtins.list[str]:
        """``[namespace]`` (the adapted table) when it holds a row or a ref, else ``[]``: a
        table is the one namespace an adapter sees."""
        await self._ensure_refs()
        refs = self._refs
        rows = select(exists().select_from(self._codec.table))
        named = select(exists().where(refs.c.table_name == self._codec.table.name))

        async def read(session: AsyncSession) -> bool:
            return bool(await session.scalar(rows)) or bool(await session.scalar(named))

        return [self.namespace] if await self.run_transaction("namespaces", read) else []

    async def set_ref(self, name: str, datum_id: str, *, expected: str | None = None) -> None:
        """Point ``name`` at ``datum_id`` if it still points at ``expected`` (compare-and-set;
        ``None``: the ref must not exist yet); the row must exist."""
        check_name(name)
        check_lookup(datum_id)
        check_expected(expected)
        await self._ensure_refs()
        key = self._codec.key.lookup(datum_id)
        refs = self._refs
        table_name = self._codec.table.name

        async def swap(session: AsyncSession) -> None:
            present = key is not None and bool(
                await session.scalar(select(exists().where(self._codec.key.column == key)))
            )
            if not present:
                raise UnknownDatum(
                    f"ref {name!r} cannot point at {datum_id!r}: {self.namespace} has no such row"
                )
            current = await self._current_ref(session, name)
            if current != expected:
                raise refuse_swap(name, current, expected)
            if expected is None:
                try:
                    await session.execute(
                        insert(refs).values(table_name=table_name, name=name, datum_id=datum_id)
                    )
                except IntegrityError:
                    raise ConflictError(
                        f"ref {name!r} was created by another writer just now: read it again "
                        "with get_ref and retry"
                    ) from None
                return
            moved = await session.execute(
                update(refs)
                .where(
                    refs.c.table_name == table_name,
                    refs.c.name == name,
                    refs.c.datum_id == expected,
                )
                .values(datum_id=datum_id)
            )
            if getattr(moved, "rowcount", 0) != 1:
                raise refuse_swap(name, await self._current_ref(session, name), expected)

        await self.run_transaction("set_ref", swap)

    # -- views, state, lifetime -----------------------------------------------------------

    def as_state_backend(
        self,
        key: str,
        *,
        initial: Mapping[str, Any] | None = None,
        version_field: str | None = None,
    ) -> TableStateBackend:
        """The row keyed ``key`` as a versioned ``StateBackend`` for ``StateFunctor``: its state
        is the row as a dict by attribute name (key and version columns left out). See
        :mod:`dualtrack.bridge.table_state` for versioning by column or by content."""
        return TableStateBackend(self, key, initial=initial, version_field=version_field)

    def focus(
        self, ref: str, optic: Optic[K, bytes, A], *, initial: bytes | None = None
    ) -> View[K, A]:
        """A lens view of the row ``ref`` points at (see :mod:`dualtrack.memory.views`): a
        write adds a child row (new id, parent column set) and moves the ref to it."""
        return View(self, ref, optic, initial)

    #: Why a typed table does not implement ``Retention`` (see :func:`retention_of`).
    retention_refusal = (
        "its rows are application state, owned by your models and migrations, which other "
        "code reads and writes too; a tombstone that hid rows from the adapter alone would "
        "hide them from nothing else, and a compaction that deleted rows would bypass your "
        "constraints and cascades. Delete rows with your ORM or SQL in a transaction (the "
        "adapter shows the table as it is); keep forgettable memory in MemoryDgent, "
        "SQLiteDgent or SQLDgent"
    )

    async def forget(self, *_: object, **__: object) -> NoReturn:
        """Refused: a typed table forgets by deleting rows (see :attr:`retention_refusal`)."""
        raise RetentionUnsupported(f"TableAdapter cannot forget: {self.retention_refusal}")

    async def compact(self, *_: object, **__: object) -> NoReturn:
        """Refused: a typed table forgets by deleting rows (see :attr:`retention_refusal`)."""
        raise RetentionUnsupported(f"TableAdapter cannot compact: {self.retention_refusal}")

    async def close(self) -> None:
        """Refuse further use; dispose the engine too if made with ``dispose_engine=True``."""
        if self._closed:
            return
        self._closed = True
        bind = getattr(self._sessions, "kw", {}).get("bind")
        if self._dispose_engine and isinstance(bind, AsyncEngine):
            await bind.dispose()


def _bound_dialect(sessions: async_sessionmaker[AsyncSession], model: type[Any]) -> Dialect | None:
    """The dialect of the database ``sessions`` are bound to for ``model``, or ``None`` when a
    session only learns it as it runs (the adapter then keeps the portable rules)."""
    try:
        return sessions().get_bind(mapper=model).dialect
    except UnboundExecutionError:
        return None


def _runs(rows: builtins.list[NewRow]) -> Iterable[builtins.list[NewRow]]:
    """Consecutive rows giving the same columns (one multi-row INSERT each), in order."""
    group: builtins.list[NewRow] = []
    for row in rows:
        if group and set(group[0].values) != set(row.values):
            yield group
            group = []
        group.append(row)
    if group:
        yield group
