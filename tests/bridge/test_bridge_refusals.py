"""A datum that does not fit the table is refused with a message naming the column, and the
table (every row, and the batch it came in) is left exactly as it was: by property, on SQLite
and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dualtrack.bridge import RowCodec, TableAdapter
from dualtrack.errors import ImmutableDatumError, InvalidRow, MissingParentError
from dualtrack.memory import Datum
from dualtrack.memory.metadata import canonical_json
from laws.bridge import table_datums
from laws.private_loop import event_loop
from tests.bridge.bridge_support import Specimen, adapters, database, postgres_schema, tables
from tests.stores.sql_support import Database

__all__ = ["database", "postgres_schema", "tables"]

SOME = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

#: JSON values of many shapes: for each column, one its kind refuses is a wrong type.
WRONG = [True, 7, 2.5, "text", [1], {"$bogus": 1}, {"$datetime": "yesterday"}, {"$bytes": "!"}]


def _with(datum: Datum, content: bytes, parent: str | None = None) -> Datum:
    return Datum(
        id=datum.id,
        content=content,
        created_at=datum.created_at,
        causal_parent=datum.causal_parent if parent is None else parent,
    )


def _edited(datum: Datum, change: dict[str, Any], drop: str | None = None) -> Datum:
    document = json.loads(datum.content)
    document.update(change)
    document.pop(drop or "", None)
    return _with(datum, json.dumps(document).encode())


def _wrong_value(codec: RowCodec, name: str) -> Any:
    field = codec.by_attr[name]
    for value in WRONG:
        try:
            field.decode(value, "")
        except InvalidRow:
            return value
    raise AssertionError(f"no wrong value for {name}")


@st.composite
def corruptions(draw: st.DrawFn, codec: RowCodec, target: Datum) -> tuple[Datum, str]:
    """``target`` made unfit for the table, and the text the refusal must contain."""
    columns = [field.attr for field in codec.content_fields]
    how = draw(st.sampled_from(["unknown", "wrong", "missing", "long", "json", "parent", "nan"]))
    if how == "unknown":
        return _edited(target, {"no_such_column": 1}), "'no_such_column'"
    if how == "wrong":
        name = draw(st.sampled_from(columns))
        return _edited(target, {name: _wrong_value(codec, name)}), f"specimens.{name}"
    if how == "missing":
        return _edited(target, {}, drop="name"), "specimens.name"
    if how == "long" and codec.dialect is not None and codec.dialect.name == "sqlite":
        # SQLite checks no text length, but keeps a Numeric as a float.
        wide = {"$decimal": "123456789012.12345678"}
        return _edited(target, {"wide": wide}), "specimens.wide on sqlite"
    if how == "long":
        return _edited(target, {"name": "x" * 31}), "specimens.name"
    if how == "json":
        content = draw(st.sampled_from([b"\xff", b"[1, 2]", b"{", b'{"name": "a", "name": "b"}']))
        return _with(target, content), "JSON"
    if how == "parent":
        return _edited(target, {"parent_id": target.id + "-other"}), "specimens.parent_id"
    return _with(target, target.content.replace(b'"name":', b'"ratio":NaN,"name":', 1)), "NaN"


async def _snapshot(adapter: TableAdapter) -> list[str]:
    codec = adapter.codec
    async with adapter.session_factory() as session:
        rows = (await session.execute(select(codec.table))).all()
    return sorted(canonical_json(codec.spelled_row(row._mapping)) for row in rows)


def _refused(database: Database, batch: list[Datum], split: int, bad: Datum) -> Any:
    """Store ``batch[:split]``; put the rest with ``bad`` last; return the error and whether
    the table stayed as it was."""

    async def run() -> tuple[BaseException | None, bool]:
        adapter = await adapters(database, Specimen)()
        try:
            await adapter.put_many(batch[:split])
            before = await _snapshot(adapter)
            error: BaseException | None = None
            try:
                await adapter.put_many([*batch[split:], bad])
            except Exception as raised:
                error = raised
            return error, before == await _snapshot(adapter)
        finally:
            await adapter.close()

    with event_loop() as run_async:
        return run_async(run())


def _batch(tables: Database, data: st.DataObject) -> tuple[RowCodec, list[Datum]]:
    """The codec of the test's database, and a batch of datums it holds."""
    codec = RowCodec(Specimen, dialect=tables.dialect)
    return codec, data.draw(table_datums(codec, min_size=1, max_size=6), label="batch")


@given(data=st.data())
@SOME
def test_unfit_content_is_refused_naming_the_column(tables: Database, data: st.DataObject) -> None:
    codec, batch = _batch(tables, data)
    split = data.draw(st.integers(0, len(batch) - 1), label="split")
    bad, named = data.draw(corruptions(codec, batch[-1]), label="bad")
    error, unchanged = _refused(tables, batch[:-1], split, bad)
    assert isinstance(error, InvalidRow), error
    assert named in str(error)
    assert unchanged


@given(data=st.data())
@SOME
def test_a_changed_row_under_a_used_id_is_refused(tables: Database, data: st.DataObject) -> None:
    _, batch = _batch(tables, data)
    target = data.draw(st.sampled_from(batch), label="target")
    name = data.draw(st.sampled_from(["name", "body", "count"]), label="column")
    document = json.loads(target.content)
    fresh = {"name": "changed!", "body": "a different body", "count": 12345}[name]
    if document.get(name) == fresh:
        fresh = {"name": "changed?", "body": "another body", "count": 54321}[name]
    error, unchanged = _refused(tables, batch, len(batch), _edited(target, {name: fresh}))
    assert isinstance(error, ImmutableDatumError), error
    assert name in str(error)
    assert unchanged


@given(data=st.data())
@SOME
def test_a_missing_parent_is_refused(tables: Database, data: st.DataObject) -> None:
    _, batch = _batch(tables, data)
    split = data.draw(st.integers(0, len(batch) - 1), label="split")
    orphan = _with(batch[-1], batch[-1].content, parent="no-such-parent")
    error, unchanged = _refused(tables, batch[:-1], split, orphan)
    assert isinstance(error, MissingParentError), error
    assert "no-such-parent" in str(error)
    assert unchanged
