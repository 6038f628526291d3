"""The bridge laws for any mapped model: the seed's round trip, its reverse, source tagging and
isolation.

Rows come from the model's column types through :func:`laws.rows.rows_for`, for the database
the adapter is bound to, so the laws know nothing of your model beyond its mapping; pass
``overrides`` (a strategy per column name) for columns whose rules the types do not say (a check
constraint, an ``@validates`` hook). Values are compared type for type
(:mod:`laws.row_equality`: ``1``, ``1.0`` and ``True`` differ). Give an async ``make_adapter``
returning a fresh :class:`~dualtrack.bridge.TableAdapter` over an *empty* table each time it is
called (the laws close what it returns; the reverse round trip calls it twice in an example,
the second time after it has read everything it needs from the first)::

    from laws.bridge import check_bridge

    def test_my_table(tmp_path):
        async def fresh():
            engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / uuid4().hex}.db")
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.create_all)
            return TableAdapter(Note, async_sessionmaker(engine), dispose_engine=True)

        check_bridge(Note, fresh, memory=lambda namespace: ...)

``model`` is the mapped class (or a :class:`~dualtrack.bridge.RowCodec` of it); the rows are
drawn for the codec of the adapters ``make_adapter`` returns, with their ``id_field``,
``parent_field``, ``time_field`` and database. Law checks run their own event loop: call them
from plain ``def test_...`` functions.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, inspect, select
from sqlalchemy import types as sqltypes
from sqlalchemy.types import TypeDecorator

from dualtrack.bridge import RowCodec, TableAdapter
from dualtrack.bridge.kinds.scalars import FloatKind, StringKind
from dualtrack.errors import DualtrackError, InvalidArgument, LawViolation
from dualtrack.memory import Datum, DgentProtocol
from dualtrack.memory.metadata import canonical_json
from laws.core import holds, run
from laws.dgent.strategies import datum_ids, forests
from laws.dgent.support import StoreFactory
from laws.private_loop import RunAsync, event_loop
from laws.row_equality import differing, same_rows
from laws.rows import rows_for

__all__ = [
    "AdapterFactory",
    "check_bridge",
    "check_isolation",
    "check_reverse_round_trip",
    "check_round_trip",
    "check_source_tagging",
    "table_datums",
    "table_rows",
]

#: Makes a fresh TableAdapter over an empty table.
AdapterFactory = Callable[[], Awaitable[TableAdapter]]

Rows = st.SearchStrategy[builtins.list[dict[str, Any]]]

ROUND_TRIP = "round trip: get(put(d).id) equals d on content, id and parent"
STORES_ROW = "put(d) stores the row d was made from"
SPELLS_ROW = "d's content spells its row (JSON keeps every value)"
REVERSE = "reverse round trip: put(get(id)) into a fresh table gives back the row"
REREAD = "reverse round trip: get(id) reads every row the table holds"
SAME_TABLE = "reverse round trip: put(get(id)) into the same table is accepted and changes nothing"
TAGGED = "source tagging: every datum a table gives has metadata source=alembic and its table"
MEMORY_LEAVES_TABLES = "isolation: agent-memory writes leave the table as it was"
TABLES_LEAVE_MEMORY = "isolation: table writes leave agent memory as it was"


def _key_ids(codec: RowCodec) -> st.SearchStrategy[str] | None:
    """Datum-id-shaped text for a string key (awkward characters, shared prefixes), within
    the length the key column declares."""
    kind = codec.key.kind
    if not isinstance(kind, StringKind):
        return None
    declared = getattr(codec.key.column.type, "length", None)
    longest = min(declared or 255, 255)
    return datum_ids.filter(lambda text: len(text) <= longest and text == text.rstrip(" "))


def _parent_links(codec: RowCodec) -> dict[str, str]:
    """The parent column's link to the key, when no foreign key declares it (a parent column
    by naming convention, or by ``parent_field=``)."""
    parent = codec.parent_field
    if parent is None or any(fk.column is codec.key.column for fk in parent.column.foreign_keys):
        return {}
    return {parent.column.name: codec.key.column.name}


def table_rows(
    codec: RowCodec,
    *,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    min_size: int = 1,
    max_size: int = 5,
    exact: bool = True,
) -> Rows:
    """Rows of ``codec``'s table (by attribute name) that can be inserted together, from
    :func:`laws.rows.rows_for` for the codec's database, with string keys shaped like datum ids
    and parents pointing at earlier rows. ``exact=False`` draws everything plain ORM code may
    write, which the database may change as it stores it."""
    chosen = dict(overrides or {})
    ids = _key_ids(codec)
    key_name = codec.key.column.name
    if ids is not None and key_name not in chosen:
        chosen[key_name] = ids
    by_name = {field.column.name: field.attr for field in codec.fields}
    rows = rows_for(
        codec.table,
        min_size=min_size,
        max_size=max_size,
        overrides=chosen,
        references=_parent_links(codec),
        dialect=None if codec.dialect is None else codec.dialect.name,
        exact=exact,
    )
    return rows.map(
        lambda drawn: [
            {by_name[name]: value for name, value in row.items() if name in by_name}
            for row in drawn
        ]
    )


def table_datums(
    codec: RowCodec,
    *,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    min_size: int = 0,
    max_size: int = 8,
) -> st.SearchStrategy[builtins.list[Datum]]:
    """Batches of the datums rows of ``codec``'s table become, parents before children: the
    ``batches`` to give :mod:`laws.dgent` checks when they run on a TableAdapter."""
    rows = table_rows(codec, overrides=overrides, min_size=min_size, max_size=max_size)
    return rows.map(lambda batch: [codec.datum_of(row) for row in batch])


async def _probe(make_adapter: AdapterFactory) -> RowCodec:
    """The codec of the adapters ``make_adapter`` returns (its options and its database)."""
    adapter = await make_adapter()
    try:
        return adapter.codec
    finally:
        await adapter.close()


def _law(
    model: type[Any] | RowCodec,
    make_adapter: AdapterFactory,
    strategies: Callable[[RowCodec], dict[str, st.SearchStrategy[Any]]],
    body: Callable[..., Awaitable[None]],
    custom: settings | None,
) -> None:
    def on_loop(run_async: RunAsync[Any]) -> None:
        codec = run_async(_probe(make_adapter))
        wanted = model.table if isinstance(model, RowCodec) else inspect(model).local_table
        if wanted is not codec.table:
            raise InvalidArgument(
                f"make_adapter returns adapters over {codec.table.name}, not over the table of "
                f"{model!r}: give the model the adapters adapt"
            )

        @given(**strategies(codec))
        def property_(**drawn: Any) -> None:
            async def example() -> None:
                adapter = await make_adapter()
                try:
                    await body(adapter, **drawn)
                finally:
                    await adapter.close()

            run_async(example())

        run(property_, custom)

    with event_loop() as run_async:
        on_loop(run_async)


async def _stored(adapter: TableAdapter) -> dict[str, Any]:
    """Every row of the adapter's table by datum id, read with plain SQL (not the adapter)."""
    codec = adapter.codec
    async with adapter.session_factory() as session:
        rows = (await session.execute(select(codec.table))).all()
    return {codec.key.text(row._mapping[codec.key.column]): row._mapping for row in rows}


