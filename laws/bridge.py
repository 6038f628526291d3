"""The bridge laws (the seed's round trip, source tagging and isolation) for any mapped model.

Rows come from the model's column types through :func:`laws.rows.rows_for`, so the laws know
nothing of your model beyond its mapping; pass ``overrides`` (a strategy per column name) for
columns whose rules the types do not say (a check constraint, an ``@validates`` hook). Give an
async ``make_adapter`` returning a fresh :class:`~dualtrack.bridge.TableAdapter` over an *empty*
table each time it is called (the laws close what it returns)::

    from laws.bridge import check_bridge

    def test_my_table(tmp_path):
        async def fresh():
            engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / uuid4().hex}.db")
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.create_all)
            return TableAdapter(Note, async_sessionmaker(engine), dispose_engine=True)

        check_bridge(Note, fresh, memory=lambda namespace: ...)

``model`` is the mapped class, or, for an adapter made with other ``id_field``,
``parent_field`` or ``time_field`` than the defaults, that adapter's ``codec``. Law checks run
their own event loop: call them from plain ``def test_...`` functions.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select
from sqlalchemy import types as sqltypes
from sqlalchemy.types import TypeDecorator

from dualtrack.bridge import RowCodec, TableAdapter
from dualtrack.bridge.kinds.json_values import JsonKind
from dualtrack.bridge.kinds.scalars import StringKind
from dualtrack.memory import Datum, DgentProtocol
from dualtrack.memory.metadata import canonical_json
from laws.core import holds, run
from laws.dgent.strategies import datum_ids, forests
from laws.dgent.support import StoreFactory
from laws.private_loop import RunAsync, event_loop
from laws.rows import rows_for, values_for

__all__ = [
    "AdapterFactory",
    "check_bridge",
    "check_isolation",
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
TAGGED = "source tagging: every datum a table gives has metadata source=alembic and its table"
MEMORY_LEAVES_TABLES = "isolation: agent-memory writes leave the table as it was"
TABLES_LEAVE_MEMORY = "isolation: table writes leave agent memory as it was"


def _not_bare_float(document: Any) -> bool:
    """Whether TableAdapter takes ``document`` for a JSON column (see
    :mod:`dualtrack.bridge.kinds.json_values`: no bare non-integral float)."""
    return not (type(document) is float and not document.is_integer())


def _key_ids(codec: RowCodec) -> st.SearchStrategy[str] | None:
    """Datum-id-shaped text for a string key (awkward characters, shared prefixes)."""
    kind = codec.key.kind
    if not isinstance(kind, StringKind):
        return None
    longest = min(kind.length or 255, 255)
    return datum_ids.filter(
        lambda text: len(text) <= longest and not (kind.fixed and text != text.rstrip(" "))
    )


def table_rows(
    codec: RowCodec,
    *,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    min_size: int = 1,
    max_size: int = 5,
) -> Rows:
    """Rows of ``codec``'s table (by attribute name) that can be inserted together, from
    :func:`laws.rows.rows_for`, with string keys shaped like datum ids and JSON documents the
    adapter takes (no bare non-integral float, which SQLite cannot keep)."""
    chosen = dict(overrides or {})
    ids = _key_ids(codec)
    key_name = codec.key.column.name
    if ids is not None and key_name not in chosen:
        chosen[key_name] = ids
    for field in codec.fields:
        if isinstance(field.kind, JsonKind) and field.column.name not in chosen:
            chosen[field.column.name] = values_for(field.column).filter(_not_bare_float)
    by_name = {field.column.name: field.attr for field in codec.fields}
    rows = rows_for(codec.table, min_size=min_size, max_size=max_size, overrides=chosen)
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


def _law(
    make_adapter: AdapterFactory,
    strategies: dict[str, st.SearchStrategy[Any]],
    body: Callable[..., Awaitable[None]],
    custom: settings | None,
) -> None:
    def on_loop(run_async: RunAsync[Any]) -> None:
        @given(**strategies)
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
    databases themselves change: the padding of ``CHAR`` values, and the missing zone of an
    aware column on SQLite (which has none; UTC is stored there)."""
    values: dict[str, Any] = {}
    for field in codec.fields:
        value = row[field.column]
        type_ = field.column.type
        impl = type_.impl_instance if isinstance(type_, TypeDecorator) else type_
        if isinstance(value, str) and isinstance(impl, sqltypes.CHAR):
            value = value.rstrip(" ")
        if (
            isinstance(value, datetime)
            and value.tzinfo is None
            and getattr(impl, "timezone", False)
        ):
            value = value.replace(tzinfo=UTC)
        values[field.attr] = value
    return values


def _codec_of(model: type[Any] | RowCodec) -> RowCodec:
    """The codec rows are drawn for: the model's defaults, or an adapter's own ``codec``."""
    return model if isinstance(model, RowCodec) else RowCodec(model)


def check_round_trip(
    model: type[Any] | RowCodec,
    make_adapter: AdapterFactory,
    *,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
    settings: settings | None = None,
) -> None:
    """For rows drawn from the model's columns and ``d`` the datum of each: ``get(put(d).id)``
    equals ``d`` on content, id and parent; the table then holds exactly the row (Python values
    compared, so no codec can hide a loss); and ``d``'s content decodes to the row."""
    codec = _codec_of(model)

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

    _law(make_adapter, {"rows": table_rows(codec, overrides=overrides)}, body, settings)


def _essence(datum: Datum | None) -> tuple[bytes, str, str | None] | None:
    return None if datum is None else (datum.content, datum.id, datum.causal_parent)


def _agrees_on(row: Mapping[str, Any]) -> Callable[[Any, Any], bool]:
    """Equality of the columns ``row`` gives (others are the table's to fill)."""

    def agree(left: Any, right: Any) -> bool:
        if not isinstance(left, Mapping) or not isinstance(right, Mapping):
            return False
        return all(name in left and left[name] == right.get(name) for name in row)

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
    codec = _codec_of(model)

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

    strategies = {
        "rows": table_rows(codec, overrides=overrides),
        "split": st.integers(min_value=0, max_value=10),
    }
    _law(make_adapter, strategies, body, settings)


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
    codec = _codec_of(model)

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

    strategies = {"rows": table_rows(codec, overrides=overrides), "batch": forests(max_size=6)}
    _law(make_adapter, strategies, body, settings)


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
    check_source_tagging(model, make_adapter, overrides=overrides, settings=settings)
    check_isolation(model, make_adapter, memory, overrides=overrides, settings=settings)
