"""Add importance and source to crystals, the additive way.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-26 08:10:00

The table already holds rows, so each new column is either defaulted on the server
(``importance``: existing crystals get 0.5) or nullable (``source``: unknown for old ones).
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
    with op.batch_alter_table("crystals") as batch:
        batch.add_column(
            sa.Column("importance", sa.Float(), server_default=sa.text("0.5"), nullable=False)
        )
        batch.add_column(sa.Column("source", sa.String(64), nullable=True))


def downgrade() -> None:
    """Drop both columns (development only: refused in production)."""
    with op.batch_alter_table("crystals") as batch:
        batch.drop_column("source")
        batch.drop_column("importance")