def _as_read(codec: RowCodec, row: Mapping[Any, Any]) -> dict[str, Any]:
    """A stored row's values by attribute name, as the database returned them, but for what
    databases themselves change: the padding of ``CHAR`` values (PostgreSQL), the missing
    zone of an aware column and integral floats returned as integers (SQLite, which has no
    zones and gives a NUMERIC column integer storage when it can)."""
    sqlite = codec.dialect is not None and codec.dialect.name == "sqlite"
    values: dict[str, Any] = {}
    for field in codec.fields:
        value = row[field.column]
        type_ = field.column.type
        impl = type_.impl_instance if isinstance(type_, TypeDecorator) else type_
        if isinstance(value, str) and isinstance(impl, sqltypes.CHAR) and not sqlite:
            value = value.rstrip(" ")
        if (
            isinstance(value, datetime)
            and value.tzinfo is None
            and getattr(impl, "timezone", False)
        ):
            value = value.replace(tzinfo=UTC)
        if type(value) is int and isinstance(field.kind, FloatKind) and float(value) == value:
            value = float(value)
        values[field.attr] = value
    return values


def _raw(codec: RowCodec, row: Mapping[Any, Any] | None) -> dict[str, Any] | None:
    """A stored row's values by attribute name, exactly as the database returned them."""
    return None if row is None else {field.attr: row[field.column] for field in codec.fields}


