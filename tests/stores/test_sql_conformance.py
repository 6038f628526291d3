"""SQLDgent passes every agent-memory law, on SQLite and on the real PostgreSQL server.

(Its SQLAlchemy-only path on PostgreSQL, ``driver_statements=False``, is checked against the
model by the stateful agreement test in ``test_agreement_sql.py``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from tests.conformance import LAW_NAMES, check_law
from tests.stores.sql_support import postgres_schema, postgres_stores, sqlite_stores

__all__ = ["postgres_schema"]

FAST = settings(max_examples=30, deadline=None)
#: Fewer examples on PostgreSQL: every store there opens its own engine (a new event loop
#: per law check), and the agreement test drives it through the same operations again.
FAST_POSTGRES = settings(max_examples=20, deadline=None)
STATEFUL = settings(max_examples=20, stateful_step_count=25, deadline=None)


@pytest.mark.parametrize("law", LAW_NAMES)
def test_sql_dgent_on_sqlite_keeps_every_conformance_law(law: str, tmp_path: Path) -> None:
    check_law(law, sqlite_stores(tmp_path / "memory.db"), fast=FAST, stateful=STATEFUL)


@pytest.mark.postgres
@pytest.mark.parametrize("law", LAW_NAMES)
def test_sql_dgent_on_postgres_keeps_every_conformance_law(law: str, postgres_schema: str) -> None:
    check_law(law, postgres_stores(postgres_schema), fast=FAST_POSTGRES, stateful=STATEFUL)
