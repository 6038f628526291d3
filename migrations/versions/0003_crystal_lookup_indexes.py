"""Index crystals by content hash and by causal parent.

Revision ID: 0003
Revises: 0002
Create Date: 2025-11-26 08:20:00

An index changes no row, so it is safe on a table holding rows; what it buys: finding the
crystals of a content (deduplication) and the children of a crystal (walking causal chains)
without scanning the table.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the content-hash and parent indexes."""
    op.create_index("ix_crystals_content_hash", "crystals", ["content_hash"])
    op.create_index("ix_crystals_parent_id", "crystals", ["parent_id"])


def downgrade() -> None:
    """Drop both indexes (development only: refused in production)."""
    op.drop_index("ix_crystals_parent_id", table_name="crystals")
    op.drop_index("ix_crystals_content_hash", table_name="crystals")
