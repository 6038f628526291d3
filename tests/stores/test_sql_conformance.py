"""SQLDgent passes every agent-memory law, on SQLite and on the real PostgreSQL server.

(Its SQLAlchemy-only path on PostgreSQL, ``driver_statements=False``, is checked against the
model by the stateful agreement test in ``test_agreement_sql.py``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from dualtrack.memory.embedder import HashedNgramEmbedder
from laws.dgent import check_dgent
from tests.stores.sql_support import postgres_schema, postgres_stores, sqlite_stores

__all__ = ["postgres_schema"]

FAST = settings(max_examples=30, deadline=None)
#: Fewer examples on PostgreSQL: every store there opens its own engine (a new event loop
#: per law check), and the agreement test drives it through the same operations again.
FAST_POSTGRES = settings(max_examples=20, deadline=None)
STATEFUL = settings(max_examples=20, stateful_step_count=25, deadline=None)


def test_sql_dgent_on_sqlite_passes_the_conformance_kit(tmp_path: Path) -> None:
    check_dgent(
        sqlite_stores(tmp_path / "memory.db"),
        embedder=HashedNgramEmbedder(),
        settings=FAST,
        stateful=STATEFUL,
    )


@pytest.mark.postgres
def test_sql_dgent_on_postgres_passes_the_conformance_kit(postgres_schema: str) -> None:
    check_dgent(
        postgres_stores(postgres_schema),
        embedder=HashedNgramEmbedder(),
        settings=FAST_POSTGRES,
        stateful=STATEFUL,
    )
