"""SQLDgent's one-statement batch insert on PostgreSQL checks each new datum by index probes.

Before the first ``ANALYZE`` (or while autovacuum lags), statistics make the datums table look
small, and PostgreSQL would answer the batch's ``EXISTS`` checks by hashing every datum of the
namespace instead: a cost per ``put_many`` that grows with everything stored. The statement
fences each check (``OFFSET 0``); this reads the plan PostgreSQL makes for it."""

from __future__ import annotations

import time

import asyncpg
import pytest
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect

from dualtrack import Datum
from dualtrack.app.blocking import run_blocking
from dualtrack.memory.retention.digests import id_digest
from dualtrack.memory.sql.facets import facets_json
from dualtrack.memory.sql.oneshot import one_shot
from dualtrack.memory.sql.schema import tables_in
from dualtrack.memory.sql.sessions import Compiler
from dualtrack.memory.sql.statements import Statements
from tests.stores.sql_support import POSTGRES_URL, postgres_schema, postgres_stores

__all__ = ["postgres_schema"]

NAMESPACE = "plans"


def _datum(number: int, parent: str | None) -> Datum:
    return Datum(
        id=f"d{number:06d}",
        content=b"step %d" % number,
        created_at=1.7e9 + number,
        causal_parent=parent,
        metadata={"n": number},
    )


def _params(batch: list[Datum]) -> dict[str, object]:
    return {
        "ns": NAMESPACE,
        "ids": [d.id for d in batch],
        "contents": [d.content for d in batch],
        "created_ats": [d.created_at for d in batch],
        "causal_parents": [d.causal_parent for d in batch],
        "metadatas": [d.metadata_json for d in batch],
        "facetses": [facets_json(d) for d in batch],
        "digests": [id_digest(d.id) for d in batch],
        "parent_digests": [
            None if d.causal_parent is None else id_digest(d.causal_parent) for d in batch
        ],
        "now": time.time(),
    }


async def _generic_plan(schema: str, stored: int) -> str:
    store = await postgres_stores(schema)(NAMESPACE)
    try:
        chain = [_datum(0, None)]
        for number in range(1, stored):
            chain.append(_datum(number, chain[-1].id))
        for start in range(0, stored, 500):
            await store.put_many(chain[start : start + 500])
    finally:
        await store.close()
    compiled = Compiler(asyncpg_dialect.dialect())(
        one_shot(Statements(tables_in(schema), "postgresql")).insert_batch
    )
    batch = [_datum(stored, chain[-1].id), _datum(stored + 1, None)]
    dsn = POSTGRES_URL.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        # the plan a prepared statement settles on after its first executions
        await connection.execute("SET plan_cache_mode = force_generic_plan")
        rows = await connection.fetch(
            f"EXPLAIN {compiled.sql}", *compiled.arguments(_params(batch))
        )
    finally:
        await connection.close()
    return "\n".join(row[0] for row in rows)


@pytest.mark.postgres
def test_batch_insert_probes_its_checks_by_index(postgres_schema: str) -> None:
    plan = run_blocking(_generic_plan(postgres_schema, 3000))
    assert "hashed SubPlan" not in plan, plan
    for table in ("dualtrack_datums", "dualtrack_tombstones", "dualtrack_erased"):
        assert f"Seq Scan on {table}" not in plan, plan
        assert f"Bitmap Heap Scan on {table}" not in plan, plan