def check_round_trip(
    model: type[Any] | RowCodec,
    make_adapter: AdapterFactory,
    *,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    settings: settings | None = None,
) -> None:
    """For rows drawn from the model's columns and ``d`` the datum of each: ``get(put(d).id)``
    equals ``d`` on content, id and parent; the table then holds exactly the row (Python values
    compared type for type, so no codec can hide a loss); and ``d``'s content decodes to the
    row."""

    async def body(adapter: TableAdapter, rows: list[dict[str, Any]]) -> None:
        codec = adapter.codec
        datums = [codec.datum_of(row) for row in rows]
        for row, datum in zip(rows, datums, strict=True):
            given_ = {"row": row, "datum": datum}
            holds(SPELLS_ROW, given_, codec.given(datum), row, _agrees_on(row))
        put = await adapter.put_many(datums)
        stored = await _stored(adapter)
        for row, datum, returned in zip(rows, datums, put, strict=True):
            got = await adapter.get(datum.id)
            given_ = {"row": row, "datum": datum}
            wanted = (datum.content, datum.id, datum.causal_parent)
            holds(ROUND_TRIP, given_, _essence(got), wanted)
            holds(ROUND_TRIP + " (as put returns it)", given_, _essence(returned), wanted)
            values = _as_read(codec, stored[datum.id]) if datum.id in stored else None
            holds(STORES_ROW, given_, values, row, _agrees_on(row))

    def strategies(codec: RowCodec) -> dict[str, st.SearchStrategy[Any]]:
        return {"rows": table_rows(codec, overrides=overrides)}

    _law(model, make_adapter, strategies, body, settings)


def _essence(datum: Datum | None) -> tuple[bytes, str, str | None] | None:
    return None if datum is None else (datum.content, datum.id, datum.causal_parent)


def _agrees_on(row: Mapping[str, Any]) -> Callable[[Any, Any], bool]:
    """Type-exact equality of the columns ``row`` gives (others are the table's to fill)."""

    def agree(left: Any, right: Any) -> bool:
        if not isinstance(left, Mapping) or not isinstance(right, Mapping):
            return False
        if any(name not in left or name not in right for name in row):
            return False
        return not differing({name: left[name] for name in row}, {n: right[n] for n in row})

    return agree


def _tags(adapter: TableAdapter) -> dict[str, str]:
    return {"source": "alembic", "table": str(adapter.codec.table.name)}


