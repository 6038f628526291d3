"""TableAdapter passes the agent-memory conformance kit (:mod:`laws.dgent`) where it applies,
on an SQLite file and on PostgreSQL, with datums made from rows of the every-type model.

Laws that apply, given batches of datums a table can hold (``laws.bridge.table_datums``):
round trip, idempotent put, causality, listing (filters, order, cursors with rows arriving
between pages), refs by compare-and-set, ref and namespace listing, the causal scan, and search
(scores checked against the embedder).

Laws that do not apply, and why:

* ``check_immutability`` changes ``created_at`` or ``metadata`` and expects a refusal; on a
  table both are derived (from the time column and the table name), so such a datum *is* the
  stored row and put is idempotent. Changes a table can see (content, parent) are refused:
  see ``test_bridge_adapter.py``.
* ``check_namespace_isolation``, ``check_concurrent_refs`` and ``check_against_model`` put
  arbitrary bytes (``b"0"``, ``content + b"~"``), which no typed table holds. Tables are
  namespaces of their own (two adapters on two tables share nothing, tested in
  ``test_bridge_adapter.py``); concurrent writers are covered by the state backend laws.
"""

from __future__ import annotations

from hypothesis import settings

from dualtrack.bridge import RowCodec
from dualtrack.memory.embedder import HashedNgramEmbedder
from laws.bridge import table_datums
from laws.dgent import (
    check_causal_scan,
    check_causality,
    check_concurrent_writers,
    check_idempotent_put,
    check_listing,
    check_namespace_listing,
    check_ref_compare_and_set,
    check_ref_listing,
    check_round_trip,
    check_search,
)
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

FEW = settings(max_examples=12, deadline=None)


def test_the_conformance_laws_that_apply_hold(tables: Database) -> None:
    codec = RowCodec(Specimen, dialect=tables.dialect)
    batches = table_datums(codec, overrides={"created_at": aware_times()}, max_size=8)
    stores = adapter_stores(tables, Specimen)
    check_round_trip(stores, batches=batches, settings=FEW)
    check_idempotent_put(stores, batches=batches, settings=FEW)
    check_causality(stores, batches=batches, settings=FEW)
    check_listing(stores, batches=batches, settings=FEW)
    check_ref_compare_and_set(stores, batches=batches, settings=FEW)
    check_ref_listing(stores, batches=batches, settings=FEW)
    check_namespace_listing(stores, batches=batches, settings=FEW)
    check_causal_scan(stores, batches=batches, settings=FEW)
    check_search(stores, batches=batches, embedder=HashedNgramEmbedder(), settings=FEW)
    check_concurrent_writers(stores, batches=batches, settings=FEW)
