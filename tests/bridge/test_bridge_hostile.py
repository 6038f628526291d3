"""TableAdapter under the hostile-input law (:mod:`laws.dgent.hostile`), on SQLite and
PostgreSQL: hostile arguments and undecodable contents give a ``DualtrackError`` or success."""

from __future__ import annotations

from hypothesis import settings

from dualtrack.bridge import RowCodec
from laws.bridge import table_datums
from laws.dgent.hostile import check_hostile_inputs
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
