"""The migration laws hold for dualtrack's own scripts, and each one catches a planted mistake.

Planted mistakes live in a copy of ``migrations/`` under the test's temporary directory: an
extra revision, or an edited ``env.py``. Each law runs on SQLite files and on PostgreSQL.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import settings
from sqlalchemy import Column, Integer, MetaData

from dualtrack.app.models import NAMING_CONVENTION, Base
from dualtrack.app.scripts import heads, is_linear, script_location
from dualtrack.errors import LawViolation, MigrationError
from laws.migrations import (
    MIGRATION_SETTINGS,
    DatabaseFactory,
    check_additive_evolution,
    check_downgrade,
    check_no_drift,
    check_upgrade_idempotent,
)

#: Planted mistakes fail on the first example; a few more are enough to show it is not luck.
FEW = settings(MIGRATION_SETTINGS, max_examples=3)

#: Each example migrates a new database; six per law and database keep the suite quick.
SOME = settings(MIGRATION_SETTINGS, max_examples=6)

REVISION_HEADER = """
    import sqlalchemy as sa
    from alembic import op

    revision = "0004"
    down_revision = "0003"
    branch_labels = None
    depends_on = None
"""

NOT_NULL_WITHOUT_DEFAULT = """
    def upgrade():
        with op.batch_alter_table("crystals") as batch:
            batch.add_column(sa.Column("flag", sa.Boolean(), nullable=False))


    def downgrade():
        with op.batch_alter_table("crystals") as batch:
            batch.drop_column("flag")
"""

DEFAULT_DROPPED_AFTER_BACKFILL = """
    def upgrade():
        with op.batch_alter_table("crystals") as batch:
            batch.add_column(
                sa.Column("flag", sa.Boolean(), nullable=False, server_default=sa.false())
            )
        with op.batch_alter_table("crystals") as batch:
            batch.alter_column("flag", server_default=None)


    def downgrade():
        with op.batch_alter_table("crystals") as batch:
            batch.drop_column("flag")
"""

NULLABLE_COLUMN = """
    def upgrade():
        with op.batch_alter_table("crystals") as batch:
            batch.add_column(sa.Column("mood", sa.String(20), nullable=True))


    def downgrade():
        with op.batch_alter_table("crystals") as batch:
            batch.drop_column("mood")
"""

BACKFILL_OF_THE_WRONG_COLUMN = """
    def upgrade():
        op.add_column("crystals", sa.Column("kind", sa.String(20), nullable=True))
        op.execute("UPDATE crystals SET summary = 'crystal'")


    def downgrade():
        with op.batch_alter_table("crystals") as batch:
            batch.drop_column("kind")
"""

INDEX_LEFT_BEHIND = """
    def upgrade():
        op.create_index("ix_crystals_datum_id", "crystals", ["datum_id"])


    def downgrade():
        pass
"""

GUARD = "    refuse_production_downgrade(context.get_context())\n"

SEED_EVERY_RUN = """    with context.begin_transaction():
        context.run_migrations()
    connection.exec_driver_sql(
        "INSERT INTO crystals (id, content_hash, summary, tags, datum_id) "
        "SELECT 'seed-' || count(*), 'h', 's', '[]', 'd' FROM crystals"
    )
