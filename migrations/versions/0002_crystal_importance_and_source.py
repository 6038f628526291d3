"""Add importance and source to crystals, the additive way.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-26 08:10:00

The table already holds rows, so each new column is either defaulted on the server
(``importance``: existing crystals get 0.5) or nullable (``source``: unknown for old ones).
Every database, SQLite included, can ADD COLUMN in place; dropping a column is where SQLite
needs batch mode (copy the table without it), so only the downgrade uses a batch.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``importance`` (server default 0.5) and ``source`` (nullable)."""
    op.add_column(
        "crystals",
        sa.Column("importance", sa.Float(), server_default=sa.text("0.5"), nullable=False),
    )
    op.add_column("crystals", sa.Column("source", sa.String(64), nullable=True))


def downgrade() -> None:
    """Drop both columns (development only: refused in production)."""
    with op.batch_alter_table("crystals") as batch:
        batch.drop_column("source")
        batch.drop_column("importance")
