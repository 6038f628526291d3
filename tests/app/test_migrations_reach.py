"""An environment that rewrites stored text on every upgrade (trimming it, folding its case)
is caught by the idempotence law on 20 of 20 seeds: the rows drawn hold such text on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from laws.migrations import MIGRATION_SETTINGS, DatabaseFactory, check_upgrade_idempotent
from tests.app.test_migrations_laws import planted
from tests.seeded import caught_on_seeds

RUN = "    with context.begin_transaction():\n        context.run_migrations()\n"


def rewriting(statement: str) -> str:
    return (
        "    with context.begin_transaction():\n"
        "        context.run_migrations()\n"
        f'    connection.exec_driver_sql("{statement}")\n'
    )


@pytest.mark.parametrize(
    "statement",
    ["UPDATE crystals SET summary = trim(summary)", "UPDATE crystals SET summary = lower(summary)"],
)
def test_an_environment_rewriting_rows_is_caught_on_every_seed(
    sqlite_databases: DatabaseFactory, tmp_path: Path, statement: str
) -> None:
    scripts = planted(tmp_path, env_edit=(RUN, rewriting(statement)))
    few = settings(MIGRATION_SETTINGS, max_examples=4, database=None)
    missed = caught_on_seeds(
        lambda: check_upgrade_idempotent(scripts, sqlite_databases, settings=few),
        "upgrade twice equals once",
    )
    assert missed == []
