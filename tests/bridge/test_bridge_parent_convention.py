"""The parent column by convention: with no foreign key to the key, the one nullable column named
``causal_parent`` or ``parent_id`` holding keys of the key's type is the parent; ``parent_field=``
still wins, and an ambiguous table is refused naming its candidates."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import ForeignKey, Integer, String, Uuid, delete
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dualtrack.bridge import RowCodec, TableAdapter
from dualtrack.errors import InvalidArgument, InvalidRow, MissingParentError
from dualtrack.memory import Datum
from laws.private_loop import event_loop
from tests.bridge.bridge_support import Note, database, postgres_schema, tables
from tests.stores.sql_support import Database

__all__ = ["database", "postgres_schema", "tables"]


class _Models(DeclarativeBase):
    pass


class _BothNames(_Models):
    __tablename__ = "both_names"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(Integer)
    causal_parent: Mapped[int | None] = mapped_column(Integer)


class _TwoForeignKeys(_Models):
    __tablename__ = "two_foreign_keys"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    parent: Mapped[str | None] = mapped_column(ForeignKey("two_foreign_keys.id"))
    merged_from: Mapped[str | None] = mapped_column(ForeignKey("two_foreign_keys.id"))


class _Owner(_Models):
    __tablename__ = "owners"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)


class _NotParents(_Models):
    """Columns named like parents that cannot be one: required, of another type, or a
    reference to another table."""

    __tablename__ = "not_parents"
    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("owners.id"))
    causal_parent: Mapped[str] = mapped_column(String(36))


class _OneNamed(_Models):
    __tablename__ = "one_named"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(Integer)
    previous: Mapped[int | None] = mapped_column(Integer)


def test_a_nullable_column_named_for_parents_is_the_parent() -> None:
    notes = RowCodec(Note)
    assert notes.parent_field is notes.by_attr["causal_parent"]
    found = RowCodec(_OneNamed).parent_field
    assert found is not None
    assert found.attr == "parent_id"


def test_parent_field_wins_over_the_convention() -> None:
    chosen = RowCodec(_OneNamed, parent_field="previous").parent_field
    assert chosen is not None
    assert chosen.attr == "previous"
    assert RowCodec(_OneNamed, parent_field=None).parent_field is None
    assert RowCodec(_BothNames, parent_field="causal_parent").parent_field is not None


def test_an_ambiguous_table_is_refused_naming_the_candidates() -> None:
    with pytest.raises(
        InvalidArgument, match=r"candidates: parent_id, causal_parent.*parent_field="
    ):
        RowCodec(_BothNames)
    with pytest.raises(InvalidArgument, match=r"foreign key.*candidates: parent, merged_from"):
        RowCodec(_TwoForeignKeys)
    sessions = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
    with pytest.raises(InvalidArgument, match="ambiguous"):
        TableAdapter(_BothNames, sessions)


def test_columns_that_cannot_hold_a_parent_are_not_taken_for_one() -> None:
    assert RowCodec(_NotParents).parent_field is None


def _note(id: str, parent: str | None, body: str) -> dict[str, Any]:
    return {
        "id": id,
        "causal_parent": parent,
        "created_at": datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        "body": body,
    }


def test_chains_follow_a_parent_column_found_by_name(tables: Database) -> None:
    async def body() -> dict[str, Any]:
        engine = tables.engine()
        try:
            sessions = async_sessionmaker(engine)
            async with sessions() as session, session.begin():
                await session.execute(delete(Note.__table__))
                session.add(Note(**_note("n0", None, "root, written by the ORM")))
                session.add(Note(**_note("n1", "n0", "child, written by the ORM")))
            adapter = TableAdapter(Note, sessions)
            grandchild = await adapter.put(
                Datum(id="n2", content=b'{"body": "through the adapter"}', causal_parent="n1")
            )
            found = {
                "read": await adapter.get("n1"),
                "put": grandchild,
                "chain": [d.id for d in await adapter.causal_chain("n2")],
                "children": [d.id for d in await adapter.children("n0")],
            }
            with pytest.raises(MissingParentError, match="no-such-note"):
                await adapter.put(
                    Datum(id="n3", content=b'{"body": "orphan"}', causal_parent="no-such-note")
                )
            orphanless = TableAdapter(Note, sessions, parent_field=None)
            with pytest.raises(InvalidRow, match="no parent column"):
                await orphanless.put(Datum(id="n4", content=b'{"body": "x"}', causal_parent="n0"))
            return found
        finally:
            await engine.dispose()

    with event_loop() as run_async:
        found = run_async(body())
    assert found["read"].causal_parent == "n0"
    assert found["put"].causal_parent == "n1"
    assert found["chain"] == ["n0", "n1", "n2"]
    assert found["children"] == ["n1"]
