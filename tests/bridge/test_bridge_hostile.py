"""TableAdapter under the hostile-input law (:mod:`laws.dgent.hostile`), on SQLite and
PostgreSQL: hostile arguments and undecodable contents give a ``DualtrackError`` or success."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import settings

from dualtrack.bridge import RowCodec
from laws.bridge import table_datums
from laws.dgent.hostile import check_hostile_catalogue, check_hostile_inputs
from tests.bridge.bridge_support import (
    Specimen,
    adapter_stores,
    aware_times,
    database,
    postgres_schema,
    tables,
)
from tests.stores.sql_support import Database

__all__ = ["database", "postgres_schema", "tables"]


def test_table_adapter_survives_hostile_input(tables: Database) -> None:
    codec = RowCodec(Specimen, dialect=tables.dialect)
    seeds = table_datums(codec, overrides={"created_at": aware_times()}, min_size=1, max_size=2)
    check_hostile_inputs(
        adapter_stores(tables, Specimen), settings(max_examples=40, deadline=None), seeds
    )


def test_table_adapter_survives_the_whole_hostile_catalogue(tables: Database) -> None:
    codec = RowCodec(Specimen, dialect=tables.dialect)
    row = {"id": "seed", "created_at": datetime(2026, 1, 1, tzinfo=UTC), "name": "s"}
    check_hostile_catalogue(adapter_stores(tables, Specimen), [codec.datum_of(row)])