"""


def planted(
    tmp_path: Path,
    revision: str | None = None,
    env_edit: tuple[str, str] | None = None,
) -> Path:
    """A copy of dualtrack's scripts with an extra revision 0004 and/or an edited env.py."""
    scripts = tmp_path / "scripts"
    shutil.copytree(script_location(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    if revision is not None:
        body = dedent(REVISION_HEADER) + dedent(revision)
        (scripts / "versions" / "0004_planted.py").write_text(body)
    if env_edit is not None:
        env = scripts / "env.py"
        old, new = env_edit
        assert old in env.read_text()
        env.write_text(env.read_text().replace(old, new, 1))
    return scripts


# The laws hold for dualtrack's own migrations, on both databases.


def test_no_drift_between_models_and_migrations(databases: DatabaseFactory) -> None:
    check_no_drift(None, databases, Base.metadata)


def test_upgrading_twice_equals_once(databases: DatabaseFactory) -> None:
    check_upgrade_idempotent(None, databases, settings=SOME)


def test_every_revision_adds_columns_nullable_or_defaulted(databases: DatabaseFactory) -> None:
    check_additive_evolution(None, databases, settings=SOME)


def test_downgrade_refused_in_production_and_reversible_elsewhere(
    databases: DatabaseFactory,
) -> None:
    check_downgrade(None, databases, settings=SOME)


async def test_laws_run_from_inside_an_event_loop(sqlite_databases: DatabaseFactory) -> None:
    check_no_drift(None, sqlite_databases, Base.metadata)
    check_upgrade_idempotent(None, sqlite_databases, settings=FEW)


def test_laws_follow_a_history_with_two_heads(
    sqlite_databases: DatabaseFactory, tmp_path: Path
) -> None:
    scripts = planted(tmp_path, revision=NULLABLE_COLUMN)
    other = dedent(REVISION_HEADER).replace('"0004"', '"0004b"') + dedent(
        NULLABLE_COLUMN.replace("mood", "colour")
    )
    (scripts / "versions" / "0004b_other_branch.py").write_text(other)
    assert sorted(heads(scripts)) == ["0004", "0004b"]
    assert not is_linear(scripts)
    check_upgrade_idempotent(scripts, sqlite_databases, settings=FEW)
    check_additive_evolution(scripts, sqlite_databases, settings=FEW)
    check_downgrade(scripts, sqlite_databases, settings=FEW)


# Each law catches a planted mistake.


def test_not_null_column_without_default_fails_on_a_table_holding_rows(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    scripts = planted(tmp_path, revision=NOT_NULL_WITHOUT_DEFAULT)
    with pytest.raises(LawViolation) as caught:
        check_additive_evolution(scripts, databases, settings=FEW)
    message = str(caught.value)
    assert "law 'added columns are nullable or defaulted' does not hold" in message
    assert "left:  'upgrade to 0004 failed:" in message
    assert "flag" in message
    assert "'revision': '0004'" in message
    assert "'rows held': {'crystals': " in message


def test_column_left_without_default_after_backfill_is_caught(
    sqlite_databases: DatabaseFactory, tmp_path: Path
) -> None:
    scripts = planted(tmp_path, revision=DEFAULT_DROPPED_AFTER_BACKFILL)
    with pytest.raises(LawViolation) as caught:
        check_additive_evolution(scripts, sqlite_databases, settings=FEW)
    message = str(caught.value)
    assert "law 'added columns are nullable or defaulted' does not hold" in message
    assert "left:  {'crystals.flag': 'NOT NULL without a server default'}" in message
    assert "right: {}" in message


def test_a_nullable_column_passes_the_evolution_law(
    sqlite_databases: DatabaseFactory, tmp_path: Path
) -> None:
    check_additive_evolution(
        planted(tmp_path, revision=NULLABLE_COLUMN), sqlite_databases, settings=FEW
    )


def test_a_revision_rewriting_stored_values_is_caught(
    sqlite_databases: DatabaseFactory, tmp_path: Path
) -> None:
    scripts = planted(tmp_path, revision=BACKFILL_OF_THE_WRONG_COLUMN)
    with pytest.raises(LawViolation) as caught:
        check_additive_evolution(scripts, sqlite_databases, settings=FEW)
    message = str(caught.value)
    assert "law 'rows survive every upgrade' does not hold" in message
    after, before = message.split("left:")[1].split("right:")
    assert after.count("'summary': 'crystal'") >= 1
    assert "'differs in': {'summary': 'crystal'}" in after
    assert "'kind'" not in after + before


def test_model_column_missing_from_the_migrations_is_drift(
    sqlite_databases: DatabaseFactory,
) -> None:
    models = MetaData(naming_convention=NAMING_CONVENTION)
    Base.metadata.tables["crystals"].to_metadata(models).append_column(Column("rating", Integer))
    with pytest.raises(LawViolation) as caught:
        check_no_drift(None, sqlite_databases, models)
    message = str(caught.value)
    assert "law 'no drift between the models and the migrations' does not hold" in message
    assert "left:  ['add_column crystals.rating']" in message
    assert "right: []" in message


def test_migrated_column_missing_from_the_models_is_drift(
    sqlite_databases: DatabaseFactory, tmp_path: Path
) -> None:
    scripts = planted(tmp_path, revision=NULLABLE_COLUMN)
    with pytest.raises(LawViolation, match=r"\['remove_column crystals\.mood'\]"):
        check_no_drift(scripts, sqlite_databases, Base.metadata)


def test_env_without_the_production_guard_is_caught(
    sqlite_databases: DatabaseFactory, tmp_path: Path
) -> None:
    scripts = planted(tmp_path, env_edit=(GUARD, ""))
    with pytest.raises(LawViolation) as caught:
        check_downgrade(scripts, sqlite_databases, settings=FEW)
    message = str(caught.value)
    assert "law 'downgrade is refused in production' does not hold" in message
    assert "left:  'the downgrade to base ran'" in message
    assert "right: 'MigrationRefused'" in message


def test_downgrade_that_leaves_an_index_behind_is_caught(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    scripts = planted(tmp_path, revision=INDEX_LEFT_BEHIND)
    with pytest.raises(LawViolation) as caught:
        check_downgrade(scripts, databases, settings=FEW)
    message = str(caught.value)
    assert 'law "downgrade restores each revision\'s schema" does not hold' in message
    assert "'downgraded to': '0003'" in message
    assert "ix_crystals_datum_id" in message


def test_env_seeding_on_every_run_breaks_idempotence(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    old = "    with context.begin_transaction():\n        context.run_migrations()\n"
    scripts = planted(tmp_path, env_edit=(old, SEED_EVERY_RUN))
    with pytest.raises(LawViolation) as caught:
        check_upgrade_idempotent(scripts, databases, settings=FEW)
    message = str(caught.value)
    assert "law 'upgrade twice equals once' does not hold" in message
    twice, once = message.split("left:")[1].split("right:")
    assert twice.lstrip().startswith("{'table': 'crystals', 'row': {'id': 'seed-")
    assert "'row': 'no such row'" in once
    written = int(once.split("'rows': ")[1].split("}")[0])
    assert f"'rows': {written + 1}" in twice


def test_env_ignoring_the_shared_connection_is_reported(
    sqlite_databases: DatabaseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUALTRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    shared = 'shared = config.attributes.get("connection")'
    scripts = planted(tmp_path, env_edit=(shared, "shared = None"))
    with pytest.raises(MigrationError, match=r"config\.attributes\['connection'\]"):
        check_no_drift(scripts, sqlite_databases, Base.metadata)
