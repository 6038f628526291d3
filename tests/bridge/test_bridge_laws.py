"""The bridge laws hold for Crystal and for a model of every supported column type, on an
SQLite file and on PostgreSQL, with agent memory (SQLDgent) on the same database: the round
trip both ways (a datum put and read back; a row written by plain ORM code read and put into a
fresh table), source tagging and isolation."""

from __future__ import annotations

from hypothesis import settings

from laws.bridge import (
    check_isolation,
    check_reverse_round_trip,
    check_round_trip,
    check_source_tagging,
)
from tests.bridge.bridge_support import (
    CRYSTAL_OVERRIDES,
    Crystal,
    Note,
    Specimen,
    Tally,
    adapters,
    database,
    postgres_schema,
    tables,
)
from tests.stores.sql_support import Database, postgres_stores, sqlite_stores

__all__ = ["database", "postgres_schema", "tables"]

FEW = settings(max_examples=15, deadline=None)


def _memory(database: Database):
    if database.schema is None:
        return sqlite_stores(database.url.split("///", 1)[1])
    return postgres_stores(database.schema, tag="bridge-")


def test_round_trip_on_every_column_type(tables: Database) -> None:
    check_round_trip(Specimen, adapters(tables, Specimen), settings=FEW)


def test_round_trip_on_crystals(tables: Database) -> None:
    check_round_trip(Crystal, adapters(tables, Crystal), overrides=CRYSTAL_OVERRIDES, settings=FEW)


def test_round_trip_without_parent_or_time_column(tables: Database) -> None:
    check_round_trip(Tally, adapters(tables, Tally), settings=FEW)


def test_round_trip_with_a_parent_column_found_by_name(tables: Database) -> None:
    check_round_trip(Note, adapters(tables, Note), settings=FEW)


def test_reverse_round_trip_on_every_column_type(tables: Database) -> None:
    check_reverse_round_trip(Specimen, adapters(tables, Specimen), settings=FEW)


def test_reverse_round_trip_on_crystals(tables: Database) -> None:
    check_reverse_round_trip(
        Crystal, adapters(tables, Crystal), overrides=CRYSTAL_OVERRIDES, settings=FEW
    )


def test_reverse_round_trip_without_parent_or_time_column(tables: Database) -> None:
    check_reverse_round_trip(Tally, adapters(tables, Tally), settings=FEW)


def test_reverse_round_trip_with_a_parent_column_found_by_name(tables: Database) -> None:
    check_reverse_round_trip(Note, adapters(tables, Note), settings=FEW)


def test_source_tagging_on_every_column_type(tables: Database) -> None:
    check_source_tagging(Specimen, adapters(tables, Specimen), settings=FEW)


def test_source_tagging_on_crystals(tables: Database) -> None:
    check_source_tagging(
        Crystal, adapters(tables, Crystal), overrides=CRYSTAL_OVERRIDES, settings=FEW
    )


def test_isolation_from_agent_memory_on_the_same_database(tables: Database) -> None:
    check_isolation(
        Crystal,
        adapters(tables, Crystal),
        _memory(tables),
        overrides=CRYSTAL_OVERRIDES,
        settings=FEW,
    )