def check_source_tagging(
    model: type[Any] | RowCodec,
    make_adapter: AdapterFactory,
    *,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    settings: settings | None = None,
) -> None:
    """Every datum the adapter returns (``put``, ``get``, ``list``, ``scan``, ``children``,
    ``causal_chain``, ``search``) has metadata exactly ``{"source": "alembic", "table": name}``,
    including rows written by plain SQL that never went through an adapter."""

    async def body(adapter: TableAdapter, rows: list[dict[str, Any]], split: int) -> None:
        codec = adapter.codec
        cut = split % (len(rows) + 1)
        plain, adapted = rows[:cut], rows[cut:]
        async with adapter.session_factory() as session, session.begin():
            for row in plain:
                values = codec.bound(codec.checked(row, "row: "))
                await session.execute(insert(codec.table).values(values))
        returned = await adapter.put_many([codec.datum_of(row) for row in adapted])
        tags = _tags(adapter)
        seen: list[tuple[str, Datum]] = [("put", datum) for datum in returned]
        ids = [codec.key.text(codec.checked(row, "row: ")[codec.key_field.attr]) for row in rows]
        for datum_id in ids:
            got = await adapter.get(datum_id)
            seen += [("get", got)] if got is not None else []
            seen += [("causal_chain", d) for d in await adapter.causal_chain(datum_id)]
            seen += [("children", d) for d in await adapter.children(datum_id)]
        seen += [("list", d) for d in await adapter.list(limit=None)]
        seen += [("scan", d) async for d in adapter.scan(batch_size=2)]
        seen += [("search", hit.datum) for hit in await adapter.search("a", limit=3)]
        holds(
            TAGGED + " (every row is seen)", ids, len([m for m, _ in seen if m == "get"]), len(ids)
        )
        for method, datum in seen:
            holds(f"{TAGGED} ({method})", datum, dict(datum.metadata), tags)

    def strategies(codec: RowCodec) -> dict[str, st.SearchStrategy[Any]]:
        return {
            "rows": table_rows(codec, overrides=overrides),
            "split": st.integers(min_value=0, max_value=10),
        }

    _law(model, make_adapter, strategies, body, settings)


async def _memory_snapshot(store: DgentProtocol) -> list[Datum]:
    return [datum async for datum in store.scan(batch_size=50)]


async def _table_snapshot(adapter: TableAdapter) -> list[str]:
    codec = adapter.codec
    stored = await _stored(adapter)
    return sorted(canonical_json(codec.spelled_row(row)) for row in stored.values())


def check_isolation(
    model: type[Any] | RowCodec,
    make_adapter: AdapterFactory,
    memory: StoreFactory,
    *,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    settings: settings | None = None,
) -> None:
    """Writes to agent memory (a store from ``memory``, ideally on the same database) leave the
    table exactly as it was, and writes through the adapter (rows and refs) leave agent memory
    exactly as it was: the two tracks meet only where code writes both explicitly."""

    async def body(adapter: TableAdapter, rows: list[dict[str, Any]], batch: list[Datum]) -> None:
        store = await memory(f"bridge-{uuid.uuid4().hex[:20]}")
        try:
            codec = adapter.codec
            half = len(rows) // 2
            await adapter.put_many([codec.datum_of(row) for row in rows[:half]])
            table_before = await _table_snapshot(adapter)
            await store.put_many(batch)
            if batch:
                await store.set_ref("head", batch[-1].id, expected=None)
            given_ = {"memory writes": batch}
            holds(MEMORY_LEAVES_TABLES, given_, await _table_snapshot(adapter), table_before)
            memory_before = await _memory_snapshot(store)
            ref_before = await store.get_ref("head")
            datums = await adapter.put_many([codec.datum_of(row) for row in rows[half:]])
            if datums:
                await adapter.set_ref("head", datums[-1].id, expected=None)
            given_ = {"table writes": datums}
            holds(TABLES_LEAVE_MEMORY, given_, await _memory_snapshot(store), memory_before)
            holds(TABLES_LEAVE_MEMORY + " (refs)", given_, await store.get_ref("head"), ref_before)
        finally:
            await store.close()

    def strategies(codec: RowCodec) -> dict[str, st.SearchStrategy[Any]]:
        return {"rows": table_rows(codec, overrides=overrides), "batch": forests(max_size=6)}

    _law(model, make_adapter, strategies, body, settings)


