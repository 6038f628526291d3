"""``TableAdapter.as_state_backend`` passes the state backend laws on SQLite and PostgreSQL,
versioned by content (Crystal) and by an integer column (Ticket); StateFunctor over a table row
loses no update under concurrent invokes; bad states are refused and store nothing."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import NullPool
from sqlalchemy.ext.asyncio import async_sessionmaker

from dualtrack import StateFunctor
from dualtrack.bridge import RowCodec, TableAdapter
from dualtrack.errors import InvalidRow, UnknownDatum
from laws.bridge import table_rows
from laws.private_loop import event_loop
from laws.state import check_state_backend
from tests.bridge.bridge_support import (
    CRYSTAL_OVERRIDES,
    Crystal,
    Tally,
    Ticket,
    database,
    postgres_schema,
    tables,
)
from tests.stores.sql_support import Database

__all__ = ["database", "postgres_schema", "tables"]

FEW = settings(max_examples=15, deadline=None)

CRYSTAL_START = {
    "content_hash": "0" * 64,
    "summary": "nothing yet",
    "tags": [],
    "datum_id": "d0",
    "parent_id": None,
    "created_at": datetime(2024, 1, 1, tzinfo=UTC),
    "importance": 0.5,
    "source": None,
}

TICKET_START = {"created_at": datetime(2024, 1, 1), "title": "new"}


def _adapter(database: Database, model: type[Any]) -> TableAdapter:
    """An adapter whose sessions each open and close a connection (no pool to outlive a loop)."""
    return TableAdapter(model, async_sessionmaker(database.engine(poolclass=NullPool)))


def _states(
    model: type[Any], left_out: set[str], overrides: dict[str, Any] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """One row of ``model`` as a state: by attribute name, without the key and ``left_out``."""
    codec = RowCodec(model)
    skipped = {codec.key_field.attr, *left_out}
    rows = table_rows(codec, overrides=overrides, min_size=1, max_size=1)
    return rows.map(lambda drawn: {k: v for k, v in drawn[0].items() if k not in skipped})


def test_content_versioned_rows_pass_the_state_backend_laws(tables: Database) -> None:
    adapter = _adapter(tables, Crystal)

    async def fresh() -> Any:
        return adapter.as_state_backend(uuid.uuid4().hex, initial=CRYSTAL_START)

    states = _states(Crystal, {"parent_id"}, CRYSTAL_OVERRIDES).map(
        lambda state: {**state, "parent_id": None}
    )
    check_state_backend(fresh, states, twin=None, content_versioned=True, settings=FEW)


def test_column_versioned_rows_pass_the_state_backend_laws(tables: Database) -> None:
    adapter = _adapter(tables, Ticket)

    async def fresh() -> Any:
        key = str(uuid.uuid4())
        return adapter.as_state_backend(key, initial=TICKET_START, version_field="version")

    check_state_backend(fresh, _states(Ticket, {"version"}), twin=None, settings=FEW)


@given(tasks=st.integers(2, 5), steps=st.integers(1, 4), versioned=st.booleans())
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_concurrent_invokes_over_a_row_lose_no_update(
    tables: Database, tasks: int, steps: int, versioned: bool
) -> None:
    adapter = _adapter(tables, Tally)
    key = str(uuid.uuid4().int % 2**31)
    backend = adapter.as_state_backend(
        key, initial={"label": "hits", "n": 0}, version_field="revision" if versioned else None
    )

    def count(_: str, state: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return state["n"] + 1, {**state, "n": state["n"] + 1}

    async def run() -> list[int]:
        counter = StateFunctor.lift_logic(count, backend=backend)

        async def worker() -> list[int]:
            return [await counter.invoke("tick") for _ in range(steps)]

        done = await asyncio.gather(*(worker() for _ in range(tasks)))
        return sorted(n for outputs in done for n in outputs)

    with event_loop() as run_async:
        outputs = run_async(run())
        state, _ = run_async(backend.load())
    assert outputs == list(range(1, tasks * steps + 1))
    assert state["n"] == tasks * steps


def test_bad_states_are_refused_and_store_nothing(tables: Database) -> None:
    adapter = _adapter(tables, Crystal)
    backend = adapter.as_state_backend("crystal-state", initial=CRYSTAL_START)

    async def run() -> None:
        _, version = await backend.load()
        version = await backend.save({**CRYSTAL_START, "summary": "kept"}, version)
        long_summary = ({**CRYSTAL_START, "summary": "x" * 201}, "crystals.summary")
        bad_states = [
            ({**CRYSTAL_START, "colour": "red"}, "colour"),
            # SQLite checks no VARCHAR length, so it holds a longer summary (the adapter keeps
            # what the column can hold); PostgreSQL refuses it.
            *([long_summary] if tables.dialect == "postgresql" else []),
            ({**CRYSTAL_START, "created_at": datetime(2024, 1, 1)}, "crystals.created_at"),
            ({**CRYSTAL_START, "tags": [1]}, "crystals.tags"),
            ({k: v for k, v in CRYSTAL_START.items() if k != "summary"}, "crystals.summary"),
            ({**CRYSTAL_START, "id": "other"}, "'id'"),
        ]
        for state, column in bad_states:
            with pytest.raises(InvalidRow, match=column):
                await backend.save(state, version)
            assert await backend.load() == ({**CRYSTAL_START, "summary": "kept"}, version)

    with event_loop() as run_async:
        run_async(run())


def test_a_missing_row_without_initial_is_unknown(tables: Database) -> None:
    backend = _adapter(tables, Crystal).as_state_backend("nobody")

    with event_loop() as run_async, pytest.raises(UnknownDatum, match="initial="):
        run_async(backend.load())
