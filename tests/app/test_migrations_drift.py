"""``check_no_drift`` sees what Alembic's compare sees with server defaults on, and what it
leaves out (primary keys, CHECK constraints): each planted on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, MetaData, PrimaryKeyConstraint, text

from dualtrack.app.models import NAMING_CONVENTION, Base
from dualtrack.errors import LawViolation
from laws.migrations import DatabaseFactory, check_no_drift
from tests.app.test_migrations_laws import planted

DEFAULT_CHANGED = """
    def upgrade():
        with op.batch_alter_table("crystals") as batch:
            batch.alter_column("importance", server_default=sa.text("0.7"))


    def downgrade():
        with op.batch_alter_table("crystals") as batch:
            batch.alter_column("importance", server_default=sa.text("0.5"))
"""

SUMMARY_MADE_NULLABLE = """
    def upgrade():
        with op.batch_alter_table("crystals") as batch:
            batch.alter_column("summary", existing_type=sa.Text(), nullable=True)


    def downgrade():
        with op.batch_alter_table("crystals") as batch:
            batch.alter_column("summary", existing_type=sa.Text(), nullable=False)
"""


@pytest.mark.parametrize("revision", [DEFAULT_CHANGED, SUMMARY_MADE_NULLABLE])
def test_a_revision_changing_a_default_or_nullability_is_drift(
    databases: DatabaseFactory, tmp_path: Path, revision: str
) -> None:
    with pytest.raises(LawViolation) as caught:
        check_no_drift(planted(tmp_path, revision=revision), databases, Base.metadata)
    found = caught.value.left
    assert isinstance(found, list)
    assert any(
        item.startswith(("modify_default crystals.importance", "modify_nullable crystals.summary"))
        for item in found
    ), found


def test_a_check_constraint_only_the_models_declare_is_drift(databases: DatabaseFactory) -> None:
    models = MetaData(naming_convention=NAMING_CONVENTION)
    Base.metadata.tables["crystals"].to_metadata(models).append_constraint(
        CheckConstraint(text("importance >= 0"), name="importance_not_negative")
    )
    with pytest.raises(LawViolation) as caught:
        check_no_drift(None, databases, models)
    assert caught.value.left == [
        "modify_check_constraints crystals: migrated [], "
        "models ['ck_crystals_importance_not_negative']"
    ]


@pytest.mark.filterwarnings("ignore:Table 'crystals' specifies columns")
def test_a_primary_key_the_models_declare_differently_is_drift(
    databases: DatabaseFactory,
) -> None:
    models = MetaData(naming_convention=NAMING_CONVENTION)
    crystals = Base.metadata.tables["crystals"].to_metadata(models)
    crystals.append_constraint(PrimaryKeyConstraint("id", "datum_id"))
    with pytest.raises(LawViolation) as caught:
        check_no_drift(None, databases, models)
    assert any(
        item.startswith("modify_primary_key crystals: migrated ['id'], models ['id', 'datum_id']")
        for item in caught.value.left
    ), caught.value.left