async def _write_with_orm(adapter: TableAdapter, rows: list[dict[str, Any]]) -> None:
    """Store ``rows`` (by attribute name) with plain ORM code: model instances, one flush."""
    model = adapter.codec.model
    async with adapter.session_factory() as session, session.begin():
        session.add_all([model(**row) for row in rows])


def _refused(law: str, given_: object, error: DualtrackError) -> LawViolation:
    return LawViolation(law, given_, f"refused: {error}", "stored")


def check_reverse_round_trip(
    model: type[Any] | RowCodec,
    make_adapter: AdapterFactory,
    *,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    settings: settings | None = None,
) -> None:
    """For rows drawn from everything plain ORM code may write to the model's table (which the
    database may change as it stores them, see :func:`laws.rows.rows_for`), written by plain
    ORM code: ``get(id)`` reads each row; ``put`` of those datums into the same table is
    accepted and changes nothing; and into a fresh table it stores every row exactly as it was,
    column by column, type for type. Whatever a table holds can be moved by the bridge."""

    async def body(adapter: TableAdapter, rows: list[dict[str, Any]]) -> None:
        codec = adapter.codec
        await _write_with_orm(adapter, rows)
        before = await _stored(adapter)
        ids = [codec.key.text(row[codec.key_field.attr]) for row in rows]
        datums: list[Datum] = []
        for row, datum_id in zip(rows, ids, strict=True):
            got = await adapter.get(datum_id)
            holds(REREAD, {"row": row}, got is not None and datum_id in before, True)
            assert got is not None
            datums.append(got)
        given_ = {"rows": rows, "datums": datums}
        try:
            await adapter.put_many(datums)
        except DualtrackError as error:
            raise _refused(SAME_TABLE, given_, error) from error
        holds(
            SAME_TABLE,
            given_,
            _table(codec, await _stored(adapter)),
            _table(codec, before),
            _same_tables,
        )
        fresh = await make_adapter()
        try:
            try:
                await fresh.put_many(datums)
            except DualtrackError as error:
                raise _refused(REVERSE, given_, error) from error
            after = await _stored(fresh)
            for row, datum in zip(rows, datums, strict=True):
                wanted = _raw(codec, before[datum.id])
                copied = _raw(codec, after.get(datum.id))
                changed = differing(copied or {}, wanted or {})
                holds(
                    REVERSE,
                    {"row": row, "datum": datum},
                    None if copied is None else {name: copied[name] for name in changed},
                    {name: wanted[name] for name in changed} if wanted else wanted,
                )
                got = await fresh.get(datum.id)
                holds(ROUND_TRIP, {"datum": datum}, _essence(got), _essence(datum))
        finally:
            await fresh.close()

    def strategies(codec: RowCodec) -> dict[str, st.SearchStrategy[Any]]:
        return {"rows": table_rows(codec, overrides=overrides, exact=False)}

    _law(model, make_adapter, strategies, body, settings)


def _table(codec: RowCodec, stored: Mapping[str, Any]) -> dict[str, dict[str, Any] | None]:
    """Stored rows by datum id, each as its values by attribute name."""
    return {datum_id: _raw(codec, row) for datum_id, row in stored.items()}


def _same_tables(left: Mapping[str, Any], right: Mapping[str, Any]) -> bool:
    """Type-exact equality of two tables' rows (by datum id)."""
    return left.keys() == right.keys() and all(same_rows(left[k], right[k]) for k in left)


def check_bridge(
    model: type[Any] | RowCodec,
    make_adapter: AdapterFactory,
    memory: StoreFactory,
    *,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    settings: settings | None = None,
) -> None:
    """Every bridge law above, in turn."""
    check_round_trip(model, make_adapter, overrides=overrides, settings=settings)
    check_reverse_round_trip(model, make_adapter, overrides=overrides, settings=settings)
    check_source_tagging(model, make_adapter, overrides=overrides, settings=settings)
    check_isolation(model, make_adapter, memory, overrides=overrides, settings=settings)
