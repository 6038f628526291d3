"""Create the crystals table: the Brain's queryable memories.

Revision ID: 0001
Revises:
Create Date: 2025-11-26 08:00:00

The creation time gets a server default so rows written by plain SQL are stamped too. That
default is dialect-specific SQL: SQLite's CURRENT_TIMESTAMP has whole seconds only, so SQLite
gets strftime with milliseconds, and PostgreSQL gets now().
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now() -> sa.TextClause:
    if op.get_context().dialect.name == "sqlite":
        return sa.text("(strftime('%Y-%m-%d %H:%M:%f', 'now'))")
    return sa.text("now()")


def upgrade() -> None:
    """Create ``crystals`` with its self-referencing causal parent."""
    op.create_table(
        "crystals",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("summary", sa.String(200), nullable=False),
        sa.Column("tags", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("datum_id", sa.String(64), nullable=False),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_crystals"),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["crystals.id"],
            name="fk_crystals_parent_id_crystals",
            deferrable=True,
            initially="DEFERRED",
        ),
    )


def downgrade() -> None:
    """Drop ``crystals`` (development only: refused in production)."""
    op.drop_table("crystals")
